"""GPU figures of the recipes, in one table (scripts/gpu_check.sh runs it).

* MAE and GMAE ViT-B/16 pretraining steps (forward + backward + AdamW, mixed
  precision as the configs train: fp16 autocast with a loss scale) at
  batch 64 and at the largest batch that fits (doubling until out of
  memory): step time, images/s, the render share of the GMAE step (the
  head's render call and its backward, timed inside the step) and peak
  memory;
* one training iteration of Mask R-CNN ViT-B (ViTDet) at 1024 px and of
  UperNet ViT-B at 512 px, built from their configs, on random images with
  a few boxes / a random label map.

Every number is measured in this run, on the named device.

    python tools/benchmark_gpu.py [--out work_dirs/gpu_check.md]
    python tools/benchmark_gpu.py --device cpu --tiny   # a CPU smoke run
"""
import argparse
import statistics
import time

import torch

PRETRAIN = {
    'MAE': 'configs/mae_pretrain_vit_b.py',
    'GMAE': 'configs/gmae_pretrain_vit_b.py'
}
DET = 'configs/detection/mask-rcnn_vit-b-p16_gmae-pre_coco.py'
SEG = 'configs/segmentation/upernet_vit-b-p16_gmae-pre_ade20k-512.py'
# --tiny: the CPU-sized twins, to exercise this tool without a GPU
TINY = {
    'MAE': 'configs/mae_pretrain_vit_tiny.py',
    'GMAE': 'configs/gmae_pretrain_vit_tiny.py',
    'det': 'configs/detection/mask-rcnn_vit-tiny_gmae-pre_voc-coco.py',
    'seg': 'configs/segmentation/upernet_vit-tiny_gmae-pre_voc.py',
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--max-batch', type=int, default=1024)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--tiny', action='store_true')
    p.add_argument('--out', help='also write the table (Markdown) here')
    return p.parse_args(argv)


def amp_dtype(device: str):
    if not device.startswith('cuda'):
        return None  # CPU: fp32, as the tools train there
    return torch.float16


def sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def peak_reset(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def peak_gib(device: str) -> float:
    if device.startswith('cuda'):
        return torch.cuda.max_memory_allocated() / 2**30
    return float('nan')


def pretrain_steps(config: str, batch: int, args) -> dict:
    """Median step of a pretraining config's model at ``batch``."""
    from gmae_bench.apis import init_model
    from gmae_bench.benchmark import RenderClock
    model = init_model(config, device=args.device).train()
    size = model.backbone.img_size
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, betas=(0.9, 0.95))
    dtype = amp_dtype(args.device)
    scaler = torch.amp.GradScaler(
        enabled=dtype is torch.float16 and args.device.startswith('cuda'))
    x = torch.randn(batch, 3, size, size, device=args.device)
    clock = RenderClock(model.head, args.device) if model.is_gaussian \
        else None

    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(
                args.device.split(':')[0],
                dtype=dtype or torch.float32,
                enabled=dtype is not None):
            loss = model.loss(x)['loss']
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()

    peak_reset(args.device)
    times, shares = [], []
    for i in range(1 + args.steps):
        if clock:
            clock.seconds = 0.0
        sync(args.device)
        t = time.perf_counter()
        step()
        sync(args.device)
        if i:  # the first step warms up
            times.append(time.perf_counter() - t)
            if clock:
                shares.append(clock.seconds / times[-1])
    med = statistics.median(times)
    return dict(
        batch=batch,
        step_s=med,
        images_s=batch / med,
        render_share=statistics.median(shares) if shares else None,
        peak_gib=peak_gib(args.device))


def largest_batch(config: str, args) -> dict:
    """Double the batch from ``--batch-size`` until out of memory."""
    best, batch = None, args.batch_size * 2
    while batch <= args.max_batch:
        try:
            best = pretrain_steps(config, batch, args)
        except torch.cuda.OutOfMemoryError:
            break
        finally:
            peak_reset(args.device)
        batch *= 2
    return best


def downstream_iteration(config: str, args, batch: int) -> dict:
    """One timed training iteration (after one warm-up) of an mmdet /
    mmseg config on random data."""
    from mmengine.config import Config
    from mmengine.registry import DefaultScope
    cfg = Config.fromfile(config)
    # the toolbox's scope for this run only (no process-wide change)
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        return _iteration(cfg, args, batch)


def _iteration(cfg, args, batch: int) -> dict:
    from mmengine.registry import MODELS
    cfg.model.backbone.pop('init_cfg', None)  # random weights will do
    model = MODELS.build(cfg.model).to(args.device).train()
    model.init_weights()
    data = (_det_batch if cfg.default_scope == 'mmdet' else _seg_batch)(cfg,
                                                                        batch)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)
    dtype = amp_dtype(args.device)

    def step():
        opt.zero_grad(set_to_none=True)
        batch_ = model.data_preprocessor(data, True)
        with torch.autocast(
                args.device.split(':')[0],
                dtype=dtype or torch.float32,
                enabled=dtype is not None):
            losses = model(**batch_, mode='loss')
        loss, _ = model.parse_losses(losses)
        loss.backward()
        opt.step()

    step()
    peak_reset(args.device)
    sync(args.device)
    t = time.perf_counter()
    step()
    sync(args.device)
    return dict(
        batch=batch,
        step_s=time.perf_counter() - t,
        peak_gib=peak_gib(args.device))


