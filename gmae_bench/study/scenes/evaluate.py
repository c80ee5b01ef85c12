"""Zero-shot scores of a pretrained encoder on the test scenes, against the
true instances, figure and occlusion order.

Readouts (all patches visible, as the Fashion-MNIST study's zero-shot rows):

* ``layers``: GMAE's depth layers, the nearest of ``LAYERS`` depth groups
  of Gaussians that visibly changes a pixel (:func:`visible_layer_map`);
  segments for FG-ARI, group index as depth for the occlusion order.
  ``order/layers`` counts pixels no group changes as farthest, which mixes
  coverage into the order; ``order/layers_changed`` orders by the changed
  pixels only (a pair is scored when both items have some), and
  ``coverage/layers_changed`` is the share of item pixels some group
  changes (%), the part the first one mixed in.
* ``coverage``: GMAE's rendered opacity above 0.5 as the figure.
* ``recon``: the reconstruction's non-black pixels (grey > 0.1) as the
  figure, and their connected components as segments (the same readout
  for MAE, MAE-pixel and GMAE).
* model-free references (``model=None``): the same readout on the image
  itself (nearly the ground truth for the figure: the background is
  exactly black), and for the occlusion order "the item with
  the larger visible area is in front" beside chance (50 %).
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from torch import nn

from ...zero_shot import (boundary_eval, id_boundaries, iou, layer_edges,
                          visible_layer_map)
from ...zero_shot.baselines import sobel_edges
from ...zero_shot.instances import (connected_components, fg_ari,
                                   occlusion_accuracy)
from ..core.measure import to_pixels

SEGMENT_LAYERS = 8  # >= the most items in a scene (6) plus background
ORDER_LAYERS = 16  # finer groups: fewer ties between two items
TAU = 0.05
FIGURE_THRESHOLD = 0.1  # grey level in [0, 1]: "not black"
EDGE_LAYERS = (4, 8, 16, 32)  # layerings averaged, as the item study
# one pixel of tolerance at 64 px (the Fashion-MNIST study's rule)
EDGE_TOLERANCE = 1 / (64 * 2**0.5)


def true_edges(instances: np.ndarray) -> np.ndarray:
    """The scenes' true boundaries: every place the instance map changes,
    occlusion boundaries between items and item / background boundaries.
    [N, S, S] -> bool"""
    return np.stack([id_boundaries(ids.astype(np.int64)) for ids in instances])


def occlusion_pairs(coco: dict) -> List[List[Tuple[int, int]]]:
    """Per image, its (front, back) pairs as instance-map values (depth +
    1), from the annotation ids the scenes' COCO file lists."""
    value = {a['id']: a['depth'] + 1 for a in coco['annotations']}
    return [[(value[f], value[b]) for f, b in im['occlusions']]
            for im in coco['images']]


def _figure_and_segments(image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The non-black pixels of an [H, W, 3] image in [0, 1] as the figure,
    and their connected components as segments. (2-means, the Fashion-MNIST
    study's readout, puts dark clothes into the background cluster; the
    scenes' background is exactly black.)"""
    fg = image.mean(-1) > FIGURE_THRESHOLD
    return fg, connected_components(fg.astype(np.float32), 0.5)


@torch.no_grad()
def zero_shot_scenes(model: Optional[nn.Module],
                     images: np.ndarray,
                     instances: np.ndarray,
                     pairs: Sequence[Sequence[Tuple[int, int]]],
                     batch_size: int = 100) -> Dict[str, float]:
    """FG-ARI (%), figure-ground IoU (%) and occlusion-order accuracy (%)
    of every readout the model has (``model=None``: the references).
    ``images`` [N, S, S] uint8, ``instances`` [N, S, S] (0 background,
    depth + 1), ``pairs`` per image."""
    scores: Dict[str, List[float]] = {}
    strengths: Dict[str, List[np.ndarray]] = {}

    def add(key, values):
        scores.setdefault(key, []).extend(
            v for v in np.atleast_1d(values) if np.isfinite(v))

    for i in range(0, len(images), batch_size):
        x = to_pixels(images[i:i + batch_size])
        inst = instances[i:i + batch_size]
        prs = pairs[i:i + batch_size]
        if model is None:
            for j in range(len(x)):
                fg, seg = _figure_and_segments(
                    x[j].permute(1, 2, 0).numpy())
                add('fg_ari/image_components', fg_ari(seg, inst[j]))
                add('fg_iou/image_threshold', 100 * iou(fg, inst[j] > 0))
                areas = np.bincount(inst[j].ravel(), minlength=8)
                # larger visible area = nearer: depth = -area
                depth = -areas[inst[j]].astype(np.float64)
                add('order/larger_area_front',
                    occlusion_accuracy(depth, inst[j], prs[j]))
                add('order/chance', [0.5] * len(prs[j]))
                strengths.setdefault('image_sobel', []).append(
                    sobel_edges(x[j].permute(1, 2, 0).numpy()))
            continue
        device = next(model.parameters()).device
        rec = model.reconstruct(model.pixels_to_inputs(x.to(device)), 0.0)
        recon = rec['recon'].permute(0, 2, 3, 1).cpu().numpy()
        if model.is_gaussian:
            g = rec['gaussians']
            scene = model.head.scene(*x.shape[-2:])
            seg_ids = visible_layer_map(g, scene, SEGMENT_LAYERS,
                                        TAU).cpu().numpy()
            depth_ids = visible_layer_map(g, scene, ORDER_LAYERS,
                                          TAU).cpu().numpy()
            alpha = scene.render(g).alpha[:, 0].cpu().numpy()
            edges = layer_edges(g, scene, EDGE_LAYERS, TAU).cpu().numpy()
        for j in range(len(x)):
            strengths.setdefault('recon_sobel', []).append(
                sobel_edges(recon[j]))
            if model.is_gaussian:
                strengths.setdefault('layers', []).append(edges[j])
            fg, seg = _figure_and_segments(recon[j])
            add('fg_ari/recon_components', fg_ari(seg, inst[j]))
            add('fg_iou/recon_threshold', 100 * iou(fg, inst[j] > 0))
            if model.is_gaussian:
                add('fg_ari/layers', fg_ari(seg_ids[j], inst[j]))
                add('fg_iou/coverage', 100 * iou(alpha[j] > 0.5, inst[j] > 0))
                depth = depth_ids[j].astype(np.float64)
                add('order/layers', occlusion_accuracy(depth, inst[j],
                                                       prs[j]))
                changed = depth_ids[j] < ORDER_LAYERS
                add('order/layers_changed',
                    occlusion_accuracy(np.where(changed, depth, np.nan),
                                       inst[j], prs[j], skip_nan=True))
                items = inst[j] > 0
                add('coverage/layers_changed',
                    100.0 * (changed & items).sum() / max(items.sum(), 1))
    out = {}
    gt = list(true_edges(instances)) if strengths else []
    for readout, maps in strengths.items():
        res = boundary_eval(maps, gt, max_dist=EDGE_TOLERANCE)
        for k in ('ODS', 'OIS', 'AP'):
            out[f'edges_{k}/{readout}'] = 100 * res[k]
    for key, values in scores.items():
        scale = 100.0 if key.startswith(('order/', 'fg_ari/')) else 1.0
        out[key] = scale * float(np.mean(values)) if values else float('nan')
        out[f'count/{key}'] = len(values)
    return out
