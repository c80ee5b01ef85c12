"""The one statistics rule of every results page.

A difference between two rows is **resolved** only when the 95 %
confidence interval of the difference of their means excludes zero:

* paired over seeds (a paired t interval on the per-seed differences)
  where the two rows' runs are paired, i.e. a seed gives both the same
  initialisation, data order and masks (the report of each study says
  which rows are);
* Welch's t interval otherwise (unequal variances, Welch-Satterthwaite
  degrees of freedom);
* with one run on either side there is no interval: the comparison is
  "one run each" and claims nothing beyond the two numbers.
"""
import math
from dataclasses import dataclass
from typing import Dict, Mapping, Optional

from scipy import stats as _st

LEVEL = 0.95
RULE = ('resolved: the 95 % confidence interval of the difference excludes '
        'zero (paired t over seeds where the runs are paired, Welch '
        'otherwise); one run on a side: no interval, "one run each"')


@dataclass(frozen=True)
class Difference:
    """``a - b``: its mean, interval (None with one run on a side), the
    number of values on each side and how it was computed."""
    mean: float
    low: Optional[float]
    high: Optional[float]
    n_a: int
    n_b: int
    method: str  # 'paired t' | 'Welch' | 'one run each'

    @property
    def resolved(self) -> bool:
        return self.low is not None and (self.low > 0 or self.high < 0)

    @property
    def verdict(self) -> str:
        if self.low is None:
            return 'one run each' if max(self.n_a, self.n_b) == 1 else (
                'one run on a side: no interval')
        return 'resolved' if self.resolved else 'unresolved'

    def text(self, digits: int = 2) -> str:
        """``+0.30 [-0.80, 1.40]`` (or the mean alone)."""
        if self.low is None:
            return f'{self.mean:+.{digits}f}'
        return (f'{self.mean:+.{digits}f} [{self.low:+.{digits}f}, '
                f'{self.high:+.{digits}f}]')


def _mean(v):
    return math.fsum(v) / len(v)


def _var(v):
    m = _mean(v)
    return math.fsum((x - m)**2 for x in v) / (len(v) - 1)


def paired(a: Mapping[int, float], b: Mapping[int, float],
           level: float = LEVEL) -> Difference:
    """Paired t interval of ``a - b`` over the seeds both have."""
    seeds = sorted(set(a) & set(b))
    if not seeds:
        raise ValueError('a paired difference needs seeds both sides have; '
                         f'got {sorted(a)} and {sorted(b)}')
    d = [a[s] - b[s] for s in seeds]
    n = len(d)
    if n < 2:
        return Difference(d[0], None, None, 1, 1, 'one run each')
    half = _st.t.ppf(0.5 + level / 2, n - 1) * math.sqrt(_var(d) / n)
    m = _mean(d)
    return Difference(m, m - half, m + half, n, n, 'paired t')


def welch(a, b, level: float = LEVEL) -> Difference:
    """Welch's t interval of ``mean(a) - mean(b)`` (sequences of values)."""
    a, b = list(a), list(b)
    if not a or not b:
        raise ValueError('a difference needs values on both sides')
    m = _mean(a) - _mean(b)
    if len(a) < 2 or len(b) < 2:
        return Difference(m, None, None, len(a), len(b), 'one run each')
    va, vb = _var(a) / len(a), _var(b) / len(b)
    se2 = va + vb
    if se2 == 0:
        return Difference(m, m, m, len(a), len(b), 'Welch')
    df = se2**2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = _st.t.ppf(0.5 + level / 2, df) * math.sqrt(se2)
    return Difference(m, m - half, m + half, len(a), len(b), 'Welch')


def compare(a: Dict[int, float], b: Dict[int, float],
            is_paired: bool) -> Difference:
    """``a - b`` (values by seed) under the rule: paired t over the shared
    seeds when the rows are paired, Welch otherwise."""
    a = {s: v for s, v in a.items() if v is not None}
    b = {s: v for s, v in b.items() if v is not None}
    if is_paired:
        return paired(a, b)
    return welch(a.values(), b.values())
