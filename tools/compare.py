"""MAE vs GMAE: one table (Markdown + CSV) with a delta column and the
paper's numbers, plus plots (pretraining curves, k and c ablations).

    python tools/compare.py work_dirs/ [more dirs] [--out work_dirs/compare]

Runs are paired by config name (``gmae`` <-> ``mae`` / ``mae-pixel``).
Several runs of one config (seeds, repeats) are shown as mean +- sample std
with their count n, never reduced to one silently. Metrics come from
``test_metrics.json`` (tools/test.py) when present, else from the last
validation in ``vis_data/scalars.json``. Pretraining runs report the mean
of their last 5 logged reconstruction errors in [0, 1] pixels:
``mse_pixels`` for GMAE and for MAE without norm_pix (``mae-pixel_*``
configs), the comparable pair; ``mse_pixels_true_stats`` for norm_pix MAE,
which needs each hidden patch's true mean and std and is labelled so.
``zero_shot.json`` (tools/zero_shot.py) adds the zero-shot rows (MAE
baseline, GMAE layers, model-free reference).

A folder with a ``study.json`` (scripts/study.sh) gets the study's tables
and figures instead (:mod:`gmae_bench.study`, one report per study).
"""
import argparse
import csv
import io
import os
import os.path as osp
import statistics
from collections import defaultdict
from typing import Dict, List, Optional, Tuple

from gmae_bench.engine.atomic_io import (write_figure_atomic,
                                         write_text_atomic)
from gmae_bench.runtime.results import (METRICS, NOTES, PAPER, ZERO_SHOT,
                                        ResultFileError, Run, find_runs)

COLUMNS = [
    'task', 'pair', 'metric', 'MAE', 'GMAE', 'delta', 'baseline', 'paper MAE',
    'paper GMAE', 'note'
]
# CSV: the numbers behind a "mean +- std (n)" cell
CSV_COLUMNS = [
    'task', 'pair', 'metric', 'MAE', 'MAE std', 'MAE n', 'GMAE', 'GMAE std',
    'GMAE n', 'delta', 'baseline', 'paper MAE', 'paper GMAE', 'note'
]
Stat = Optional[Tuple[float, Optional[float], int]]  # mean, std, n


def fmt(v) -> str:
    return '' if v is None else f'{v:.2f}' if abs(v) >= 0.1 else f'{v:.4f}'


def fmt_stat(s: Stat) -> str:
    if s is None:
        return ''
    mean, std, n = s
    return fmt(mean) if n == 1 else f'{fmt(mean)} ± {fmt(std)} (n={n})'


def aggregate(values: List[float]) -> Stat:
    """Mean, sample std (None for one value) and count."""
    if not values:
        return None
    std = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), std, len(values)


def table_rows(runs: List[Run]) -> List[Dict]:
    """One row per (pair, metric); missing sides stay empty."""
    pairs: Dict[str, Dict[str,
                          List[Run]]] = defaultdict(lambda: defaultdict(list))
    for r in runs:
        if r.task != 'zero_shot':
            pairs[r.pair_key][r.method].append(r)
    rows = []
    for key in sorted(pairs, key=lambda k: (_first(pairs[k]).task, k)):
        side = pairs[key]
        task, arch = _first(side).task, _first(side).arch
        for i, metric in enumerate(METRICS[task]):
            vals = {
                m: [r.metrics[metric] for r in side[m] if metric in r.metrics]
                for m in ('mae', 'gmae')
            }
            if i > 0 and not (vals['mae'] or vals['gmae']):
                continue  # secondary metrics only where some run has them
            notes = [NOTES[metric]] if metric in NOTES else []
            srcs = {r.name for r in side['mae'] if metric in r.metrics}
            if any('mae-pixel' in n for n in srcs):
                notes.append('MAE = ' + ', '.join(sorted(srcs)))
            for r in side['mae'] + side['gmae']:
                notes += [f'{r.name}: {n}' for n in r.notes]
            paper = PAPER.get((task, metric), {}) if arch == 'vit-b' else {}
            rows.append(
                _row(
                    task,
                    key.replace('mae', '{g}mae', 1),
                    metric,
                    aggregate(vals['mae']),
                    aggregate(vals['gmae']),
                    paper=paper,
                    note='; '.join(dict.fromkeys(notes))))
    for r in runs:  # zero-shot: MAE baseline, GMAE layers, model-free ref
        if r.task != 'zero_shot':
            continue
        for metric, mae, gmae, ref in ZERO_SHOT:
            m = r.metrics
            one = lambda k: aggregate([m[k]] if k in m else [])  # noqa: E731
            rows.append(
                _row(
                    'zero_shot',
                    r.name,
                    metric,
                    one(f'{metric}/{mae}'),
                    one(f'{metric}/{gmae}'),
                    baseline=m.get(f'{metric}/{ref}')))
    return rows


