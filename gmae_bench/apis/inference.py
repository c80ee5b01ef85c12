"""Build a pretrained MAE / GMAE from its config and use it: the one way to
load a model outside the training loop (tools, benchmarks, notebooks)."""
from typing import Dict, Optional, Sequence, Union

import numpy as np
import torch
from torch import Tensor, nn

from ..datasets.inputs import images_to_inputs
from ..zero_shot.layers import PAPER_KS

ImageLike = Union[str, np.ndarray, Tensor]


def init_model(config,
               checkpoint: Optional[str] = None,
               device: str = 'cpu',
               cfg_options: Optional[dict] = None) -> nn.Module:
    """A model from a config (path or :class:`mmengine.Config`), with the
    checkpoint loaded strictly.

    Args:
        config: Config file or object; its ``model`` is built in the
            ``gmae_bench`` scope.
        checkpoint: gmae_bench / facebookresearch/mae / timm checkpoint
            (FB-MAE and timm names are mapped); None keeps the init.
        device: Where the model goes.
        cfg_options: ``--cfg-options``-style overrides (checked like the
            tools' own).
    Returns:
        The model in eval mode.
    """
    from mmengine.config import Config

    import gmae_bench.models  # noqa: F401  (registers the modules)

    from ..registry import MODELS
    from ..runtime.config import load_config
    from ..utils.checkpoint import load_pretrained_model
    if isinstance(config, str):
        cfg = load_config(config, cfg_options)
    else:
        cfg = config
        if cfg_options:
            cfg.merge_from_dict(cfg_options)
    model_cfg = cfg.model.to_dict() if isinstance(cfg, Config) else dict(
        cfg['model'])
    if checkpoint is not None:
        model_cfg.pop('init_cfg', None)  # the checkpoint decides
    model = MODELS.build(model_cfg)
    model.init_weights()
    if checkpoint is not None:
        load_pretrained_model(model, checkpoint,
                              config if isinstance(config, str) else None)
    return model.to(device).eval()


@torch.no_grad()
def reconstruct(model: nn.Module,
                images: Sequence[ImageLike],
                mask_ratio: Optional[float] = None,
                seed: Optional[int] = 0) -> Dict[str, Tensor]:
    """Mask, encode, decode and reconstruct a few images.

    Args:
        model: An MAE or GMAE (:func:`init_model`).
        images: Files or RGB arrays.
        mask_ratio: Fraction of patches hidden (default: the model's).
        seed: Seed of the masking noise (None: the current RNG state).
    Returns:
        :meth:`MaskedAutoencoder.reconstruct`'s dict (``image``,
        ``masked``, ``recon``, ``pasted`` in [0, 1], ``mask``; GMAE also
        ``gaussians`` and ``screen``).
    """
    inputs = images_to_inputs(model, images)
    if seed is not None:
        torch.manual_seed(seed)
    return model.reconstruct(inputs, mask_ratio)


@torch.no_grad()
def render_layers(model: nn.Module,
                  images: Sequence[ImageLike],
                  num_layers: int = 8,
                  ks: Sequence[int] = PAPER_KS,
                  layer_counts: Sequence[int] = (4, 8, 16, 32),
                  tau: float = 0.05,
                  mask_ratio: float = 0.0) -> Dict[str, object]:
    """GMAE's zero-shot readouts of a few images (all patches visible by
    default): renders of the nearest K Gaussians, each depth layer alone,
    the per-pixel layer map and the layer edges.

    Returns:
        dict with ``recon`` [B, 3, H, W], ``first_k`` {K: [B, 3, H, W]},
        ``layers`` (``num_layers`` x [B, 3, H, W], nearest first),
        ``layer_map`` [B, H, W] (ids 0..num_layers) and ``edges`` [B, H, W].
    """
    from ..zero_shot import (depth_layers, first_k, layer_edges,
                             visible_layer_map)
    if not model.is_gaussian:
        raise ValueError('render_layers needs a GMAE (a GaussianHead); got '
                         f'{type(model.head).__name__}')
    rec = reconstruct(model, images, mask_ratio)
    g = rec['gaussians']
    H, W = rec['image'].shape[-2:]
    scene = model.head.scene(H, W)
    return dict(
        recon=rec['recon'],
        first_k=first_k(g, scene, ks),
        layers=depth_layers(g, scene, num_layers),
        layer_map=visible_layer_map(g, scene, num_layers, tau),
        edges=layer_edges(g, scene, layer_counts, tau))
