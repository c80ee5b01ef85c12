"""The MAE-vs-GMAE studies: run or resume every run of a scale, then write
the tables and figures (tools/compare.py).

    python tools/study.py [--study {fmnist,scenes}] --scale {ci,cpu,gpu}
        [--work-dir DIR] [--jobs 2] [--out DIR] [--limit N]
        [--only KIND[/NAME[/seedS]][,...]] [--no-report | --report-only]
        [--keep] [--page docs/results_scenes.md]

fmnist: classification of Fashion-MNIST items (docs/results.md); scenes:
Mask R-CNN, UperNet and zero-shot layering on Fashion-MNIST scenes
(docs/results_scenes.md).

Finished runs are skipped and a killed run resumes from its last
checkpoint, so the command can be repeated until everything is done.
"""
import argparse
import os.path as osp
import subprocess
import sys
import time

from gmae_bench.study import STUDIES, StudyError

WORK_DIRS = {'fmnist': 'work_dirs/study', 'scenes': 'work_dirs/study_scenes'}
DATA = {'fmnist': 'data/fashion_mnist', 'scenes': 'data/fmnist_scenes'}


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--study', choices=sorted(STUDIES), default='fmnist')
    p.add_argument(
        '--scale',
        choices=sorted({s for cls in STUDIES.values() for s in cls.scales}),
        default='cpu',
        help='demo: fmnist only (scripts/demo.sh)')
    p.add_argument(
        '--work-dir',
        default=None,
        help='default: work_dirs/study (scenes: work_dirs/study_scenes; '
        'ci scale: with a _ci suffix)')
    p.add_argument(
        '--data',
        default=None,
        help='fmnist: the folder with the Fashion-MNIST IDX files (default '
        'data/fashion_mnist); scenes: the folder of generated scene sets '
        '(default data/fmnist_scenes)')
    p.add_argument(
        '--out',
        default=None,
        help='tables and figures (default: WORK_DIR/report)')
    p.add_argument(
        '--limit',
        type=int,
        default=None,
        help='stop after this many runs (the rest stay to do)')
    p.add_argument(
        '--only',
        default=None,
        help='train only these runs, comma-separated, each KIND, KIND/NAME '
        'or KIND/NAME/seedS (kinds: fmnist pretrain, random, finetune, '
        'pretrain-x4 / -x8 (the learning curve), finetune-1pct / -10pct '
        '(fewer labels); scenes pretrain, det, seg; e.g. '
        'det/gmae,seg/random/seed1); the '
        'others stay to do and the report still covers every finished run')
    p.add_argument(
        '--jobs',
        type=int,
        default=1,
        help='worker processes sharing the runs, each with '
        'cores / jobs threads (2 on a 2-core CPU: ~1.3x faster)')
    p.add_argument(
        '--worker',
        action='store_true',
        help='(internal) one worker of --jobs N')
    p.add_argument('--no-report', action='store_true')
    p.add_argument('--brief', action='store_true',
                   help='print only the main table, where the other '
                   'tables are and the pictures (scripts/demo.sh)')
    p.add_argument(
        '--keep',
        action='store_true',
        help="copy the finished runs' small files (results, timings, "
        'samples, train / test configs, predictions, weights of finished '
        "pretrainings; no checkpoints) to the scale's folder in the "
        'repository (docs/results/runs, docs/results_scenes/runs), from '
        'which a fresh checkout continues, and write the report of the '
        'kept runs beside them (docs/results/, docs/results_scenes/)')
    p.add_argument(
        '--page',
        default=None,
        help='fill the <!-- report:NAME --> blocks of this results page with '
        'the tables of the report (tools/compare.py --page)')
    p.add_argument('--report-only', action='store_true',
                   help='write the tables and figures of the runs finished '
                   'so far, training nothing')
    args = p.parse_args(argv)
    work_dir = args.work_dir or (
        WORK_DIRS[args.study] + ('_ci' if args.scale == 'ci' else ''))
    kinds = [k for k in (args.only or '').split(',') if k] or None
    if args.page and (args.no_report or args.worker):
        p.error('--page fills the page from the report: drop --no-report')
    if args.page and not osp.isfile(args.page):  # before hours of runs
        p.error(f'--page {args.page}: no such file')
    start = time.time()
    try:
        study = STUDIES[args.study](args.scale, work_dir, args.data
                                    or DATA[args.study])
        if args.worker:
            study.work(args.limit, args.jobs, kinds)
            return
        if args.report_only:
            study.finalize()
            done = 0
        else:
            done = study.run(args.limit, args.jobs, kinds)
    except (StudyError, FileNotFoundError, ValueError) as e:
        raise SystemExit(f'study: {e}') from e
    print(f'[study] {done} run(s) done in {time.time() - start:.0f} s')
    if args.keep:
        try:
            kept = study.keep()
        except StudyError as e:
            raise SystemExit(f'study: {e}') from e
        print(f'[study] kept {len(kept)} small files in {study.kept_dir()}')
    if not args.no_report:  # tables and figures: tools/compare.py
        compare = osp.join(osp.dirname(osp.abspath(__file__)), 'compare.py')
        source, out = work_dir, args.out or osp.join(work_dir, 'report')
        if args.keep:
            # the kept report is made from exactly the kept runs, beside
            # them, so the page, the report and the runs agree
            source = study.kept_dir()
            out = args.out or osp.dirname(source)
        page = ['--page', args.page] if args.page else []
        page += ['--brief'] if args.brief else []
        raise SystemExit(
            subprocess.call(
                [sys.executable, compare, source, '--out', out] + page))


if __name__ == '__main__':
    main()
