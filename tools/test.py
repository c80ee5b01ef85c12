"""Evaluate a checkpoint with the config's test set and metric; writes the
metrics to ``WORK_DIR/test_metrics.json`` (read by tools/compare.py).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--cfg-options ...]
"""
import argparse
import os.path as osp

from gmae_bench.runtime import (add_runtime_args, check_data_paths,
                                describe_test_set, load_config,
                                parse_tool_args, prepare_runtime,
                                report_stalled_ranks, run_tool,
                                write_json_atomic, write_text_atomic)


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
    if not cfg.get('test_dataloader') or not cfg.get('test_evaluator'):
        raise SystemExit(
            f'{args.config} has no test set (test_dataloader / '
            'test_evaluator): pretraining configs are evaluated through '
            'their encoder, with a downstream config (classification/, '
            'detection/, segmentation/) whose `pretrained` is this '
            'checkpoint, or with tools/zero_shot.py')
    cfg = prepare_runtime(
        cfg, args.config, work_dir=args.work_dir, launcher=args.launcher)
    check_data_paths(cfg, ('test', ))
    cfg.load_from = args.checkpoint
    from mmengine.runner import Runner

    from gmae_bench.engine import install_safe_io
    install_safe_io()
    runner = Runner.from_cfg(cfg)
    with report_stalled_ranks(cfg, runner):
        metrics = runner.test()
    if runner.rank == 0:
        out = dict(
            config=osp.abspath(args.config),
            checkpoint=osp.abspath(args.checkpoint),
            metrics={
                k: float(v)
                for k, v in metrics.items()
            },
            data=describe_test_set(runner.test_dataloader.dataset,
                                   cfg.test_dataloader.dataset))
        if not metrics:
            out['note'] = (
                'the evaluator returned no metric: for COCO this means no '
                'detection scored above the test score threshold '
                '(model.test_cfg.rcnn.score_thr), e.g. an untrained model')
            runner.logger.warning(f'{args.checkpoint}: {out["note"]}')
        # the config that scored (mmengine dumps configs only in train)
        out['test_config'] = osp.join(cfg.work_dir, 'test_config.py')
        write_text_atomic(cfg.pretty_text, out['test_config'])
        path = osp.join(cfg.work_dir, 'test_metrics.json')
        write_json_atomic(out, path)
        runner.logger.info(f'test metrics written to {path}')
    return metrics


if __name__ == '__main__':
    run_tool(main)