def _random_batch(cfg, batch: int, annotate) -> dict:
    """``batch`` random uint8 images at the config's size, each with the
    data sample ``annotate(size, generator)`` makes."""
    size = cfg.model.backbone.img_size
    g = torch.Generator().manual_seed(0)
    inputs, samples = [], []
    for _ in range(batch):
        inputs.append(
            torch.randint(0, 256, (3, size, size),
                          generator=g).to(torch.uint8))
        samples.append(annotate(size, g))
    return dict(inputs=inputs, data_samples=samples)


def _det_batch(cfg, batch: int) -> dict:
    """Five random boxes per image, with box-shaped masks."""
    from mmdet.structures import DetDataSample
    from mmdet.structures.mask import BitmapMasks
    from mmengine.structures import InstanceData

    def annotate(size, g):
        n = 5
        xy = torch.rand(n, 2, generator=g) * size * 0.6
        wh = torch.rand(n, 2, generator=g) * size * 0.3 + 16
        boxes = torch.cat([xy, xy + wh], 1)
        masks = torch.zeros(n, size, size, dtype=torch.uint8)
        for i, (x0, y0, x1, y1) in enumerate(boxes.long().tolist()):
            masks[i, y0:y1, x0:x1] = 1
        ds = DetDataSample(
            metainfo=dict(
                img_shape=(size, size),
                ori_shape=(size, size),
                pad_shape=(size, size),
                scale_factor=(1., 1.),
                batch_input_shape=(size, size)))
        ds.gt_instances = InstanceData(
            bboxes=boxes,
            labels=torch.randint(0, 20, (n, ), generator=g),
            masks=BitmapMasks(masks.numpy(), size, size))
        return ds

    return _random_batch(cfg, batch, annotate)


def _seg_batch(cfg, batch: int) -> dict:
    """A random label map per image."""
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    classes = cfg.model.decode_head.num_classes

    def annotate(size, g):
        ds = SegDataSample(
            metainfo=dict(
                img_shape=(size, size),
                ori_shape=(size, size),
                pad_shape=(size, size)))
        ds.gt_sem_seg = PixelData(
            data=torch.randint(0, classes, (1, size, size), generator=g))
        return ds

    return _random_batch(cfg, batch, annotate)


def fmt(v, spec='.1f') -> str:
    return '' if v is None or v != v else format(v, spec)


def main(argv=None) -> list:
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    MMLogger.get_instance('gmae_bench', log_level='WARNING')
    torch.manual_seed(0)
    configs = TINY if args.tiny else dict(PRETRAIN, det=DET, seg=SEG)
    name = torch.cuda.get_device_name() if args.device.startswith(
        'cuda') else 'CPU'
    dtype = amp_dtype(args.device)
    lines = [
        f'device: {name}; precision: '
        f"{str(dtype).replace('torch.', '') if dtype else 'fp32'}; "
        f'{"tiny CPU twins" if args.tiny else "ViT-B recipes"}', '',
        '| what | batch | step s | images/s | render share | peak GiB |',
        '|---|---|---|---|---|---|'
    ]
    print('\n'.join(lines), flush=True)
    rows, failed = [], []

    def add(what: str, r: dict) -> None:
        """One measured row, printed at once (a later failure keeps it)."""
        rows.append((what, r))
        share = r.get('render_share')
        lines.append(f"| {what} | {r['batch']} | {fmt(r['step_s'], '.3f')} | "
                     f"{fmt(r['batch'] / r['step_s'])} | "
                     f"{fmt(share * 100 if share is not None else None)}"
                     f"{' %' if share is not None else ''} | "
                     f"{fmt(r['peak_gib'], '.2f')} |")
        print(lines[-1], flush=True)

    for method in ('MAE', 'GMAE'):
        add(f'{method} pretrain step',
            pretrain_steps(configs[method], args.batch_size, args))
        if args.device.startswith('cuda'):
            big = largest_batch(configs[method], args)
            if big:
                add(f'{method} pretrain step, largest batch', big)
    for what, key in (('Mask R-CNN ViTDet iteration', 'det'),
                      ('UperNet iteration', 'seg')):
        try:
            add(what, downstream_iteration(configs[key], args, batch=2))
        except RuntimeError as e:  # e.g. mmcv built without CUDA ops
            failed.append(what)
            lines.append(f'| {what} | 2 | not measured: '
                         f'{str(e).splitlines()[0][:120]} | | | |')
            print(lines[-1], flush=True)
    table = '\n'.join(lines) + '\n'
    if args.out:
        from gmae_bench.engine.atomic_io import write_text_atomic
        write_text_atomic(table, args.out)
    if failed:
        raise SystemExit(f'benchmark_gpu: not measured: {", ".join(failed)} '
                         '(the reason is in the table)')
    return rows


if __name__ == '__main__':
    main()
