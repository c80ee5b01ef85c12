"""Naive dense renderer: every Gaussian at every pixel, plain autograd.

Same rules as :mod:`.torch_backend` but O(B*N*H*W) memory. It is the
reference in tests and the baseline in ``tools/benchmark_renderer.py``;
never use it for training.
"""
from typing import Tuple

import torch
from torch import Tensor

from .camera import Camera, effective_scales, project
from .gaussians import Gaussians
from .torch_backend import ALPHA_THRESHOLD, MAX_ALPHA, T_STOP, conics_and_radii


def render_dense(gaussians: Gaussians, camera: Camera,
                 background: Tensor) -> Tuple[Tensor, Tensor]:
    """Render [B, C, H, W] and alpha [B, 1, H, W] in one dense pass."""
    g = gaussians
    H, W = camera.height, camera.width
    scales = effective_scales(g.means, g.scales, camera)
    means2d, cov2d, depths = project(g.means, g.quats, scales, camera)
    conics, radii = conics_and_radii(means2d, cov2d, depths, g.opacities, W, H)
    order = torch.argsort(depths, dim=1, stable=True)  # front to back

    def sort(t: Tensor) -> Tensor:
        idx = order.view(*order.shape, *([1] * (t.dim() - 2)))
        return torch.gather(t, 1, idx.expand_as(t))

    means2d, conics, colors, opac, radii = map(
        sort, (means2d, conics, g.colors, g.opacities, radii))
    ys, xs = torch.meshgrid(
        torch.arange(H, device=means2d.device, dtype=means2d.dtype) + 0.5,
        torch.arange(W, device=means2d.device, dtype=means2d.dtype) + 0.5,
        indexing='ij')
    dx = means2d[..., 0, None] - xs.reshape(1, 1, -1)  # [B, N, HW]
    dy = means2d[..., 1, None] - ys.reshape(1, 1, -1)
    a, b, c = (t.unsqueeze(-1) for t in conics.unbind(-1))
    sigma = 0.5 * (a * dx**2 + c * dy**2) + b * dx * dy
    alpha = (opac.unsqueeze(-1) * torch.exp(-sigma)).clamp_max(MAX_ALPHA)
    culled = (radii == 0).any(-1, keepdim=True)
    valid = (sigma >= 0) & (alpha >= ALPHA_THRESHOLD) & ~culled
    alpha = torch.where(valid, alpha, torch.zeros_like(alpha))
    # A pixel stops before the Gaussian that takes T to <= T_STOP.
    with torch.no_grad():
        keep = torch.cumprod(1 - alpha, dim=1) > T_STOP
    alpha = torch.where(keep, alpha, torch.zeros_like(alpha))
    T = torch.cumprod(1 - alpha, dim=1)  # [B, N, HW]
    T_excl = torch.cat([torch.ones_like(T[:, :1]), T[:, :-1]], 1)
    w = alpha * T_excl
    image = torch.einsum('bnp,bnc->bcp', w, colors)
    image = image + T[:, -1:, :] * background.unsqueeze(-1)
    B, C = colors.shape[0], colors.shape[-1]
    return (image.reshape(B, C, H, W), (1 - T[:, -1]).reshape(B, 1, H,
                                                              W).detach())
