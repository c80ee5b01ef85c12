"""The study's pretraining throughput through tools/train.py's path
(mmengine Runner, the config's dataloader and hooks) against a bare PyTorch
loop on the same model, data and batch, side by side in one run.

The bare loop is FB-MAE's ``engine_pretrain.py`` reduced to its core: the
normalised images already in memory as one tensor, a random batch per step,
``model.loss`` -> backward -> AdamW step. The Runner path is exactly what
``tools/train.py CONFIG`` runs, with the config's checkpointing (saved at
the end of the epoch, as every study epoch ends) and logging on, as the
study's runs have them: its time runs from the end of the last warm-up
iteration to the end of the epoch, the checkpoint save included. Its data
share is the time between one iteration's end and the next one's start
(fetching, collating, moving the batch) over that time. The two are timed
in alternation, ``--repeats`` times each, and the medians compared.

    python tools/benchmark_study.py
        [--config configs/study/gmae_pretrain_fmnist.py]
        [--iters 12] [--repeats 2]
"""
import argparse
import os.path as osp
import statistics
import tempfile
import time

import torch
from mmengine.hooks import Hook

from gmae_bench.runtime import load_config, prepare_runtime
from gmae_bench.study.core.measure import to_pixels
from gmae_bench.study.fmnist.data import load_split


class _IterClock(Hook):
    """Wall-clock marks of each training iteration (a Runner hook)."""
    priority = 'VERY_LOW'

    def __init__(self):
        self.starts, self.ends = [], []
        self.epoch_end = None

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        self.starts.append(time.perf_counter())

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None):
        self.ends.append(time.perf_counter())

    def after_train_epoch(self, runner):
        # VERY_LOW priority: after the CheckpointHook has saved
        self.epoch_end = time.perf_counter()


def runner_pass(config: str, images: int, batch: int, skip: int,
                work_dir: str) -> dict:
    """One epoch of tools/train.py's Runner over ``images`` images, with
    the config's checkpoint and logger hooks."""
    from mmengine.runner import Runner
    cfg = load_config(
        config,
        {
            'max_epochs': 1,
            'param_scheduler': [],  # one epoch: the schedule's shape is moot
            'train_dataloader.dataset.indices': images,
            'train_dataloader.batch_size': batch,
        })
    cfg = prepare_runtime(cfg, config, work_dir=work_dir)
    # mmengine keeps one visualizer per name for the process
    cfg.visualizer.name = f'benchmark_study_{osp.basename(work_dir)}'
    runner = Runner.from_cfg(cfg)
    clock = _IterClock()
    runner.register_hook(clock)
    runner.train()
    s, e = clock.starts[skip:], clock.ends[skip:]
    # iterations skip+1 .. end, data fetch and the epoch's checkpoint in
    wall = clock.epoch_end - e[0]
    data = sum(b - a for a, b in zip(e[:-1], s[1:]))
    return dict(
        images_per_s=(len(e) - 1) * batch / wall,
        data_share=data / wall,
        model=runner.model)


def bare_pass(model, pixels: torch.Tensor, iters: int, batch: int, lr: float,
              skip: int) -> float:
    """FB-MAE's loop on in-memory normalised images; images/s."""
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95))
    inputs = model.pixels_to_inputs(pixels)
    g = torch.Generator().manual_seed(0)
    marks = []
    for _ in range(iters):
        idx = torch.randint(len(inputs), (batch, ), generator=g)
        opt.zero_grad(set_to_none=True)
        model.loss(inputs[idx])['loss'].backward()
        opt.step()
        marks.append(time.perf_counter())
    marks = marks[skip:]
    return (len(marks) - 1) * batch / (marks[-1] - marks[0])


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--config', default='configs/study/gmae_pretrain_fmnist.py')
    p.add_argument('--data', default='data/fashion_mnist')
    p.add_argument('--iters', type=int, default=12)
    p.add_argument(
        '--batch-size', type=int, default=None, help="default: the config's")
    p.add_argument('--skip', type=int, default=2, help='warm-up iterations')
    p.add_argument('--repeats', type=int, default=2)
    args = p.parse_args(argv)
    from mmengine.logging import MMLogger
    MMLogger.get_instance('gmae_bench', log_level='WARNING')
    cfg = load_config(args.config)
    batch = args.batch_size or cfg.train_dataloader.batch_size
    images = batch * args.iters
    pixels = to_pixels(load_split(args.data, 'train')[0][:images])
    lr = cfg.optim_wrapper.optimizer.lr
    runs, bares, shares = [], [], []
    tmp = tempfile.TemporaryDirectory()
    for i in range(args.repeats):
        r = runner_pass(args.config, images, batch, args.skip,
                        osp.join(tmp.name, f'pass{i}'))
        runs.append(r['images_per_s'])
        shares.append(r['data_share'])
        bares.append(
            bare_pass(r['model'], pixels, args.iters, batch, lr, args.skip))
    tmp.cleanup()
    result = dict(
        runner_images_per_s=statistics.median(runs),
        bare_images_per_s=statistics.median(bares),
        data_share=statistics.median(shares))
    result['ratio'] = (
        result['runner_images_per_s'] / result['bare_images_per_s'])
    print(f'config={osp.basename(args.config)} batch={batch} '
          f'iters={args.iters} (first {args.skip} skipped) '
          f'repeats={args.repeats} threads={torch.get_num_threads()}')
    print(f"tools/train.py path  {result['runner_images_per_s']:8.1f} "
          'images/s (median; checkpoint and logging on)')
    print(f"bare PyTorch loop    {result['bare_images_per_s']:8.1f} "
          'images/s (median)')
    print(f"ratio train.py / bare loop: {result['ratio']:.3f}")
    print(f"data share of a train.py step: {result['data_share']:.3f}")
    return result


if __name__ == '__main__':
    main()
