"""What GMAE's depth order holds in the Fashion-MNIST study's finished
pretrainings (docs/results.md, finding 5): the mean grey level and opacity
of the nearest and the farthest eighth of the Gaussians, the share of the
pixels that the near one of two depth groups draws, each group's IoU with
the figure and the IoU of the rendered coverage (opacity above 0.5), all
patches visible, on the first test images of the zero-shot rows. Each
run's figures go to ``study_depth.json`` in its folder (kept with the run;
the study report's ``depth`` table is filled from them).

    python tools/study_depth.py --scale cpu \\
        --only pretrain/gmae_pretrain_fmnist,pretrain/gmae_pretrain_fmnist_black
"""
import argparse
import sys
from typing import Dict, List

from gmae_bench.engine.atomic_io import write_json_atomic
from gmae_bench.study import StudyError
from gmae_bench.study.core.scheduler import selects
from gmae_bench.study.core.tables import markdown
from gmae_bench.study.fmnist import SCALES, FmnistStudy
from gmae_bench.study.fmnist.evaluate import depth_statistics
from gmae_bench.study.fmnist.tables import DEPTH_FILE, depth_rows as table


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


def measure(study: FmnistStudy, selectors: List[str],
            images: int) -> List[Dict[str, object]]:
    """Measure every finished GMAE pretraining among ``selectors`` (whose
    weights are here), write its ``study_depth.json``; returns the rows of
    the report's depth table for them."""
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
    missing = [r for r in runs if study.pretrained_weights(r) is None]
    if missing:
        raise StudyError(
            'no weights here for ' + ', '.join(
                f'{r.kind}/{r.name}/seed{r.seed}' for r in missing) +
            ': their checkpoints and weights.pth are gone; train them again '
            f'(tools/study.py --scale {study.scale.name} --only ...) or '
            'leave them out of --only')
    d = study.data()
    pixels, fg = d['zs'][:images], d['zs_fg'][:images]
    entries = []
    for run in runs:
        stats = depth_statistics(study.model(run).eval(), pixels, fg)
        entry = dict(stats, images=len(pixels),
                     weights=study.store.file_record(
                         study.pretrained_weights(run)),
                     kind=run.kind, name=run.name, seed=run.seed)
        write_json_atomic(entry, study.store.path(run, DEPTH_FILE))
        entries.append(entry)
    return table(entries)


def main(argv=None) -> None:
    args = parse_args(argv)
    work_dir = args.work_dir or ('work_dirs/study_ci' if args.scale == 'ci'
                                 else 'work_dirs/study')
    try:
        study = FmnistStudy(args.scale, work_dir, args.data)
        rows = measure(study, args.only.split(','), args.images)
    except (StudyError, FileNotFoundError, ValueError) as e:
        sys.exit(f'study_depth: {e}')
    print(f'{min(args.images, len(study.data()["zs"]))} test images, all '
          'patches visible\n')
    print(markdown(rows, {}))


if __name__ == '__main__':
    main()
