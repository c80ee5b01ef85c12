"""Train any gmae_bench config: pretraining (mmpretrain scope), detection
(mmdet) or segmentation (mmseg). The config's ``default_scope`` decides.

    python tools/train.py configs/gmae_pretrain_vit_b.py
    python tools/train.py CONFIG --work-dir work_dirs/x --amp --resume
    tools/dist_train.sh CONFIG 8          # torchrun, --launcher pytorch

The config that trains is written to ``WORK_DIR/train_config.py`` (mmengine
also dumps it under the config's own name, but every Runner does, and
``tools/test.py`` writes its own to ``test_config.py``).
"""
import argparse
import os.path as osp

from gmae_bench.runtime import (add_runtime_args, check_data_paths,
                                load_config, parse_tool_args, prepare_runtime,
                                report_stalled_ranks, run_tool,
                                write_text_atomic)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a gmae_bench config')
    parser.add_argument('config', help='config file path')
    add_runtime_args(parser)
    parser.add_argument(
        '--resume',
        nargs='?',
        const='auto',
        default=None,
        help='resume from CHECKPOINT, or with no value from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='automatic mixed precision (AmpOptimWrapper)')
    return parse_tool_args(parser, argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config, args.cfg_options)
    cfg = prepare_runtime(
        cfg,
        args.config,
        work_dir=args.work_dir,
        amp=args.amp,
        resume=args.resume,
        launcher=args.launcher)
    check_data_paths(cfg, ('train', 'val'))
    from mmengine.runner import Runner

    from gmae_bench.engine import install_safe_io
    install_safe_io()
    runner = Runner.from_cfg(cfg)
    if runner.rank == 0:  # the config that trained, apart from any test's
        write_text_atomic(cfg.pretty_text,
                          osp.join(cfg.work_dir, 'train_config.py'))
    with report_stalled_ranks(cfg, runner):
        runner.train()


if __name__ == '__main__':
    run_tool(main)
