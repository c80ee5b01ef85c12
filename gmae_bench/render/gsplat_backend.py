"""gsplat backend (CUDA only): one batched ``rasterization`` call."""
from typing import Tuple

import torch
from torch import Tensor

from .camera import EPS2D, NEAR_PLANE, Camera, effective_scales
from .gaussians import Gaussians


def available() -> bool:
    """True if gsplat imports and CUDA is usable."""
    if not torch.cuda.is_available():
        return False
    try:
        import gsplat  # noqa: F401
    except ImportError:
        return False
    return True


def render_gsplat(gaussians: Gaussians, camera: Camera,
                  background: Tensor) -> Tuple[Tensor, Tensor]:
    """Render with gsplat>=1.5.3 (batched Gaussian sets, one camera each)."""
    g = gaussians
    if not g.means.is_cuda:
        raise ValueError("renderer backend='gsplat' needs CUDA tensors; use "
                         "backend='torch' (or 'auto') on CPU")
    from gsplat import rasterization  # lazy: JIT-compiles its CUDA kernels
    B = g.batch_size
    viewmats = camera.viewmat_tensor(g.means).expand(B, 1, 4, 4)
    Ks = camera.K_tensor(g.means).expand(B, 1, 3, 3)
    # gsplat's kernels are fp32; autocast must not hand it half tensors.
    with torch.autocast('cuda', enabled=False):
        f = lambda t: t.float()  # noqa: E731
        colors, alphas, _ = rasterization(
            f(g.means),
            f(g.quats),
            f(effective_scales(g.means, g.scales, camera)),
            f(g.opacities),
            f(g.colors),
            viewmats.float(),
            Ks.float(),
            camera.width,
            camera.height,
            near_plane=NEAR_PLANE,
            eps2d=EPS2D,
            packed=False,
            tile_size=16,
            backgrounds=f(background).unsqueeze(1),
            rasterize_mode='classic',
            camera_model=camera.model)
    # [B, 1, H, W, C] -> [B, C, H, W]
    return (colors[:, 0].permute(0, 3, 1, 2), alphas[:, 0].permute(0, 3, 1,
                                                                   2).detach())
