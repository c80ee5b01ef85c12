"""MAE vs GMAE: one table (Markdown + CSV) with a delta column and the
paper's numbers, plus plots (pretraining curves, k and c ablations).

    python tools/compare.py work_dirs/ [more dirs] [--out work_dirs/compare]

Runs are paired by config name (``gmae`` <-> ``mae``). Metrics come from
``test_metrics.json`` (tools/test.py) when present, else from the last
validation in ``vis_data/scalars.json``; pretraining runs report the mean
of their last 5 logged ``mse_pixels`` (masked-patch MSE in [0, 1] pixels,
comparable across methods); ``zero_shot.json`` (tools/zero_shot.py) adds
the zero-shot rows (MAE baseline, GMAE layers, model-free reference).
"""
import argparse
import csv
import os
import os.path as osp
import sys
from collections import defaultdict
from typing import Dict, List

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from gmae_bench.utils.results import (
    METRICS,
    PAPER,
    ZERO_SHOT,  # noqa: E402
    Run,
    find_runs)

COLUMNS = [
    'task', 'pair', 'metric', 'MAE', 'GMAE', 'delta', 'baseline', 'paper MAE',
    'paper GMAE'
]


def fmt(v) -> str:
    return '' if v is None else f'{v:.2f}' if abs(v) >= 0.1 else f'{v:.4f}'


def table_rows(runs: List[Run]) -> List[Dict]:
    """One row per (pair, metric); missing sides stay empty."""
    pairs: Dict[str, Dict[str, Run]] = defaultdict(dict)
    for r in runs:
        if r.task != 'zero_shot':
            pairs[r.pair_key][r.method] = r
    rows = []
    for key in sorted(
            pairs, key=lambda k: (next(iter(pairs[k].values())).task, k)):
        side = pairs[key]
        task = next(iter(side.values())).task
        arch = next(iter(side.values())).arch
        for metric in METRICS[task]:
            mae = side.get('mae') and side['mae'].metrics.get(metric)
            gmae = side.get('gmae') and side['gmae'].metrics.get(metric)
            paper = PAPER.get((task, metric), {}) if arch == 'vit-b' else {}
            rows.append(
                _row(
                    task,
                    key.replace('mae', '{g}mae', 1),
                    metric,
                    mae,
                    gmae,
                    paper=paper))
    for r in runs:  # zero-shot: MAE baseline, GMAE layers, model-free ref
        if r.task != 'zero_shot':
            continue
        for metric, mae, gmae, ref in ZERO_SHOT:
            m = r.metrics
            rows.append(
                _row(
                    'zero_shot',
                    r.name,
                    metric,
                    m.get(f'{metric}/{mae}'),
                    m.get(f'{metric}/{gmae}'),
                    baseline=m.get(f'{metric}/{ref}')))
    return rows


def _row(task, pair, metric, mae, gmae, baseline=None, paper=None) -> Dict:
    paper = paper or {}
    delta = gmae - mae if mae is not None and gmae is not None else None
    return {
        'task': task,
        'pair': pair,
        'metric': metric,
        'MAE': mae,
        'GMAE': gmae,
        'delta': delta,
        'baseline': baseline,
        'paper MAE': paper.get('mae'),
        'paper GMAE': paper.get('gmae')
    }


def markdown(rows: List[Dict]) -> str:
    lines = ['| ' + ' | '.join(COLUMNS) + ' |', '|' + '---|' * len(COLUMNS)]
    for row in rows:
        cells = [
            row[c] if isinstance(row[c], str) else fmt(row[c]) for c in COLUMNS
        ]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def write_csv(rows: List[Dict], path: str) -> None:
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for row in rows:
            w.writerow({c: '' if row[c] is None else row[c] for c in COLUMNS})


def plot_loss_curves(runs: List[Run], path: str) -> bool:
    curves = [r for r in runs if r.task == 'pretrain' and r.loss_curve]
    if not curves:
        return False
    from gmae_bench.visualization import _plt
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    for r in curves:
        x, y = zip(*r.loss_curve)
        ax.plot(x, y, label=r.name, lw=1)
    ax.set_xlabel('iteration')
    ax.set_ylabel('masked-patch MSE, [0, 1] pixels')
    ax.set_yscale('log')
    ax.legend(fontsize=7)
    ax.set_title('pretraining reconstruction error', fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def plot_ablation(runs: List[Run], key: str, path: str) -> bool:
    """Final pretraining loss of GMAE runs that differ only in ``key``."""
    other = {'k': 'c', 'c': 'k'}[key]
    groups = defaultdict(list)
    for r in runs:
        if r.task == 'pretrain' and r.settings and 'mse_pixels' in r.metrics:
            groups[(r.arch, r.settings[other])].append(r)
    groups = {
        g: rs
        for g, rs in groups.items() if len({r.settings[key]
                                            for r in rs}) > 1
    }
    if not groups:
        return False
    from gmae_bench.visualization import _plt
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for (arch, fixed), rs in sorted(groups.items()):
        rs = sorted(rs, key=lambda r: r.settings[key])
        ax.plot([r.settings[key] for r in rs],
                [r.metrics['mse_pixels'] for r in rs],
                'o-',
                label=f'{arch}, {other}={fixed}')
    if key == 'k':
        ax.set_xscale('log', base=2)
    ax.set_xlabel({'k': 'number of Gaussians k', 'c': 'max scale c'}[key])
    ax.set_ylabel('final masked-patch MSE (pixels)')
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv=None) -> List[Dict]:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('work_dirs', nargs='+')
    p.add_argument('--out', default='work_dirs/compare')
    p.add_argument('--no-plots', action='store_true')
    args = p.parse_args(argv)
    runs = find_runs(args.work_dirs)
    if not runs:
        raise SystemExit(f'no runs found in {args.work_dirs} (a run is a '
                         'work dir with a dumped config or zero_shot.json)')
    os.makedirs(args.out, exist_ok=True)
    rows = table_rows(runs)
    md = markdown(rows)
    with open(osp.join(args.out, 'compare.md'), 'w') as f:
        f.write(md)
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
