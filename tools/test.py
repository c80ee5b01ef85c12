"""Evaluate a checkpoint with the config's test set and metric; writes the
metrics to ``WORK_DIR/test_metrics.json`` (read by tools/compare.py).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options ...]
"""
import argparse
import json
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.abspath(__file__))))

from gmae_bench.utils.config import add_runtime_args  # noqa: E402
from gmae_bench.utils.config import (check_data_paths, load_config,
                                     parse_tool_args, prepare_runtime)
from gmae_bench.utils.launch import run_tool


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test a gmae_bench model')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    add_runtime_args(parser)
    return parse_tool_args(parser, argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'checkpoint not found: {args.checkpoint}')
    cfg = load_config(args.config, args.cfg_options)
    cfg = prepare_runtime(
        cfg, args.config, work_dir=args.work_dir, launcher=args.launcher)
    check_data_paths(cfg, ('test_dataloader', ))
    cfg.load_from = args.checkpoint
    from mmengine.runner import Runner
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    if runner.rank == 0:
        out = dict(
            config=osp.abspath(args.config),
            checkpoint=osp.abspath(args.checkpoint),
            metrics={
                k: float(v)
                for k, v in metrics.items()
            })
        path = osp.join(cfg.work_dir, 'test_metrics.json')
        with open(path, 'w') as f:
            json.dump(out, f, indent=1)
        runner.logger.info(f'test metrics written to {path}')
    return metrics


if __name__ == '__main__':
    run_tool(main)
