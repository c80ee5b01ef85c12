"""Train any gmae_bench config: pretraining (mmpretrain scope), detection
(mmdet) or segmentation (mmseg). The config's ``default_scope`` decides.

    python tools/train.py configs/gmae_pretrain_vit_b.py
    python tools/train.py CONFIG --work-dir work_dirs/x --amp --resume
    tools/dist_train.sh CONFIG 8          # torchrun, --launcher pytorch
"""
import argparse
import os
import os.path as osp
import sys

# Let tools/ run from a checkout even without `pip install -e .`.
sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import DictAction  # noqa: E402

from gmae_bench.utils.config import (check_data_paths,  # noqa: E402
                                     load_config, prepare_runtime)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a gmae_bench config')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--work-dir', help='where logs and checkpoints go '
                        '(default: work_dirs/<config name>)')
    parser.add_argument(
        '--resume', nargs='?', const='auto', default=None,
        help='resume from CHECKPOINT, or with no value from the latest '
        'checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision (AmpOptimWrapper)')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, metavar='KEY=VALUE',
        help='override config keys, e.g. model.head.scale_max=2.0')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    cfg = prepare_runtime(cfg, args.config, work_dir=args.work_dir,
                          amp=args.amp, resume=args.resume,
                          launcher=args.launcher)
    check_data_paths(cfg, ('train_dataloader', 'val_dataloader'))
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    runner.train()


if __name__ == '__main__':
    main()
