"""The zero-shot suite: run GMAE (and MAE) on photos with human masks,
score figure-ground (IoU) and edges (ODS / OIS / AP), save pictures."""
import json
import os
import os.path as osp
from typing import Dict, Optional, Sequence

import numpy as np
import torch
from PIL import Image

from ..datasets import read_image, read_rgb
from ..render import camera_from_cfg, render
from ..visualization import layering_figure
from .baselines import center_prior, pick_figure, sobel_edges, two_means
from .layers import (PAPER_KS, depth_layers, first_k, layer_edges,
                     visible_layer_map)
from .metrics import boundary_eval, id_boundaries, iou, mean


def load_fixture(data_dir: str, name: str, size: int):
    """Photo [H, W, 3] float in [0, 1] and instance ids [H, W], both
    resized to ``size`` x ``size`` (bicubic / nearest)."""
    img = Image.fromarray(read_rgb(osp.join(data_dir, f'{name}.png')))
    inst = read_image(osp.join(data_dir, f'{name}_inst.png'))
    img = np.asarray(
        img.resize((size, size), Image.BICUBIC), dtype=np.float32) / 255.0
    inst = np.asarray(inst.resize((size, size), Image.NEAREST))
    return img, inst


def _inputs(model, img: np.ndarray) -> torch.Tensor:
    """[H, W, 3] RGB in [0, 1] -> normalised model input [1, 3, H, W]."""
    x = torch.from_numpy(img).permute(2, 0, 1)[None] * 255.0
    dp = model.data_preprocessor
    if getattr(dp, '_enable_normalize', False):
        x = (x - dp.mean.cpu()) / dp.std.cpu()
    return x


@torch.no_grad()
def _decode(model, img: np.ndarray, mask_ratio: float, seed: int):
    torch.manual_seed(seed)
    latent, mask, ids = model.backbone.forward_masked(
        _inputs(model, img), mask_ratio)
    return model.decoder(latent, ids), mask


def run_suite(gmae,
              data_dir: str,
              out_dir: str,
              mae=None,
              mask_ratio: float = 0.0,
              layer_counts: Sequence[int] = (4, 8, 16, 32),
              tau: float = 0.05,
              fg_layers: int = 2,
              ks: Sequence[int] = PAPER_KS,
              seed: int = 0,
              backend: str = 'auto') -> Dict:
    """Evaluate every fixture in ``data_dir/index.json``.

    Args:
        gmae: A GMAE ``MaskedAutoencoder`` (eval mode, CPU or GPU).
        mae: Optional MAE model for the reconstruction baselines.
        mask_ratio: Fraction of patches hidden from the encoder (0: the
            Gaussians describe the whole image).
        layer_counts: ``l@N`` layerings averaged into the edge strength.
        tau: "Significant change" of a pixel when a layer is added.
        fg_layers: Depth groups for figure-ground; the figure is the group
            (near or far) touching the border least.
    Returns:
        The summary written to ``out_dir/zero_shot.json``.
    """
    index = json.load(open(osp.join(data_dir, 'index.json')))
    size = gmae.backbone.img_size
    os.makedirs(osp.join(out_dir, 'vis'), exist_ok=True)
    fg_methods = ['gmae_layers', 'center_prior'
                  ] + (['mae_recon_2means'] if mae is not None else [])
    edge_methods = ['gmae_layers', 'gmae_recon_sobel', 'image_sobel'
                    ] + (['mae_recon_sobel'] if mae is not None else [])
    fg_scores = {m: [] for m in fg_methods}
    strengths = {m: [] for m in edge_methods}
    gts, per_image = [], []
    for item in index:
        img, inst = load_fixture(data_dir, item['name'], size)
        fg_gt, edge_gt = inst > 0, id_boundaries(inst)
        pred, _ = _decode(gmae, img, mask_ratio, seed)
        g = gmae.head.gaussians(pred)
        camera = camera_from_cfg(gmae.head.camera_cfg, size, size)
        recon = render(g, camera, backend, gmae.head.background).image
        recon_np = recon[0].clamp(0, 1).permute(1, 2, 0).cpu().numpy()
        ids2 = visible_layer_map(g, camera, fg_layers, tau, backend)[0]
        fg = {
            'gmae_layers':
            pick_figure([(ids2 == l).cpu().numpy() for l in range(fg_layers)]),
            'center_prior':
            center_prior(size, size)
        }
        edges = {
            'gmae_layers':
            layer_edges(g, camera, layer_counts, tau,
                        backend)[0].cpu().numpy(),
            'gmae_recon_sobel':
            sobel_edges(recon_np),
            'image_sobel':
            sobel_edges(img)
        }
        if mae is not None:
            mae_pred, _ = _decode(mae, img, mask_ratio, seed)
            mae_recon = mae.head.reconstruct(
                mae_pred,
                torch.from_numpy(img).permute(2, 0, 1)[None])
            mae_np = mae_recon[0].clamp(0, 1).permute(1, 2, 0).cpu().numpy()
            fg['mae_recon_2means'] = pick_figure(two_means(mae_np))
            edges['mae_recon_sobel'] = sobel_edges(mae_np)
        scores = {m: iou(fg[m], fg_gt) for m in fg_methods}
        for m in fg_methods:
            fg_scores[m].append(scores[m])
        for m in edge_methods:
            strengths[m].append(edges[m])
        gts.append(edge_gt)
        per_image.append(dict(name=item['name'], fg_iou=scores))
        layering_figure(
            osp.join(out_dir, 'vis', f"{item['name']}.png"), img, recon_np, {
                k: v[0]
                for k, v in first_k(g, camera, ks, backend).items()
            }, [x[0] for x in depth_layers(g, camera, 8, backend)],
            edges['gmae_layers'], fg_gt, fg['gmae_layers'])
    summary = dict(
        n_images=len(index),
        data=osp.abspath(data_dir),
        image_size=size,
        settings=dict(
            mask_ratio=mask_ratio,
            layer_counts=list(layer_counts),
            tau=tau,
            fg_layers=fg_layers,
            seed=seed),
        fg_iou={
            m: mean(v)
            for m, v in fg_scores.items()
        },
        edges={
            m: {
                k: v
                for k, v in boundary_eval(strengths[m], gts).items()
                if k in ('ODS', 'OIS', 'AP')
            }
            for m in edge_methods
        },
        per_image=per_image,
        note='smoke-scale fixtures (real photos, human masks); a pipeline '
        'check, not a benchmark number')
    with open(osp.join(out_dir, 'zero_shot.json'), 'w') as f:
        json.dump(summary, f, indent=1)
    return summary


def load_model(config: str, checkpoint: Optional[str], device: str = 'cpu'):
    """Build a MaskedAutoencoder from a config and load a checkpoint
    strictly (None keeps the random init, for tests)."""
    from mmengine.config import Config

    import gmae_bench.models  # noqa: F401
    from gmae_bench.registry import MODELS
    from gmae_bench.utils.checkpoint import (check_fits, load_checkpoint_file,
                                             state_dict_of)
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    if checkpoint is not None:
        sd = state_dict_of(load_checkpoint_file(checkpoint))
        check_fits(model.state_dict(), sd, checkpoint, config)
        model.load_state_dict(sd)
    return model.to(device).eval()
