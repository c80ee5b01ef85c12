"""Reconstruction heads: the masked pixel loss (MAE) and its Gaussian
variant (GMAE), which renders first and then calls the *same* loss.

Both heads take images as raw pixels in [0, 1] (the model undoes the data
preprocessor's normalisation), so GMAE's rendered colours in (0, 1) and the
MAE target live in one space.
"""
from typing import Dict, Optional, Tuple

import torch
from mmengine.model import BaseModule
from torch import Tensor

from ..registry import MODELS
from ..render import (Gaussians, RenderOutput, camera_from_cfg,
                      gaussians_from_raw, render)
from ..render.camera import effective_scales, project


def masked_mse(patches: Tensor, target: Tensor, mask: Tensor) -> Tensor:
    """Mean over masked patches of the per-patch MSE (facebookresearch/mae
    ``forward_loss``). [B, L, D], [B, L, D], [B, L] -> scalar"""
    per_patch = ((patches - target)**2).mean(dim=-1)  # [B, L]
    return (per_patch * mask).sum() / mask.sum()


def patch_stats(patches: Tensor) -> Tuple[Tensor, Tensor]:
    """Per-patch mean and std of MAE's norm_pix (unbiased var + 1e-6).
    [B, L, D] -> [B, L, 1] each"""
    mean = patches.mean(dim=-1, keepdim=True)
    return mean, (patches.var(dim=-1, keepdim=True) + 1.e-6)**.5


