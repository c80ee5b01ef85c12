"""Frozen dense probes of the scenes study's encoders: a linear per-pixel
class probe on each frozen encoder's tokens (mIoU on the test scenes, its
learning rate chosen on a validation split of the train scenes;
:mod:`gmae_bench.study.scenes.dense_probe`), for every finished
pretraining whose weights are here and for the random-init encoder of each
seed. The results go to ``WORK_DIR/dense_probe.json`` (kept with the
study's small files), which the scenes report's ``dense_probe`` table is
filled from.

    python tools/dense_probe.py --scale cpu
"""
import argparse
import os.path as osp
import sys

from gmae_bench.engine.atomic_io import write_json_atomic
from gmae_bench.study import StudyError
from gmae_bench.study.scenes import SCALES, ScenesStudy, SceneRun
from gmae_bench.study.scenes.dense_probe import dense_probe, token_features
from gmae_bench.study.scenes.report import DENSE_FILE

RANDOM_CONFIG = 'mae'  # the random-init encoder: this config's, no weights


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--scale', choices=sorted(SCALES), default='cpu')
    p.add_argument('--work-dir', default=None,
                   help='default: work_dirs/study_scenes (ci: _ci)')
    p.add_argument('--data', default='data/fmnist_scenes')
    p.add_argument('--train', type=int, default=2500,
                   help='train scenes: the probe fits on them')
    p.add_argument('--val', type=int, default=500,
                   help='of those, the last N choose the learning rate')
    p.add_argument('--epochs', type=int, default=20)
    args = p.parse_args(argv)
    work_dir = args.work_dir or ('work_dirs/study_scenes' +
                                 ('_ci' if args.scale == 'ci' else ''))
    try:
        study = ScenesStudy(args.scale, work_dir, args.data)
        from gmae_bench.datasets import scenes as scene_data
        tr = scene_data.load_split(study.scenes_dir, 'train', args.train)
        te = study.data()
        runs = [r for r in study.plan() if r.is_pretrain
                and study.finished(r)]
        entries, missing = [], []
        encoders = [(r, r.name) for r in runs] + [
            (SceneRun('pretrain', RANDOM_CONFIG, s), 'random')
            for s in study.scale.seeds
        ]
        for run, name in encoders:
            random = name == 'random'
            if not random and study.pretrained_weights(run) is None:
                missing.append(f'{run.name}/seed{run.seed}')
                continue
            model = study.model(run, pretrained=not random)
            result = dense_probe(
                token_features(model, tr['images']), tr['semantic'],
                token_features(model, te['images']), te['semantic'],
                val=min(args.val, len(tr['images']) // 2),
                epochs=args.epochs, seed=run.seed)
            result.update(encoder=name, seed=run.seed, weights=None if random
                          else study.store.file_record(
                              study.pretrained_weights(run)))
            entries.append(result)
            print(f'[dense_probe] {name}/seed{run.seed}: mIoU '
                  f'{result["mIoU"]:.1f} (lr {result["lr"]:g})', flush=True)
    except (StudyError, FileNotFoundError, ValueError) as e:
        sys.exit(f'dense_probe: {e}')
    path = osp.join(work_dir, DENSE_FILE)
    write_json_atomic(dict(entries=entries, missing=missing), path)
    print(f'[dense_probe] {len(entries)} encoder(s) written to {path}'
          + (f'; no weights here for {", ".join(missing)}' if missing
             else ''))


if __name__ == '__main__':
    main()
