"""Reconstruction heads: the masked pixel loss (MAE) and its Gaussian
variant (GMAE), which renders first and then calls the *same* loss.

Both heads take the model input (ImageNet-normalised by the data
preprocessor). MAE's loss is computed on it, as facebookresearch/mae does;
GMAE's on raw [0, 1] RGB, as its authors do (``target``). Both report the
masked MSE in [0, 1] pixel space, the number compared across methods.
"""
import math
from typing import Dict, Optional, Sequence, Tuple

import torch
from mmengine.model import BaseModule
from torch import Tensor

from ..registry import MODELS
from ..render import (Camera, Gaussians, RenderOutput, Scene, camera_from_cfg,
                      gaussians_from_raw)
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


TARGETS = ('input', 'pixels')
LOSS_ON = ('masked', 'all')


@MODELS.register_module()
class PixelHead(BaseModule):
    """Mean squared error on the masked patches (facebookresearch/mae).

    The head receives the model input (what the data preprocessor made of
    the images, ImageNet-normalised by default) and works in one of two
    spaces:

    * ``target='input'``: the loss compares the prediction with the model
      input itself, as FB-MAE's ``forward_loss(imgs, ...)`` does (its
      ``imgs`` are ``transforms.Normalize``-d). With ``norm_pix`` the
      per-patch statistics are therefore taken in normalised units.
    * ``target='pixels'``: the loss compares with raw RGB in [0, 1] (the
      GMAE authors' loss, which undoes the normalisation first).

    Args:
        patch_size: Patch side p.
        norm_pix: Normalise each target patch by its mean and std (MAE's
            ``norm_pix_loss``).
        target: 'input' (FB-MAE) or 'pixels' ([0, 1] RGB).
        pixel_mean, pixel_std: The preprocessor's per-channel mean / std in
            0-255 units, RGB order; ``MaskedAutoencoder`` fills them in from
            its data preprocessor. None: the input is 0-255 RGB.
        loss_on: 'masked' (FB-MAE, GMAE: the hidden patches) or 'all' (every
            patch, visible ones included: the GMAE paper's ablation). The
            reported ``mse_pixels`` is always on the masked patches.
    """

    def __init__(self,
                 patch_size: int = 16,
                 norm_pix: bool = False,
                 target: str = 'input',
                 pixel_mean: Optional[Sequence[float]] = None,
                 pixel_std: Optional[Sequence[float]] = None,
                 loss_on: str = 'masked',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(patch_size, int) or patch_size < 1:
            raise ValueError('head.patch_size must be a positive integer, '
                             f'got {patch_size!r}')
        if target not in TARGETS:
            raise ValueError(f'head.target must be one of {TARGETS}, got '
                             f'{target!r}')
        if loss_on not in LOSS_ON:
            raise ValueError(f'head.loss_on must be one of {LOSS_ON}, got '
                             f'{loss_on!r}')
        self.patch_size, self.norm_pix, self.target = (patch_size, norm_pix,
                                                       target)
        self.loss_on = loss_on
        mean = torch.zeros(3) if pixel_mean is None else torch.tensor(
            pixel_mean, dtype=torch.float32)
        std = torch.ones(3) if pixel_std is None else torch.tensor(
            pixel_std, dtype=torch.float32)
        if bool((std <= 0).any()):
            raise ValueError(f'head.pixel_std must be > 0, got {pixel_std}')
        # pixels01 = input * scale + shift, per channel
        self.register_buffer('scale', (std / 255.).view(1, -1, 1, 1), False)
        self.register_buffer('shift', (mean / 255.).view(1, -1, 1, 1), False)

    # ------------------------------------------------------------------
    # spaces
    # ------------------------------------------------------------------
    def to_pixels(self, inputs: Tensor) -> Tensor:
        """Model input -> raw RGB in [0, 1]. [B, C, H, W]"""
        return (inputs * self.scale + self.shift).clamp(0, 1)  # round-off

    def pixels_to_inputs(self, pixels: Tensor) -> Tensor:
        """Raw [0, 1] RGB -> the model input's units. [B, C, H, W]"""
        return (pixels - self.shift) / self.scale

    def target_images(self, inputs: Tensor) -> Tensor:
        """The images the loss compares with, in the head's target space."""
        return inputs if self.target == 'input' else self.to_pixels(inputs)

    def patches_to_pixels(self, patches: Tensor) -> Tensor:
        """Patches in the target space -> [0, 1] pixel units (no clamp).
        [B, L, p*p*C]"""
        if self.target == 'pixels':
            return patches
        B, L, D = patches.shape
        C = self.scale.shape[1]
        x = patches.view(B, L, D // C, C)  # FB order: channel last
        return (x * self.scale.view(C) + self.shift.view(C)).view(B, L, D)

    # ------------------------------------------------------------------
    # patches
    # ------------------------------------------------------------------
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

    def target_patches(self, imgs: Tensor) -> Tensor:
        """Target patches [B, L, p*p*C] of target-space images,
        per-patch normalised if norm_pix."""
        target = self.patchify(imgs)
        if self.norm_pix:
            mean, std = patch_stats(target)
            target = (target - mean) / std
        return target

    def predict_patches(self, pred: Tensor, imgs: Tensor) -> Tensor:
        """Decoder output -> predicted patches [B, L, p*p*C] in the target
        space (``imgs``: the target-space images, for their size)."""
        return pred

    # ------------------------------------------------------------------
    # loss and reconstruction
    # ------------------------------------------------------------------
    def loss(self, pred: Tensor, inputs: Tensor,
             mask: Tensor) -> Dict[str, Tensor]:
        """Masked-patch MSE.

        Args:
            pred: Decoder output. [B, L, p*p*C] (MAE) / [B, k, 14] (GMAE)
            inputs: The model input. [B, C, H, W]
            mask: 1 = masked patch. [B, L]
        Returns:
            ``loss`` (the training loss) and, without gradient, the masked
            MSE in [0, 1] pixel space: ``mse_pixels`` when the prediction
            is in pixel units by itself (comparable across methods), or
            ``mse_pixels_true_stats`` with ``norm_pix``, where the
            prediction is mapped back with the *true* mean and std of each
            hidden patch (handed to the model, so not comparable).
        """
        imgs = self.target_images(inputs)
        patches = self.predict_patches(pred, imgs)
        target = self.patchify(imgs)
        weight = mask if self.loss_on == 'masked' else torch.ones_like(mask)
        if self.norm_pix:
            mean, std = patch_stats(target)
            loss = masked_mse(patches, (target - mean) / std, weight)
        else:
            loss = masked_mse(patches, target, weight)
        # a non-finite prediction makes the loss non-finite by itself (a
        # GMAE head's predict_patches sees to it before rendering)
        with torch.no_grad():
            pixels = self.patchify(self.to_pixels(inputs))
            if self.norm_pix:
                pred_px = self.patches_to_pixels(patches * std + mean)
                return dict(
                    loss=loss,
                    mse_pixels_true_stats=masked_mse(pred_px, pixels, mask))
            mse = masked_mse(self.patches_to_pixels(patches), pixels, mask)
        return dict(loss=loss, mse_pixels=mse)

    def reconstruct(self, pred: Tensor, inputs: Tensor) -> Tensor:
        """Predicted image in [0, 1] pixel space (not clamped). [B, C, H, W]

        With ``norm_pix`` the patches are mapped back with the statistics of
        the true patches (the usual MAE visualisation).
        """
        imgs = self.target_images(inputs)
        patches = self.predict_patches(pred, imgs)
        if self.norm_pix:
            mean, std = patch_stats(self.patchify(imgs))
            patches = patches * std + mean
        return self.unpatchify(
            self.patches_to_pixels(patches), *inputs.shape[-2:])


@MODELS.register_module()
class GaussianHead(PixelHead):
    """GMAE: raw [B, k, 14] -> Gaussians -> splatted image -> pixel loss.

    Args:
        patch_size: Patch side p (for the masked loss).
        norm_pix: Kept False for GMAE (per-patch normalised targets hurt it
            badly: 76.9 vs 83.2 fine-tuning top-1 in the paper's ablation).
        target: 'pixels' (default, the GMAE authors' loss on [0, 1] RGB) or
            'input' (the render is normalised like the model input).
        pixel_mean, pixel_std: See :class:`PixelHead`.
        scale_max: ``c`` in ``scale = c * sigmoid(s)`` (1.0 in the paper),
            > 0.
        renderer: ``dict(backend='auto'|'torch'|'cpu'|'gsplat', background=None
            (white), camera=dict(distance=8., model='ortho',
            size_by_depth=True))``.
        loss_on: See :class:`PixelHead` ('all': the paper's 81.8 / 57.4
            row).
    """

    def __init__(self,
                 patch_size: int = 16,
                 norm_pix: bool = False,
                 target: str = 'pixels',
                 pixel_mean: Optional[Sequence[float]] = None,
                 pixel_std: Optional[Sequence[float]] = None,
                 scale_max: float = 1.0,
                 renderer: Optional[dict] = None,
                 loss_on: str = 'masked',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(patch_size, norm_pix, target, pixel_mean, pixel_std,
                         loss_on, init_cfg)
        if not (isinstance(scale_max, (int, float)) and scale_max > 0
                and math.isfinite(scale_max)):
            raise ValueError('head.scale_max (c in c * sigmoid(s)) must be a '
                             f'finite number > 0, got {scale_max!r}')
        renderer = dict(renderer or {})
        unknown = set(renderer) - {'backend', 'background', 'camera'}
        if unknown:
            raise KeyError(f'unknown head.renderer key(s) {sorted(unknown)}; '
                           "allowed: 'backend', 'background', 'camera'")
        self.scale_max = float(scale_max)
        self.backend = renderer.get('backend', 'auto')
        self.background = renderer.get('background')
        self.camera_cfg = renderer.get('camera')
        camera_from_cfg(self.camera_cfg, 16, 16)  # fail early on a typo

    def gaussians(self, pred: Tensor) -> Gaussians:
        """Activate raw decoder outputs (fp32). [B, k, 14] -> Gaussians"""
        return gaussians_from_raw(pred.float(), self.scale_max)

    def camera(self, height: int, width: int) -> Camera:
        """The head's fixed camera for an image size."""
        return camera_from_cfg(self.camera_cfg, height, width)

    def scene(self, height: int, width: int) -> Scene:
        """Camera, backend and background of this head, bound once."""
        return Scene(self.camera(height, width), self.backend, self.background)

    def render(self, pred: Tensor, height: int, width: int) -> RenderOutput:
        """Render raw decoder outputs to [B, 3, H, W] (always in fp32)."""
        with torch.autocast(device_type=pred.device.type, enabled=False):
            return self.scene(height, width).render(self.gaussians(pred))

    @torch.no_grad()
    def screen_stats(self, pred: Tensor, height: int,
                     width: int) -> Dict[str, Tensor]:
        """Where the camera puts each Gaussian: centre in pixels [B, k, 2],
        on-screen std in pixels [B, k] and view depth [B, k]."""
        camera = self.camera(height, width)
        g = self.gaussians(pred)
        scales = effective_scales(g.means, g.scales, camera)
        means2d, cov2d, depth = project(g.means, g.quats, scales, camera)
        sigma = cov2d.diagonal(dim1=-2, dim2=-1).mean(-1).sqrt()
        return dict(means2d=means2d, sigma=sigma, depth=depth)

    def predict_patches(self, pred: Tensor, imgs: Tensor) -> Tensor:
        H, W = imgs.shape[-2:]
        if not bool(torch.isfinite(pred).all()):
            # a diverged decoder: NaN patches (a NaN loss, which the
            # FiniteLossHook reports) instead of rendering invalid Gaussians
            B, C = imgs.shape[:2]
            nan = imgs.new_full(
                (B, (H // self.patch_size) *
                 (W // self.patch_size), self.patch_size**2 * C), float('nan'))
            return nan + pred.sum() * 0  # keeps the graph for backward
        image = self.render(pred, H, W).image.to(imgs.dtype)
        if self.target == 'input':
            image = self.pixels_to_inputs(image)
        return self.patchify(image)