@MODELS.register_module()
class PixelHead(BaseModule):
    """Mean squared error on the masked patches (facebookresearch/mae).

    Args:
        patch_size: Patch side p.
        norm_pix: Normalise each target patch by its mean and std (MAE's
            ``norm_pix_loss``).
    """

    def __init__(self,
                 patch_size: int = 16,
                 norm_pix: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        self.patch_size, self.norm_pix = patch_size, norm_pix

    def patchify(self, imgs: Tensor) -> Tensor:
        """[B, C, H, W] -> [B, L, p*p*C] in FB-MAE's (p, q, c) order."""
        p = self.patch_size
        B, C, H, W = imgs.shape
        if H % p or W % p:
            raise ValueError(f'image size {H}x{W} is not divisible by '
                             f'head.patch_size={p}')
        x = imgs.reshape(B, C, H // p, p, W // p, p)
        x = torch.einsum('nchpwq->nhwpqc', x)
        return x.reshape(B, (H // p) * (W // p), p * p * C)

    def unpatchify(self, x: Tensor, height: int, width: int) -> Tensor:
        """[B, L, p*p*C] -> [B, C, H, W]."""
        p = self.patch_size
        B, L, D = x.shape
        h, w, C = height // p, width // p, D // (p * p)
        x = torch.einsum('nhwpqc->nchpwq', x.reshape(B, h, w, p, p, C))
        return x.reshape(B, C, h * p, w * p)

    def target(self, imgs: Tensor) -> Tensor:
        """Target patches [B, L, p*p*C], per-patch normalised if norm_pix."""
        target = self.patchify(imgs)
        if self.norm_pix:
            mean, std = patch_stats(target)
            target = (target - mean) / std
        return target

    def predict_patches(self, pred: Tensor, imgs: Tensor) -> Tensor:
        """Decoder output -> predicted patches [B, L, p*p*C]."""
        return pred

    def loss(self, pred: Tensor, imgs: Tensor,
             mask: Tensor) -> Dict[str, Tensor]:
        """Masked-patch MSE.

        Args:
            pred: Decoder output. [B, L, p*p*C] (MAE) / [B, k, 14] (GMAE)
            imgs: Images in [0, 1]. [B, C, H, W]
            mask: 1 = masked patch. [B, L]
        Returns:
            ``loss`` (the training loss, on norm_pix targets if set) and
            ``mse_pixels`` (no gradient): the same masked MSE in [0, 1]
            pixel space, comparable between MAE and GMAE.
        """
        patches = self.predict_patches(pred, imgs)
        pixels = self.patchify(imgs)
        if self.norm_pix:
            mean, std = patch_stats(pixels)
            loss = masked_mse(patches, (pixels - mean) / std, mask)
        else:
            loss = masked_mse(patches, pixels, mask)
        if not bool(torch.isfinite(pred).all()):
            # the renderer culls NaN Gaussians, which would hide a diverged
            # decoder behind a finite loss: report it as a NaN loss
            loss = loss * float('nan')
        if not self.norm_pix:
            return dict(loss=loss, mse_pixels=loss.detach())
        with torch.no_grad():  # norm_pix prediction back to pixels
            mse = masked_mse(patches * std + mean, pixels, mask)
        return dict(loss=loss, mse_pixels=mse)

    def reconstruct(self, pred: Tensor, imgs: Tensor) -> Tensor:
        """Predicted image in [0, 1] pixel space. [B, C, H, W]

        With ``norm_pix`` the patches are mapped back with the statistics of
        the true patches (the usual MAE visualisation).
        """
        patches = self.predict_patches(pred, imgs)
        if self.norm_pix:
            mean, std = patch_stats(self.patchify(imgs))
            patches = patches * std + mean
        return self.unpatchify(patches, *imgs.shape[-2:])


@MODELS.register_module()
class GaussianHead(PixelHead):
    """GMAE: raw [B, k, 14] -> Gaussians -> splatted image -> pixel loss.

    Args:
        patch_size: Patch side p (for the masked loss).
        norm_pix: Kept False for GMAE (per-patch normalised targets hurt it
            badly, METHOD.md 3.1).
        scale_max: ``c`` in ``scale = c * sigmoid(s)`` (1.0 in the paper).
        renderer: ``dict(backend='auto'|'torch'|'cpu'|'gsplat', background=None
            (white), camera=dict(distance=8., model='ortho',
            size_by_depth=True))``.
    """

    def __init__(self,
                 patch_size: int = 16,
                 norm_pix: bool = False,
                 scale_max: float = 1.0,
                 renderer: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(patch_size, norm_pix, init_cfg)
        renderer = dict(renderer or {})
        unknown = set(renderer) - {'backend', 'background', 'camera'}
        if unknown:
            raise KeyError(f'unknown head.renderer key(s) {sorted(unknown)}; '
                           "allowed: 'backend', 'background', 'camera'")
        self.scale_max = scale_max
        self.backend = renderer.get('backend', 'auto')
        self.background = renderer.get('background')
        self.camera_cfg = renderer.get('camera')
        camera_from_cfg(self.camera_cfg, 16, 16)  # fail early on a typo

    def gaussians(self, pred: Tensor) -> Gaussians:
        """Activate raw decoder outputs (fp32). [B, k, 14] -> Gaussians"""
        return gaussians_from_raw(pred.float(), self.scale_max)

    def render(self, pred: Tensor, height: int, width: int) -> RenderOutput:
        """Render raw decoder outputs to [B, 3, H, W] (always in fp32)."""
        camera = camera_from_cfg(self.camera_cfg, height, width)
        with torch.autocast(device_type=pred.device.type, enabled=False):
            return render(
                self.gaussians(pred), camera, self.backend, self.background)

    @torch.no_grad()
    def screen_stats(self, pred: Tensor, height: int,
                     width: int) -> Dict[str, Tensor]:
        """Where the camera puts each Gaussian: centre in pixels [B, k, 2],
        on-screen std in pixels [B, k] and view depth [B, k]."""
        camera = camera_from_cfg(self.camera_cfg, height, width)
        g = self.gaussians(pred)
        scales = effective_scales(g.means, g.scales, camera)
        means2d, cov2d, depth = project(g.means, g.quats, scales, camera)
        sigma = cov2d.diagonal(dim1=-2, dim2=-1).mean(-1).sqrt()
        return dict(means2d=means2d, sigma=sigma, depth=depth)

    def predict_patches(self, pred: Tensor, imgs: Tensor) -> Tensor:
        image = self.render(pred, *imgs.shape[-2:]).image
        return self.patchify(image.to(imgs.dtype))
