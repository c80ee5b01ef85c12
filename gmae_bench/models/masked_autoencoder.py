"""MaskedAutoencoder: backbone (ViT) -> decoder -> head, for MAE and GMAE.

The two methods differ only in ``decoder`` (``out_dim``, ``num_queries``) and
``head`` (``PixelHead`` vs ``GaussianHead``); everything here is shared.
"""
from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from ..registry import MODELS

IMAGENET_MEAN = [123.675, 116.28, 103.53]
IMAGENET_STD = [58.395, 57.12, 57.375]


@MODELS.register_module()
class MaskedAutoencoder(BaseModel):
    """Masked image modelling with a pluggable decoder and head.

    Args:
        backbone: ViT config (``gmae_bench.ViT``); its weights are what
            downstream tasks load (checkpoint prefix ``backbone.``).
        decoder: ``gmae_bench.MAEDecoder`` config; ``num_patches`` and
            ``in_dims`` are filled in from the backbone.
        head: ``gmae_bench.PixelHead`` or ``gmae_bench.GaussianHead``.
        data_preprocessor: Default: mmengine ``ImgDataPreprocessor`` with
            ImageNet mean/std and BGR->RGB.
    """

    def __init__(self,
                 backbone: dict,
                 decoder: dict,
                 head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='ImgDataPreprocessor',
                mean=IMAGENET_MEAN,
                std=IMAGENET_STD,
                bgr_to_rgb=True)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        decoder = dict(decoder)
        grid = self.backbone.grid_size
        decoder.setdefault('num_patches', grid[0] * grid[1])
        decoder.setdefault('in_dims', self.backbone.embed_dims)
        self.decoder = MODELS.build(decoder)
        self.head = MODELS.build(head)
        if self.head.patch_size != self.backbone.patch_size:
            raise ValueError(
                f'head.patch_size={self.head.patch_size} differs from '
                f'backbone.patch_size={self.backbone.patch_size}')

    # ------------------------------------------------------------------
    def to_pixels(self, inputs: Tensor) -> Tensor:
        """Undo the preprocessor's normalisation: raw RGB in [0, 1]."""
        dp = self.data_preprocessor
        if getattr(dp, '_enable_normalize', False):
            inputs = inputs * dp.std + dp.mean
        return (inputs / 255.0).clamp(0, 1)  # clamp: float round-off only

    def forward_train(self, inputs: Tensor):
        """Encoder on the visible patches, then the decoder.

        Returns:
            decoder output (``[B, L, p*p*3]`` or ``[B, k, 14]``),
            mask [B, L] (1 = masked) and ids_restore [B, L].
        """
        latent, mask, ids_restore = self.backbone.forward_masked(inputs)
        return self.decoder(latent, ids_restore), mask, ids_restore

    def forward(
            self,
            inputs: Tensor,
            data_samples: Optional[list] = None,
            mode: str = 'tensor') -> Union[Dict[str, Tensor], list, Tensor]:
        """mmengine entry: mode 'loss' | 'predict' | 'tensor'."""
        if mode == 'loss':
            return self.loss(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.forward_train(inputs)[0]
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', "
                         f'got {mode!r}')

    def loss(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Masked reconstruction loss on raw [0, 1] pixels (``loss``), and
        ``mse_pixels``, the pixel-space MSE comparable across methods."""
        pred, mask, _ = self.forward_train(inputs)
        return self.head.loss(pred, self.to_pixels(inputs), mask)

    @torch.no_grad()
    def reconstruct(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Everything a visualisation needs, in [0, 1] pixel space.

        Returns:
            dict with ``image``, ``masked`` (hidden patches grey),
            ``recon`` (the prediction), ``pasted`` (visible patches from the
            input, the rest predicted), all [B, 3, H, W], ``mask`` [B, L]
            and, for GMAE, ``gaussians`` (the activated Gaussians) and
            ``screen`` (:meth:`GaussianHead.screen_stats`).
        """
        pred, mask, _ = self.forward_train(inputs)
        image = self.to_pixels(inputs)
        recon = self.head.reconstruct(pred, image).clamp(0, 1)
        H, W = image.shape[-2:]
        p = self.head.patch_size
        m = self.head.unpatchify(
            mask.unsqueeze(-1).expand(-1, -1, p * p * 3), H, W)
        out = dict(
            image=image,
            recon=recon,
            mask=mask,
            masked=image * (1 - m) + 0.5 * m,
            pasted=image * (1 - m) + recon * m)
        if hasattr(self.head, 'gaussians'):
            out['gaussians'] = self.head.gaussians(pred)
            out['screen'] = self.head.screen_stats(pred, H, W)
        return out

    def predict(self,
                inputs: Tensor,
                data_samples: Optional[list] = None) -> List[BaseDataElement]:
        """One data element per image with ``recon`` and ``mask``."""
        rec = self.reconstruct(inputs)
        results = []
        for i in range(inputs.shape[0]):
            results.append(
                BaseDataElement(recon=rec['recon'][i], mask=rec['mask'][i]))
        return results
