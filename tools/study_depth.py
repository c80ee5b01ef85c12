"""What GMAE's depth order holds in the Fashion-MNIST study's finished
pretrainings (docs/results.md, finding 5): the mean grey level and opacity
of the nearest and the farthest eighth of the Gaussians, the share of the
pixels that the near one of two depth groups draws, each group's IoU with
the figure and the IoU of the rendered coverage (opacity above 0.5), all
patches visible, on the first test images of the zero-shot rows.

    python tools/study_depth.py --scale cpu \\
        --only pretrain/gmae_pretrain_fmnist,pretrain/gmae_pretrain_fmnist_black
"""
import argparse
import sys
from typing import Dict, List

from gmae_bench.study import SCALES, Study, StudyError
from gmae_bench.study.evaluate import depth_statistics
from gmae_bench.study.report import cell, markdown, stat
from gmae_bench.study.runner import selects

COLUMNS = [  # column, key of depth_statistics, digits
    ('near 1/8 grey', 'near_grey', 3),
    ('near 1/8 opacity', 'near_opacity', 2),
    ('far 1/8 grey', 'far_grey', 3),
    ('far 1/8 opacity', 'far_opacity', 2),
    ('near group, share of pixels', 'near_share', 2),
    ('IoU near group', 'near_iou', 2),
    ('IoU far group', 'far_iou', 2),
    ('IoU coverage', 'coverage_iou', 2),
]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--scale', choices=sorted(SCALES), default='cpu')
    p.add_argument('--work-dir', default=None,
                   help='default: work_dirs/study (ci scale: study_ci)')
    p.add_argument('--data', default='data/fashion_mnist')
    p.add_argument('--only', default='pretrain',
                   help='runs, comma-separated KIND[/NAME[/seedS]]; the '
                   "finished GMAE pretrainings among them are measured")
    p.add_argument('--images', type=int, default=200,
                   help='the first N images of the zero-shot rows')
    return p.parse_args(argv)


def depth_rows(study: Study, selectors: List[str],
               images: int) -> List[Dict[str, object]]:
    """One row per finished GMAE pretraining among ``selectors``, then
    the mean ± std of each name with several seeds."""
    runs = [
        r for r in study.plan() if r.is_pretrain and r.method == 'gmae'
        and selects(r, selectors) and study.finished(r)
    ]
    if not runs:
        raise StudyError(
            f'--only {",".join(selectors)}: no finished GMAE pretraining '
            f'among these runs in {study.work_dir} (only GMAE has depth '
            'order: select pretrain/gmae_*; unfinished runs train with '
            f'tools/study.py --scale {study.scale.name})')
    d = study.data()
    pixels, fg = d['zs'][:images], d['zs_fg'][:images]
    rows, by_name = [], {}
    for run in runs:
        stats = depth_statistics(study.model(run).eval(), pixels, fg)
        by_name.setdefault((run.kind, run.name), []).append(stats)
        row = {'run': f'{run.kind}/{run.name}/seed{run.seed}'}
        row.update({c: f'{stats[k]:.{n}f}' for c, k, n in COLUMNS})
        rows.append(row)
    for (kind, name), all_stats in by_name.items():
        if len(all_stats) > 1:
            row = {'run': f'**{kind}/{name}, mean**'}
            row.update({
                c: cell(stat([s[k] for s in all_stats]), n)
                for c, k, n in COLUMNS
            })
            rows.append(row)
    return rows


def main(argv=None) -> None:
    args = parse_args(argv)
    work_dir = args.work_dir or ('work_dirs/study_ci' if args.scale == 'ci'
                                 else 'work_dirs/study')
    try:
        study = Study(args.scale, work_dir, args.data)
        rows = depth_rows(study, args.only.split(','), args.images)
    except (StudyError, FileNotFoundError, ValueError) as e:
        sys.exit(f'study_depth: {e}')
    print(f'{min(args.images, len(study.data()["zs"]))} test images, all '
          'patches visible\n')
    print(markdown(rows, {}))


if __name__ == '__main__':
    main()
