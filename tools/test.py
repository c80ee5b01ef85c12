"""Evaluate a checkpoint with the config's test set and metric; writes the
metrics to ``WORK_DIR/test_metrics.json`` (read by tools/compare.py).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options ...]
"""
import argparse
import json
import os
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from mmengine.config import DictAction  # noqa: E402

from gmae_bench.utils.config import (check_data_paths,  # noqa: E402
                                     load_config, prepare_runtime)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a gmae_bench model')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--work-dir')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        metavar='KEY=VALUE')
    parser.add_argument('--launcher', default='none',
                        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main(argv=None) -> dict:
    args = parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    cfg = load_config(args.config, args.cfg_options)
    cfg = prepare_runtime(cfg, args.config, work_dir=args.work_dir,
                          launcher=args.launcher)
    check_data_paths(cfg, ('test_dataloader', ))
    cfg.load_from = args.checkpoint
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if runner.rank == 0:
        out = dict(config=osp.abspath(args.config),
                   checkpoint=osp.abspath(args.checkpoint),
                   metrics={k: float(v) for k, v in metrics.items()})
        path = osp.join(cfg.work_dir, 'test_metrics.json')
        with open(path, 'w') as f:
            json.dump(out, f, indent=1)
        runner.logger.info(f'test metrics written to {path}')
    return metrics


if __name__ == '__main__':
    main()
