"""The statistics rule: paired t over seeds where runs are paired, Welch
otherwise, no interval with one run on a side."""
import math

import pytest
from scipy import stats

from gmae_bench.study.core.stats import compare, paired, welch


def test_paired_interval_is_the_t_interval_of_the_differences():
    a = {0: 24.9, 1: 25.0, 2: 24.8}
    b = {0: 24.2, 1: 24.9, 2: 23.5}
    d = [a[s] - b[s] for s in a]
    got = paired(a, b)
    mean = sum(d) / 3
    sd = math.sqrt(sum((x - mean)**2 for x in d) / 2)
    half = stats.t.ppf(0.975, 2) * sd / math.sqrt(3)
    assert got.method == 'paired t' and got.n_a == 3
    assert got.mean == pytest.approx(mean)
    assert (got.low, got.high) == pytest.approx((mean - half, mean + half))
    # scipy's one-sample t test on the differences agrees on significance
    p = stats.ttest_1samp(d, 0).pvalue
    assert got.resolved == (p < 0.05)


def test_welch_matches_scipy_and_ignores_seed_labels():
    a, b = [83.2, 83.9, 82.5], [83.0, 83.4, 82.9, 83.1]
    got = welch(a, b)
    res = stats.ttest_ind(a, b, equal_var=False)
    ci = res.confidence_interval(0.95)
    assert (got.low, got.high) == pytest.approx((ci.low, ci.high))
    assert got.method == 'Welch' and (got.n_a, got.n_b) == (3, 4)


def test_one_run_claims_nothing():
    one = compare({0: 86.0}, {0: 84.4, 1: 84.5, 2: 84.3}, is_paired=False)
    assert one.low is None and not one.resolved
    assert one.verdict == 'one run on a side: no interval'
    each = compare({0: 86.0}, {0: 84.4}, is_paired=True)
    assert each.verdict == 'one run each' and each.text() == '+1.60'


def test_resolved_only_when_the_interval_excludes_zero():
    clear = compare({0: 3.0, 1: 3.1, 2: 2.9}, {0: 1.0, 1: 1.1, 2: 0.9}, True)
    assert clear.resolved and clear.verdict == 'resolved'
    # about one standard deviation apart: not resolved at n = 3
    noisy = compare({0: 1.0, 1: 0.0, 2: 2.0}, {0: 0.0, 1: 0.5, 2: 0.5}, True)
    assert not noisy.resolved and noisy.verdict == 'unresolved'


def test_paired_needs_shared_seeds_and_missing_values_drop():
    with pytest.raises(ValueError, match='seeds both sides have'):
        compare({0: 1.0}, {1: 2.0}, is_paired=True)
    d = compare({0: 1.0, 1: None, 2: 3.0}, {0: 0.0, 1: 1.0, 2: 1.0}, True)
    assert d.n_a == 2
