"""The zero-shot suite: run GMAE (and MAE) on photos with human masks,
score figure-ground (IoU) and edges (ODS / OIS / AP), save pictures."""
import json
import os
import os.path as osp
from typing import Dict, Sequence

import numpy as np
import torch
from PIL import Image

from ..datasets import read_image, read_rgb
from ..datasets.inputs import images_to_inputs
from ..engine.atomic_io import write_figure_atomic, write_json_atomic
from ..visualization import layering_figure
from .baselines import center_prior, pick_figure, sobel_edges, two_means
from .layers import (PAPER_KS, depth_layers, first_k, layer_edges,
                     visible_layer_map)
from .metrics import boundary_eval, id_boundaries, iou, mean


def load_fixture(data_dir: str, name: str, size: int):
    """Photo [H, W, 3] uint8 (full size) and instance ids [size, size]
    (nearest resize); the photo is resized by :func:`apis.images_to_inputs`
    as any other input."""
    img = read_rgb(osp.join(data_dir, f'{name}.png'))
    inst = read_image(osp.join(data_dir, f'{name}_inst.png'))
    return img, np.asarray(inst.resize((size, size), Image.NEAREST))


@torch.no_grad()
def _reconstruct(model, photo: np.ndarray, mask_ratio: float,
                 seed: int) -> dict:
    """``model.reconstruct`` of one photo, converted as every input is
    (:func:`images_to_inputs`), masking noise drawn from ``seed``."""
    inputs = images_to_inputs(model, [photo])
    torch.manual_seed(seed)
    return model.reconstruct(inputs, mask_ratio)


def read_index(data_dir: str) -> list:
    """The fixture list ``data_dir/index.json`` (named errors)."""
    path = osp.join(data_dir, 'index.json')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: run scripts/setup_env.sh '
                                '(scripts/prepare_data.py) or pass --data')
    try:
        with open(path) as f:
            index = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f'{path} is not valid JSON ({e.msg}, line '
                         f'{e.lineno})') from e
    if not isinstance(index, list) or not all(
            isinstance(i, dict) and 'name' in i for i in index):
        raise ValueError(f'{path}: expected a list of {{"name": ...}}')
    return index


def run_suite(gmae,
              data_dir: str,
              out_dir: str,
              mae=None,
              mask_ratio: float = 0.0,
              layer_counts: Sequence[int] = (4, 8, 16, 32),
              tau: float = 0.05,
              fg_layers: int = 2,
              ks: Sequence[int] = PAPER_KS,
              seed: int = 0) -> Dict:
    """Evaluate every fixture in ``data_dir/index.json``.

    Args:
        gmae: A GMAE ``MaskedAutoencoder`` (eval mode, CPU or GPU); it
            renders with its head's own camera, backend and background.
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
    index = read_index(data_dir)
    size = gmae.backbone.img_size
    scene = gmae.head.scene(size, size)
    os.makedirs(osp.join(out_dir, 'vis'), exist_ok=True)
    fg_methods = ['gmae_layers', 'center_prior'
                  ] + (['mae_recon_2means'] if mae is not None else [])
    edge_methods = ['gmae_layers', 'gmae_recon_sobel', 'image_sobel'
                    ] + (['mae_recon_sobel'] if mae is not None else [])
    fg_scores = {m: [] for m in fg_methods}
    strengths = {m: [] for m in edge_methods}
    gts, per_image = [], []
    for item in index:
        photo, inst = load_fixture(data_dir, item['name'], size)
        fg_gt, edge_gt = inst > 0, id_boundaries(inst)
        rec = _reconstruct(gmae, photo, mask_ratio, seed)
        img = rec['image'][0].permute(1, 2, 0).cpu().numpy()
        g = rec['gaussians']
        recon_np = rec['recon'][0].permute(1, 2, 0).cpu().numpy()
        ids2 = visible_layer_map(g, scene, fg_layers, tau)[0]
        fg = {
            'gmae_layers':
            pick_figure([(ids2 == l).cpu().numpy() for l in range(fg_layers)]),
            'center_prior':
            center_prior(size, size)
        }
        edges = {
            'gmae_layers':
            layer_edges(g, scene, layer_counts, tau)[0].cpu().numpy(),
            'gmae_recon_sobel':
            sobel_edges(recon_np),
            'image_sobel':
            sobel_edges(img)
        }
        if mae is not None:
            mae_rec = _reconstruct(mae, photo, mask_ratio, seed)['recon']
            mae_np = mae_rec[0].permute(1, 2, 0).cpu().numpy()
            fg['mae_recon_2means'] = pick_figure(two_means(mae_np))
            edges['mae_recon_sobel'] = sobel_edges(mae_np)
        scores = {m: iou(fg[m], fg_gt) for m in fg_methods}
        for m in fg_methods:
            fg_scores[m].append(scores[m])
        for m in edge_methods:
            strengths[m].append(edges[m])
        gts.append(edge_gt)
        per_image.append(dict(name=item['name'], fg_iou=scores))
        fig = layering_figure(
            img, recon_np,
            {k: v[0]
             for k, v in first_k(g, scene, ks).items()},
            [x[0] for x in depth_layers(g, scene, 8)], edges['gmae_layers'],
            fg_gt, fg['gmae_layers'])
        write_figure_atomic(
            fig, osp.join(out_dir, 'vis', f"{item['name']}.png"), dpi=90)
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
    write_json_atomic(summary, osp.join(out_dir, 'zero_shot.json'))
    return summary
