"""Timing helpers shared by the benchmark tools: the pretraining step of a
config's MAE / GMAE at a chosen size, a batch of real photos, and
:class:`RenderClock`, the GMAE head's render time inside a training step
(tools/benchmark_pretrain.py, benchmark_renderer.py, benchmark_gpu.py)."""
import argparse
import os.path as osp
import statistics
import time

import torch

ARCHS = {  # encoder (dims, depth, heads), decoder (dims, depth, heads)
    'tiny': ((128, 4, 4), (64, 2, 4)),
    'small': ((384, 12, 6), (256, 4, 8)),
    'base': ((768, 12, 12), (512, 8, 16)),
}


def step_benchmark_args(argv=None) -> argparse.Namespace:
    """The arguments of tools/benchmark_pretrain.py (also used by
    tools/benchmark_renderer.py)."""
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--mae-config', default='configs/mae_pretrain_vit_b.py')
    p.add_argument('--gmae-config', default='configs/gmae_pretrain_vit_b.py')
    p.add_argument('--arch', default='small', choices=sorted(ARCHS))
    p.add_argument('--img-size', type=int, default=224)
    p.add_argument('--patch-size', type=int, default=16)
    p.add_argument('--num-queries', type=int, default=256)
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--steps', type=int, default=5, help='timed steps each')
    p.add_argument('--warmup', type=int, default=1)
    p.add_argument(
        '--backend',
        default='auto',
        help="renderer backend for GMAE ('auto', 'torch', 'cpu', ...)")
    p.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    return p.parse_args(argv)


def build_model(config: str, args):
    """The pretraining config's model (``gmae_bench.apis.init_model``) at
    the benchmark's size; MAE and GMAE get the same encoder and decoder
    trunk."""
    from ..apis import init_model
    (ed, depth, heads), (dd, ddepth, dheads) = ARCHS[args.arch]
    p = args.patch_size
    options = {
        'model.backbone.arch':
        dict(embed_dims=ed, depth=depth, num_heads=heads),
        'model.backbone.img_size': args.img_size,
        'model.backbone.patch_size': p,
        'model.decoder.embed_dims': dd,
        'model.decoder.depth': ddepth,
        'model.decoder.num_heads': dheads,
        'model.head.patch_size': p,
    }
    from gmae_bench.runtime import load_config
    if load_config(config).model.head.type.endswith('GaussianHead'):
        options['model.decoder.num_queries'] = args.num_queries
        options['model.head.renderer.backend'] = args.backend
    else:
        options['model.decoder.out_dim'] = p * p * 3
    return init_model(config, device=args.device, cfg_options=options).train()


def photo_batch(n: int, size: int, root: str = 'data/photos/train'):
    """n normalised random crops of the real photos (noise if absent)."""
    import glob

    import numpy as np
    from PIL import Image
    files = sorted(glob.glob(osp.join(root, '*.png')))
    if not files:
        print(f'(no photos in {root}: timing on Gaussian noise)')
        return torch.randn(n, 3, size, size)
    rng = np.random.default_rng(0)
    out = []
    for i in range(n):
        img = Image.open(files[i % len(files)]).convert('RGB')
        s = min(img.size)
        x0 = rng.integers(0, img.size[0] - s + 1)
        y0 = rng.integers(0, img.size[1] - s + 1)
        img = img.crop((x0, y0, x0 + s, y0 + s)).resize((size, size))
        out.append(torch.from_numpy(np.asarray(img, np.float32)))
    from ..models.masked_autoencoder import IMAGENET_MEAN, IMAGENET_STD
    x = torch.stack(out).permute(0, 3, 1, 2)
    mean = torch.tensor(IMAGENET_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(IMAGENET_STD).view(1, 3, 1, 1)
    return (x - mean) / std


def sync(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


def timed(fn, device: str) -> float:
    sync(device)
    t = time.perf_counter()
    fn()
    sync(device)
    return time.perf_counter() - t


class RenderClock:
    """Seconds a GaussianHead spends rendering inside training steps.

    Wraps ``head.render``: the forward call is timed directly; the backward
    runs from the moment the rendered image's gradient arrives until the
    decoder output's gradient is complete (two autograd hooks). Only the
    renderer's backward runs in between: the loss reaches the decoder
    through the rendered image alone.
    """

    def __init__(self, head, device: str) -> None:
        self.seconds, self.device = 0.0, device
        self._render = head.render
        head.render = self._timed_render

    def _now(self) -> float:
        sync(self.device)
        return time.perf_counter()

    def _timed_render(self, pred, height: int, width: int):
        start = self._now()
        out = self._render(pred, height, width)
        self.seconds += self._now() - start
        if pred.requires_grad:
            grad_in = []
            out.image.register_hook(lambda g: grad_in.append(self._now()))
            pred.register_hook(
                lambda g: self._add(self._now() - grad_in.pop()))
        return out

    def _add(self, seconds: float) -> None:
        self.seconds += seconds


def pretrain_step_benchmark(args: argparse.Namespace) -> dict:
    """MAE and GMAE steps timed in alternation (median seconds), the render
    time inside the GMAE step and the ratios; ``args`` from
    :func:`step_benchmark_args`."""
    from mmengine.logging import MMLogger

    from ..render import resolve_backend
    MMLogger.get_instance('gmae_bench', log_level='WARNING')
    torch.manual_seed(0)
    models = {
        m: build_model(c, args)
        for m, c in (('mae', args.mae_config), ('gmae', args.gmae_config))
    }
    lr = 1.5e-4 * args.batch_size / 256
    opts = {
        m: torch.optim.AdamW(models[m].parameters(), lr=lr, betas=(0.9, 0.95))
        for m in models
    }
    x = photo_batch(args.batch_size, args.img_size).to(args.device)

    def step(m):
        opts[m].zero_grad(set_to_none=True)
        models[m].loss(x)['loss'].backward()
        opts[m].step()

    clock = RenderClock(models['gmae'].head, args.device)
    times = {'mae': [], 'gmae': [], 'render': []}
    for i in range(args.warmup + args.steps):
        sample = {'mae': timed(lambda: step('mae'), args.device)}
        clock.seconds = 0.0
        sample['gmae'] = timed(lambda: step('gmae'), args.device)
        sample['render'] = clock.seconds
        if i >= args.warmup:
            for k, v in sample.items():
                times[k].append(v)
    med = {k: statistics.median(v) for k, v in times.items()}
    result = dict(
        mae_step_s=med['mae'],
        gmae_step_s=med['gmae'],
        render_s=med['render'],
        gmae_over_mae=med['gmae'] / med['mae'],
        render_share=statistics.median(
            r / g for r, g in zip(times['render'], times['gmae'])),
        rest_over_mae=(med['gmae'] - med['render']) / med['mae'])
    result['backend'] = resolve_backend(args.backend, x)
    return result
