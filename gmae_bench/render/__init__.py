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
from .gaussians import (RAW_DIM, Gaussians, gaussians_from_raw,
                        shoemake_quaternion)
from .reference import render_dense
from .torch_backend import render_cpu, render_torch

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


def render(gaussians: Gaussians,
           camera: Camera,
           backend: str = 'auto',
           background: Optional[Sequence[float]] = None) -> RenderOutput:
    """Splat ``gaussians`` through ``camera`` and composite front to back.

    Args:
        gaussians: Activated Gaussians, N per image. [B, N, ...]
        camera: The fixed camera (:func:`gmae_camera`).
        backend: 'auto' | 'torch' | 'cpu' | 'gsplat' | 'dense'.
        background: Colour behind the Gaussians, default white.
    Returns:
        :class:`RenderOutput` with image [B, C, H, W] and alpha [B, 1, H, W].
    """
    name = resolve_backend(backend, gaussians.means)
    bg = background_tensor(background, gaussians.batch_size,
                           gaussians.colors.shape[-1], gaussians.colors)
    return RenderOutput(*BACKENDS[name](gaussians, camera, bg))


__all__ = [
    'BACKENDS', 'Camera', 'Gaussians', 'RAW_DIM', 'RenderOutput',
    'camera_from_cfg', 'gaussians_from_raw', 'gmae_camera', 'render',
    'resolve_backend', 'shoemake_quaternion'
]
