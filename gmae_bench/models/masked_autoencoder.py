"""MaskedAutoencoder: backbone (ViT) -> decoder -> head, for MAE and GMAE.

The two methods differ only in ``decoder`` (``out_dim``, ``num_queries``) and
``head`` (``PixelHead`` vs ``GaussianHead``); everything here is shared.
"""
from typing import Dict, List, Optional, Tuple, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from ..registry import MODELS
from .heads import GaussianHead

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
        init_cfg: ``dict(type='Pretrained', checkpoint=PATH)`` loads a
            whole pretraining checkpoint strictly (gmae_bench's, or
            facebookresearch/mae's ``mae_pretrain_vit_base_full.pth`` through
            ``utils.checkpoint.FB_MAE_KEYS``) after the default init.
    """

    def __init__(self,
                 backbone: dict,
                 decoder: dict,
                 head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None,
                 paired_rng: bool = False) -> None:
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
        # the head maps model inputs back to [0, 1] RGB with the
        # preprocessor's own mean / std
        head = dict(head)
        if isinstance(data_preprocessor, dict):
            head.setdefault('pixel_mean', data_preprocessor.get('mean'))
            head.setdefault('pixel_std', data_preprocessor.get('std'))
        self.head = MODELS.build(head)
        ratio = self.backbone.mask_ratio
        num_patches = grid[0] * grid[1]
        visible = int(num_patches * (1 - ratio))
        if not 0 < visible < num_patches:
            raise ValueError(
                f'backbone.mask_ratio={ratio} leaves {visible} of '
                f'{num_patches} patches visible: pretraining needs at least '
                'one visible and one masked patch (0 < mask_ratio < 1, '
                f'1/{num_patches} <= 1 - mask_ratio)')
        # paired_rng: the encoder's initialisation and the training masks
        # come from the run's seed alone, not from the global generator
        # after the decoder and head have drawn from it (which differs
        # between MAE and GMAE), so one seed pairs MAE, MAE-pixel and GMAE.
        # Off by default: runs trained without it retrain as they did.
        self.paired_rng = paired_rng
        if paired_rng:
            self.rng_seed = torch.initial_seed()  # the run's seed
            # training steps so far: each step's masks are drawn from
            # (seed, rank, step), and a resumed run continues the stream
            self.register_buffer('mask_step', torch.zeros((), dtype=torch.long))
        if self.head.patch_size != self.backbone.patch_size:
            raise ValueError(
                f'head.patch_size={self.head.patch_size} differs from '
                f'backbone.patch_size={self.backbone.patch_size}')

    def init_weights(self) -> None:
        """Default init of every part; then, with a ``Pretrained``
        init_cfg, strict loading of the whole model."""
        cfg = self.init_cfg
        pretrained = isinstance(cfg, dict) and cfg.get('type') == 'Pretrained'
        if pretrained:
            self.init_cfg = None  # not mmengine's non-strict loader
        super().init_weights()
        if self.paired_rng:  # the encoder again, from the run's seed alone
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(self.rng_seed)
                self.backbone.init_weights()
        if pretrained:
            self.init_cfg = cfg
            from ..utils.checkpoint import load_pretrained_model
            load_pretrained_model(self, cfg['checkpoint'])

    # ------------------------------------------------------------------
    def to_pixels(self, inputs: Tensor) -> Tensor:
        """Undo the preprocessor's normalisation: raw RGB in [0, 1]."""
        return self.head.to_pixels(inputs)

    def pixels_to_inputs(self, pixels: Tensor) -> Tensor:
        """Raw RGB in [0, 1] -> what the preprocessor would make of it."""
        return self.head.pixels_to_inputs(pixels)

    def encode_decode(
            self,
            inputs: Tensor,
            mask_ratio: Optional[float] = None
    ) -> Tuple[Tensor, Tensor, Tensor]:
        """Encoder on the visible patches, then the decoder.

        Args:
            inputs: Normalised images. [B, 3, H, W]
            mask_ratio: Hide this fraction of patches instead of the
                backbone's own (0: every patch visible, as the zero-shot
                readouts use it).
        Returns:
            decoder output (``[B, L, p*p*3]`` or ``[B, k, 14]``),
            mask [B, L] (1 = masked) and ids_restore [B, L].
        """
        latent, mask, ids_restore = self.backbone.forward_masked(
            inputs, mask_ratio, self._mask_generator(inputs, mask_ratio))
        return self.decoder(latent, ids_restore), mask, ids_restore

    def _mask_generator(self, inputs: Tensor,
                        mask_ratio: Optional[float]
                        ) -> Optional[torch.Generator]:
        """With ``paired_rng``, a training step's mask noise source,
        seeded from (run seed, rank, step); None otherwise (the global
        generator, as evaluation seeds it)."""
        if not (self.paired_rng and self.training and mask_ratio is None):
            return None
        from mmengine.dist import get_rank
        g = torch.Generator(device=inputs.device)
        step = int(self.mask_step)
        g.manual_seed((self.rng_seed * 1_000_003 + get_rank()) * 1_000_003 +
                      step)
        self.mask_step += 1
        return g

    @property
    def is_gaussian(self) -> bool:
        """True for GMAE (a :class:`GaussianHead`)."""
        return isinstance(self.head, GaussianHead)

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
            return self.encode_decode(inputs)[0]
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', "
                         f'got {mode!r}')

    def loss(self, inputs: Tensor) -> Dict[str, Tensor]:
        """Masked reconstruction loss (``loss``) and the masked MSE in
        [0, 1] pixel space (``mse_pixels``, or ``mse_pixels_true_stats``
        for norm_pix; see :meth:`PixelHead.loss`)."""
        pred, mask, _ = self.encode_decode(inputs)
        return self.head.loss(pred, inputs, mask)

    @torch.no_grad()
    def reconstruct(self,
                    inputs: Tensor,
                    mask_ratio: Optional[float] = None) -> Dict[str, Tensor]:
        """Everything a visualisation needs, in [0, 1] pixel space.

        Returns:
            dict with ``image``, ``masked`` (hidden patches grey),
            ``recon`` (the prediction), ``pasted`` (visible patches from the
            input, the rest predicted), all [B, 3, H, W], ``mask`` [B, L]
            and, for GMAE, ``gaussians`` (the activated Gaussians) and
            ``screen`` (:meth:`GaussianHead.screen_stats`).
        """
        pred, mask, _ = self.encode_decode(inputs, mask_ratio)
        image = self.to_pixels(inputs)
        recon = self.head.reconstruct(pred, inputs).clamp(0, 1)
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
        if self.is_gaussian:
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
