"""Differentiable splatting: ``render(gaussians, camera, backend)``.

Backends: ``'torch'`` (pure PyTorch, CPU or GPU, the reference),
``'cpu'`` (the same with its compositing in a compiled C kernel, built on
first use; CPU tensors) and ``'gsplat'`` (CUDA kernels). ``'auto'`` takes
gsplat for CUDA tensors when it is installed, the compiled kernel for
float32 CPU tensors when a C compiler can build it, and the torch backend
otherwise.
"""
from typing import NamedTuple, Optional, Sequence

import torch
from torch import Tensor

from . import cpu_kernel, gsplat_backend
from .camera import Camera, background_tensor, camera_from_cfg, gmae_camera
from .cpu_kernel import render_cpu
from .gaussians import (RAW_DIM, Gaussians, gaussians_from_raw,
                        shoemake_quaternion)
from .reference import render_dense
from .scene import Scene
from .torch_backend import render_torch

BACKENDS = {
    'torch': render_torch,
    'cpu': render_cpu,
    'gsplat': gsplat_backend.render_gsplat,
    'dense': render_dense,  # naive reference, tests and benchmarks only
}


class RenderOutput(NamedTuple):
    image: Tensor  # [B, C, H, W], colour composited over the background
    alpha: Tensor  # [B, 1, H, W], 1 - final transmittance (no gradient)


def resolve_backend(backend: str, like: Tensor) -> str:
    """Turn 'auto' into a concrete backend name for tensors like ``like``."""
    if backend == 'auto':
        if like.is_cuda:
            return 'gsplat' if gsplat_backend.available() else 'torch'
        on_cpu = like.device.type == 'cpu' and like.dtype == torch.float32
        if on_cpu and cpu_kernel.available():
            return 'cpu'
        return 'torch'
    if backend not in BACKENDS:
        raise ValueError(f"renderer backend must be 'auto' or one of "
                         f'{sorted(BACKENDS)}, got {backend!r}')
    return backend


class RenderInputError(ValueError):
    """Gaussians the renderer cannot draw faithfully (non-finite values,
    negative scales, zero quaternions, opacities outside [0, 1],
    mismatched shapes)."""


def check_gaussians(g: Gaussians) -> None:
    """Raise :class:`RenderInputError` naming the field, how many values
    are bad and the first (image, Gaussian) index, instead of rendering
    something else silently (a NaN Gaussian dropped, an inf one drawn fully
    opaque, a negative scale drawn as its absolute value)."""
    B, N = g.means.shape[:2]
    shapes = dict(
        means=(B, N, 3), quats=(B, N, 4), scales=(B, N, 3), opacities=(B, N))
    for name, shape in shapes.items():
        t = getattr(g, name)
        if tuple(t.shape) != shape:
            raise RenderInputError(
                f'gaussians.{name} has shape {tuple(t.shape)}, expected '
                f'{shape} (means {tuple(g.means.shape)})')
    if g.colors.dim() != 3 or tuple(g.colors.shape[:2]) != (B, N):
        raise RenderInputError(
            f'gaussians.colors has shape {tuple(g.colors.shape)}, expected '
            f'({B}, {N}, C)')
    tests = [(name, lambda t: ~torch.isfinite(t), 'non-finite')
             for name in ('means', 'quats', 'scales', 'opacities', 'colors')]
    tests += [('scales', lambda t: t < 0, 'negative'),
              ('quats', lambda t: t.square().sum(-1, keepdim=True) == 0,
               'all-zero'),
              ('opacities', lambda t: (t < 0) | (t > 1), 'outside [0, 1]')]
    for name, bad_of, what in tests:
        bad = bad_of(getattr(g, name))
        if bool(bad.any()):
            b, n = bad.reshape(B, N, -1).any(-1).nonzero()[0].tolist()
            raise RenderInputError(
                f'gaussians.{name}: {int(bad.sum())} {what} value(s), the '
                f'first at image {b}, Gaussian {n}')


def render(gaussians: Gaussians,
           camera: Camera,
           backend: str = 'auto',
           background: Optional[Sequence[float]] = None,
           check: bool = True) -> RenderOutput:
    """Splat ``gaussians`` through ``camera`` and composite front to back.

    Args:
        gaussians: Activated Gaussians, N per image. [B, N, ...]
        camera: The fixed camera (:func:`gmae_camera`).
        backend: 'auto' | 'torch' | 'cpu' | 'gsplat' | 'dense'.
        background: Colour behind the Gaussians, default white.
        check: Validate the Gaussians first (:func:`check_gaussians`; one
            pass over k x 14 numbers). Training keeps it on; turn it off
            only for inputs already checked.
    Returns:
        :class:`RenderOutput` with image [B, C, H, W] and alpha [B, 1, H, W].
        Gaussians at or behind the near plane (view depth <= 0.01) are not
        drawn and get zero gradients.
    """
    if check:
        check_gaussians(gaussians)
    name = resolve_backend(backend, gaussians.means)
    B, C = gaussians.batch_size, gaussians.colors.shape[-1]
    bg = background_tensor(background, B, C, gaussians.colors)
    if B == 0:  # nothing to draw; keep the graph for autograd callers
        zero = gaussians.colors.sum() * 0
        return RenderOutput(
            bg.new_zeros(0, C, camera.height, camera.width) + zero,
            bg.new_zeros(0, 1, camera.height, camera.width))
    return RenderOutput(*BACKENDS[name](gaussians, camera, bg))


__all__ = [
    'BACKENDS', 'Camera', 'Gaussians', 'RAW_DIM', 'RenderInputError',
    'RenderOutput', 'Scene', 'camera_from_cfg', 'check_gaussians',
    'gaussians_from_raw', 'gmae_camera', 'render', 'resolve_backend',
    'shoemake_quaternion'
]