def _first(side: Dict[str, List[Run]]) -> Run:
    return next(r for runs in side.values() for r in runs)


def _row(task,
         pair,
         metric,
         mae: Stat,
         gmae: Stat,
         baseline=None,
         paper=None,
         note: str = '') -> Dict:
    paper = paper or {}
    delta = gmae[0] - mae[0] if mae and gmae else None
    return {
        'task': task,
        'pair': pair,
        'metric': metric,
        'MAE': mae,
        'GMAE': gmae,
        'delta': delta,
        'baseline': baseline,
        'paper MAE': paper.get('mae'),
        'paper GMAE': paper.get('gmae'),
        'note': note
    }


def markdown(rows: List[Dict]) -> str:
    lines = ['| ' + ' | '.join(COLUMNS) + ' |', '|' + '---|' * len(COLUMNS)]
    for row in rows:
        cells = []
        for c in COLUMNS:
            v = row[c]
            cells.append(
                v if isinstance(v, str) else fmt_stat(v) if c in (
                    'MAE', 'GMAE') else fmt(v))
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def write_csv(rows: List[Dict], path: str) -> None:
    buf = io.StringIO(newline='')
    w = csv.DictWriter(buf, fieldnames=CSV_COLUMNS)
    w.writeheader()
    for row in rows:
        out = {c: row[c] for c in COLUMNS if c not in ('MAE', 'GMAE')}
        for side in ('MAE', 'GMAE'):
            mean, std, n = row[side] or (None, None, None)
            out.update({side: mean, f'{side} std': std, f'{side} n': n})
        w.writerow({c: '' if out[c] is None else out[c] for c in CSV_COLUMNS})
    write_text_atomic(buf.getvalue(), path)


def plot_loss_curves(runs: List[Run], path: str) -> bool:
    curves = [r for r in runs if r.task == 'pretrain' and r.loss_curve]
    if not curves:
        return False
    from gmae_bench.visualization import pyplot
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for r in curves:
        x, y = zip(*r.loss_curve)
        true_stats = 'mse_pixels_true_stats' in r.metrics
        ax.plot(
            x,
            y,
            label=r.name +
            (' (norm_pix, true patch stats)' if true_stats else ''),
            lw=1,
            ls='--' if true_stats else '-')
    ax.set_xlabel('iteration')
    ax.set_ylabel('masked-patch MSE, [0, 1] pixels')
    ax.set_yscale('log')
    ax.legend(fontsize=7)
    ax.set_title('pretraining reconstruction error', fontsize=9)
    fig.tight_layout()
    write_figure_atomic(fig, path)
    plt.close(fig)
    return True


def plot_ablation(runs: List[Run], key: str, path: str) -> bool:
    """Final pretraining error of GMAE runs that differ only in ``key``
    (several runs of one setting: their mean, with min-max bars)."""
    other = {'k': 'c', 'c': 'k'}[key]
    groups = defaultdict(lambda: defaultdict(list))
    for r in runs:
        if r.task == 'pretrain' and r.settings and 'mse_pixels' in r.metrics:
            groups[(r.arch, r.settings[other])][r.settings[key]].append(
                r.metrics['mse_pixels'])
    groups = {g: v for g, v in groups.items() if len(v) > 1}
    if not groups:
        return False
    from gmae_bench.visualization import pyplot
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for (arch, fixed), by_value in sorted(groups.items()):
        xs = sorted(by_value)
        ys = [statistics.fmean(by_value[x]) for x in xs]
        lo = [y - min(by_value[x]) for x, y in zip(xs, ys)]
        hi = [max(by_value[x]) - y for x, y in zip(xs, ys)]
        ax.errorbar(
            xs, ys, yerr=[lo, hi], fmt='o-', label=f'{arch}, {other}={fixed}')
    if key == 'k':
        ax.set_xscale('log', base=2)
    ax.set_xlabel({'k': 'number of Gaussians k', 'c': 'max scale c'}[key])
    ax.set_ylabel('final masked-patch MSE (pixels)')
    ax.legend(fontsize=7)
    fig.tight_layout()
    write_figure_atomic(fig, path)
    plt.close(fig)
    return True


