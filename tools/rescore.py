"""Re-score a kept detection run from its predictions, without its
checkpoint: pycocotools' COCOeval on ``predictions.{bbox,segm}.json.gz``
against the test annotations its ``test_config.py`` names, beside the APs
its ``study_eval.json`` holds.

    python tools/rescore.py work_dirs/study_scenes/det/gmae/seed0
    python tools/rescore.py RUN_DIR --ann data/fmnist_scenes/cpu/annotations/test.json

Exits 1 when a re-scored AP differs from the kept one.
"""
import argparse
import json
import os.path as osp
import sys

from gmae_bench.study import StudyError
from gmae_bench.study.scenes.predictions import (IOU_TYPES, STAT_NAMES,
                                                 rescore)


def test_ann_file(run_dir: str) -> str:
    """The annotation file the run was tested against (its test config)."""
    path = osp.join(run_dir, 'test_config.py')
    if not osp.isfile(path):
        raise StudyError(f'{path} not found: pass --ann (the test '
                         'annotations, e.g. data/fmnist_scenes/cpu/'
                         'annotations/test.json)')
    from mmengine.config import Config
    cfg = Config.fromfile(path, import_custom_modules=False)
    return cfg.test_evaluator.ann_file


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('run_dir', help='a detection run folder with kept '
                   'predictions (det/<encoder>/seed<s>)')
    p.add_argument('--ann', default=None,
                   help="test annotations (default: the test config's)")
    args = p.parse_args(argv)
    try:
        ann = args.ann or test_ann_file(args.run_dir)
        if not osp.isfile(ann):
            raise StudyError(
                f'{ann} not found: install the scenes with '
                'scripts/prepare_data.py (or pass --ann)')
        now = rescore(args.run_dir, ann)
    except StudyError as e:
        sys.exit(f'rescore: {e}')
    result_path = osp.join(args.run_dir, 'study_eval.json')
    kept = {}
    if osp.isfile(result_path):
        with open(result_path) as f:
            kept = json.load(f)
    print(f'{args.run_dir} against {ann}\n')
    print('| AP | kept | re-scored |\n|---|---|---|')
    differs = 0
    for iou in IOU_TYPES:
        for name in STAT_NAMES:
            key = f'{iou}_{name}'
            a, b = kept.get(key), now.get(key)
            same = (a is None and b is None) or (
                a is not None and b is not None and abs(a - b) < 1e-6)
            differs += not same and key in kept
            fmt = lambda v: '–' if v is None else f'{v:.1f}'  # noqa: E731
            print(f'| {key} | {fmt(a) if key in kept else "not kept"} | '
                  f'{fmt(b)} |')
    if differs:
        print(f'\n{differs} AP(s) differ from the kept result')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
