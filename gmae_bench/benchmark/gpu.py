"""GPU figures of the recipes (tools/benchmark_gpu.py prints them): MAE /
GMAE pretraining steps at a batch and at the largest batch that fits, and
one training iteration of a downstream config, on random inputs.

Every function measures in the calling process, on ``args.device``
(``args``: ``device``, ``steps``, ``max_batch``, ``tiny``).
"""
import statistics
import time

import torch

from .timing import RenderClock, sync


def amp_dtype(device: str):
    if not device.startswith('cuda'):
        return None  # CPU: fp32, as the tools train there
    return torch.float16


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
    from ..apis import init_model
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
