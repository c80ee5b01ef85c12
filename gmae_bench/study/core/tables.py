"""The report writer's pieces every study shares: reading the finished
runs, cells (``mean ± sample std (n)``), differences under the statistics
rule (:mod:`.stats`), Markdown and CSV tables, the costs table and the
figure writer."""
import csv
import glob
import io
import os.path as osp
import statistics
from typing import Dict, List, Optional, Sequence, Tuple

from ...engine.atomic_io import write_figure_atomic, write_text_atomic
from .stats import Difference, compare
from .store import RESULT, read_json_file

Stat = Optional[Tuple[float, Optional[float], int]]


def read_results(work_dir: str) -> List[dict]:
    """Every result file under ``work_dir``, with its folder as ``path``."""
    out = []
    for path in sorted(
            glob.glob(osp.join(work_dir, '*', '*', 'seed*', RESULT))):
        r = read_json_file(path, 'it')
        r['path'] = osp.dirname(path)
        out.append(r)
    return out


def select(results: List[dict], kind: str, name: str) -> List[dict]:
    return [r for r in results if r['kind'] == kind and r['name'] == name]


def stat(values: Sequence[Optional[float]]) -> Stat:
    values = [v for v in values if v is not None]
    if not values:
        return None
    std = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), std, len(values)


def cell(s: Stat, digits: int = 2) -> str:
    if s is None:
        return '–'
    mean, std, n = s
    if std is None:
        return f'{mean:.{digits}f} (n=1)'
    return f'{mean:.{digits}f} ± {std:.{digits}f} (n={n})'


def difference_row(label: str, metric: str, a: Dict[int, float],
                   b: Dict[int, float], is_paired: bool,
                   digits: int) -> Optional[Dict[str, str]]:
    """One row of a differences table (None when a side has no run)."""
    a = {s: v for s, v in a.items() if v is not None}
    b = {s: v for s, v in b.items() if v is not None}
    if not a or not b or (is_paired and not set(a) & set(b)):
        return None
    d: Difference = compare(a, b, is_paired)
    return {
        'difference': label,
        'metric': metric,
        'mean [95 % CI]': d.text(digits),
        'n': (f'{d.n_a} pairs' if d.method == 'paired t' else
              f'{d.n_a} / {d.n_b}'),
        'test': d.method,
        'verdict': d.verdict,
    }


def markdown(rows: List[dict], digits: Dict[str, int]) -> str:
    cols = list(rows[0])
    lines = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
    for row in rows:
        lines.append('| ' + ' | '.join(
            cell(row[c], digits.get(c, 2)) if isinstance(row[c], tuple) or
            (row[c] is None) else str(row[c]) for c in cols) + ' |')
    return '\n'.join(lines) + '\n'


def write_csv(rows: List[dict], path: str) -> None:
    cols = list(rows[0])
    header = []
    for c in cols:
        if any(isinstance(r[c], tuple) or r[c] is None for r in rows):
            header += [c, f'{c} std', f'{c} n']
        else:
            header.append(c)
    lines = []
    for r in rows:
        out = []
        for c in cols:
            v = r[c]
            if isinstance(v, tuple) or (v is None and f'{c} std' in header):
                mean, std, n = v or (None, None, None)
                out += [mean, std, n]
            else:
                out.append(v)
        lines.append(['' if x is None else x for x in out])
    buf = io.StringIO(newline='')
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(lines)
    write_text_atomic(buf.getvalue(), path)


COST_DIGITS = {'train s': 0, 'eval s': 0, 'retrain s': 0}


def cost_rows(results: List[dict],
              groups: Sequence[Tuple[str, str]],
              total: bool = False) -> List[Dict[str, object]]:
    """Wall seconds of the finished runs per ``(kind, name)`` group, from
    their ``study_time.json``: mean training, evaluation and, where a
    later checkout trained a run again, retraining; ``total`` adds the
    sums over every run (each run on one core: core-seconds)."""
    rows, sums = [], {'train s': [], 'eval s': [], 'retrain s': []}
    for kind, name in groups:
        times = []
        for r in select(results, kind, name):
            p = osp.join(r['path'], 'study_time.json')
            if osp.isfile(p):
                times.append(read_json_file(p))
        if not times:
            continue
        row: Dict[str, object] = {'run': f'{kind} / {name}',
                                  'runs': str(len(times))}
        for col in sums:
            values = [t.get(col.replace(' ', '_')) for t in times]
            row[col] = stat(values)
            sums[col] += [v for v in values if v is not None]
        row['threads'] = str(sorted({t.get('threads') for t in times}))
        rows.append(row)
    if total and rows:
        row = {'run': '**sum over the runs**',
               'runs': str(sum(int(r['runs']) for r in rows))}
        row.update({col: f'{sum(v):.0f}' for col, v in sums.items()})
        row['threads'] = ''
        rows.append(row)
    return rows


def finish_figure(plt, fig, path: str, drawn: bool, **kwargs) -> bool:
    """Write a figure that has something drawn, close it either way."""
    if drawn:
        write_figure_atomic(fig, path, **kwargs)
    plt.close(fig)
    return drawn