def brief_tables(tables_md: str, path: str) -> str:
    """--brief: the report's title and notes before its first table, its
    main table, and where the other tables are."""
    head, _, rest = tables_md.partition('\n## ')
    main, _, _ = rest.partition('\n## ')
    return (f'{head.rstrip()}\n\n## {main.rstrip()}\n\n'
            f'The other tables: {path}\n')


def fill_report_page(page: str, tables_md: str) -> None:
    """--page: the page's report blocks from the study's tables."""
    from gmae_bench.study import fill_page
    try:
        names = fill_page(page, tables_md)
    except (OSError, ValueError) as e:
        raise SystemExit(f'compare: {e}') from e
    print(f'filled {len(names)} table(s) of {page}: {", ".join(names)}')


def main(argv=None) -> List[Dict]:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('work_dirs', nargs='+')
    p.add_argument('--out', default='work_dirs/compare')
    p.add_argument('--no-plots', action='store_true')
    p.add_argument(
        '--brief',
        action='store_true',
        help='study work dir: print only the main table, where the other '
        'tables are and the pictures written (scripts/demo.sh)')
    p.add_argument(
        '--page',
        default=None,
        help='study work dir only: a results page (e.g. '
        'docs/results_scenes.md) whose <!-- report:NAME --> blocks get the '
        'tables just written')
    args = p.parse_args(argv)
    if args.page and not osp.isfile(args.page):
        raise SystemExit(f'compare: --page {args.page}: no such file')
    studies = [
        d for d in args.work_dirs if osp.isfile(osp.join(d, 'study.json'))
    ]
    if studies:  # scripts/study.sh work dirs: the study's own tables
        from gmae_bench.study import write_study_report
        if args.page and len(studies) > 1:
            raise SystemExit('compare: --page takes one study work dir, '
                             f'not {len(studies)}')
        for d in studies:
            out = args.out if len(studies) == 1 else osp.join(
                args.out, osp.basename(osp.normpath(d)))
            written = write_study_report(d, out)
            for path in written:
                if path.endswith('tables.md'):
                    with open(path) as f:
                        tables_md = f.read()
                    print(brief_tables(tables_md, path)
                          if args.brief else tables_md)
                    if args.page:
                        fill_report_page(args.page, tables_md)
            for path in written:
                if not args.brief:
                    print(f'wrote {path}')
                elif path.endswith('.png'):
                    print(f'picture: {path}')
        if len(studies) == len(args.work_dirs):
            return []
        args.work_dirs = [d for d in args.work_dirs if d not in studies]
    try:
        runs = find_runs(args.work_dirs)
    except ResultFileError as e:
        raise SystemExit(f'compare: {e}') from e
    if not runs:
        raise SystemExit(f'no runs found in {args.work_dirs} (a run is a '
                         'work dir with a dumped config or zero_shot.json)')
    os.makedirs(args.out, exist_ok=True)
    rows = table_rows(runs)
    md = markdown(rows)
    write_text_atomic(md, osp.join(args.out, 'compare.md'))
    write_csv(rows, osp.join(args.out, 'compare.csv'))
    print(md)
    if not args.no_plots:
        plots = {
            'loss_curves.png': lambda p: plot_loss_curves(runs, p),
            'k_ablation.png': lambda p: plot_ablation(runs, 'k', p),
            'c_ablation.png': lambda p: plot_ablation(runs, 'c', p)
        }
        for name, make in plots.items():
            if make(osp.join(args.out, name)):
                print(f'wrote {osp.join(args.out, name)}')
    return rows


if __name__ == '__main__':
    main()
