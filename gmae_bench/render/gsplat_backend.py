"""gsplat backend (CUDA): one batched ``gsplat.rasterization`` call.

The call is built by :func:`rasterization_args` and its output turned into
the renderer's layout by :func:`to_image`; the tests run exactly these on
the CPU through gsplat's own pure-PyTorch twin of its kernels
(``gsplat/cuda/_torch_impl.py``), so a wrong camera mapping or permute
fails on every CI run, without a GPU.
"""
from typing import Callable, Optional, Tuple

import torch
from torch import Tensor

from .camera import EPS2D, NEAR_PLANE, Camera, effective_scales
from .gaussians import Gaussians

TILE_SIZE = 16  # gsplat's default, and the tile of its CUDA kernels


def available() -> bool:
    """True if gsplat imports and CUDA is usable."""
    if not torch.cuda.is_available():
        return False
    try:
        import gsplat  # noqa: F401
    except ImportError:
        return False
    return True


def rasterization_args(g: Gaussians, camera: Camera,
                       background: Tensor) -> dict:
    """Keyword arguments of ``gsplat.rasterization`` (>= 1.5.3: batched
    Gaussian sets, one camera each) for B images.

    The GMAE camera is gsplat's ``ortho`` model with intrinsics
    ``K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]`` and the world-to-camera
    ``viewmat``; with ``size_by_depth`` the scales arrive divided by the
    view depth (:func:`effective_scales`), which reproduces the sizes of
    the authors' gsplat 0.1.0 call. All in fp32 (gsplat's kernels are).
    """
    B = g.batch_size
    f = lambda t: t.float()  # noqa: E731
    return dict(
        means=f(g.means),  # [B, N, 3]
        quats=f(g.quats),  # [B, N, 4]
        scales=f(effective_scales(g.means, g.scales, camera)),  # [B, N, 3]
        opacities=f(g.opacities),  # [B, N]
        colors=f(g.colors),  # [B, N, C]
        viewmats=f(camera.viewmat_tensor(g.means)).expand(B, 1, 4, 4),
        Ks=f(camera.K_tensor(g.means)).expand(B, 1, 3, 3),
        width=camera.width,
        height=camera.height,
        near_plane=NEAR_PLANE,
        eps2d=EPS2D,
        packed=False,
        tile_size=TILE_SIZE,
        backgrounds=f(background).unsqueeze(1),  # [B, 1, C]
        rasterize_mode='classic',
        camera_model=camera.model)


def to_image(colors: Tensor, alphas: Tensor) -> Tuple[Tensor, Tensor]:
    """gsplat's [B, 1, H, W, C] colours and [B, 1, H, W, 1] alphas ->
    image [B, C, H, W] and alpha [B, 1, H, W] (no gradient)."""
    return (colors[:, 0].permute(0, 3, 1, 2), alphas[:, 0].permute(0, 3, 1,
                                                                   2).detach())


def render_gsplat(
        gaussians: Gaussians,
        camera: Camera,
        background: Tensor,
        rasterize: Optional[Callable] = None) -> Tuple[Tensor, Tensor]:
    """Render with one ``gsplat.rasterization`` call.

    Args:
        rasterize: The rasterization function; default gsplat's (CUDA
            tensors only). The tests pass gsplat's own function with its
            kernels swapped for their pure-PyTorch twins.
    """
    if rasterize is None:
        if not gaussians.means.is_cuda:
            raise ValueError("renderer backend='gsplat' needs CUDA tensors; "
                             "use backend='torch' (or 'auto') on CPU")
        from gsplat import rasterization as rasterize  # JIT-compiles once
    # gsplat's kernels are fp32; autocast must not hand it half tensors
    with torch.autocast(gaussians.means.device.type, enabled=False):
        colors, alphas, _ = rasterize(
            **rasterization_args(gaussians, camera, background))
    return to_image(colors, alphas)
