"""Zero-shot readouts of a study encoder on Fashion-MNIST test items
(figure-ground and edges against the items' silhouettes) and what GMAE's
depth order holds."""
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from torch import Tensor, nn

from ...zero_shot import (boundary_eval, depth_order, iou, layer_edges,
                         visible_layer_map)
from ...zero_shot.baselines import (center_prior, pick_figure, sobel_edges,
                                   two_means)

# BSDS matches boundaries within 0.0075 x the image diagonal (4.3 px at
# 481 x 321); at 28 px that is 0.3 px, so only exact pixels would count and
# the side of a step that a 1-px boundary is drawn on would decide the
# score. One pixel of tolerance: 1 / (28 * sqrt(2)).
EDGE_TOLERANCE = 1 / (28 * 2**0.5)


def _hwc(x: Tensor) -> np.ndarray:
    return x.permute(1, 2, 0).cpu().numpy()


@torch.no_grad()
def zero_shot(model: Optional[nn.Module],
              pixels: Tensor,
              fg_gt: np.ndarray,
              edge_gt: np.ndarray,
              layer_counts: Sequence[int] = (4, 8, 16, 32),
              tau: float = 0.05,
              batch_size: int = 250) -> Dict[str, float]:
    """Figure-ground IoU and edge ODS / OIS / AP, all patches visible.

    GMAE: the figure is the depth group (of 2) touching the border least,
    edges are the layer-map jumps (the zero-shot suite's readouts). MAE:
    2-means of its reconstruction and Sobel of it. ``model=None``: the
    model-free references (centre prior, 2-means and Sobel of the image
    itself; on Fashion-MNIST these nearly are the ground truth, which is
    taken from the image).
    """
    H, W = pixels.shape[-2:]
    fg_pred, strengths = [], []
    for i in range(0, len(pixels), batch_size):
        x = pixels[i:i + batch_size]
        if model is None:
            for img in x:
                im = _hwc(img)
                fg_pred.append(
                    dict(
                        center_prior=center_prior(H, W),
                        image_2means=pick_figure(two_means(im))))
                strengths.append(dict(image_sobel=sobel_edges(im)))
            continue
        device = next(model.parameters()).device
        rec = model.reconstruct(model.pixels_to_inputs(x.to(device)), 0.0)
        recon = rec['recon']
        if model.is_gaussian:
            g = rec['gaussians']
            scene = model.head.scene(H, W)
            ids = visible_layer_map(g, scene, 2, tau).cpu().numpy()
            edges = layer_edges(g, scene, layer_counts, tau).cpu().numpy()
        for j in range(len(x)):
            im = _hwc(recon[j])
            fg = dict(recon_2means=pick_figure(two_means(im)))
            st = dict(recon_sobel=sobel_edges(im))
            if model.is_gaussian:
                fg['layers'] = pick_figure([ids[j] == 0, ids[j] == 1])
                st['layers'] = edges[j]
            fg_pred.append(fg)
            strengths.append(st)
    out = {}
    for m in fg_pred[0]:
        out[f'fg_iou/{m}'] = 100 * float(
            np.mean([iou(p[m], t) for p, t in zip(fg_pred, fg_gt)]))
    for m in strengths[0]:
        scores = boundary_eval([s[m] for s in strengths],
                               list(edge_gt),
                               max_dist=EDGE_TOLERANCE)
        for k in ('ODS', 'OIS', 'AP'):
            out[f'edges_{k}/{m}'] = 100 * scores[k]
    return out


@torch.no_grad()
def depth_statistics(model: nn.Module,
                     pixels: Tensor,
                     fg_gt: np.ndarray,
                     tau: float = 0.05,
                     batch_size: int = 250) -> Dict[str, float]:
    """What GMAE's depth order holds, all patches visible: the mean grey
    level and opacity of the nearest and the farthest eighth of the
    Gaussians, the share of pixels the near one of two depth groups
    draws, each group's IoU with the figure, and the IoU of the rendered
    coverage (opacity above 0.5) with the figure. Diagnoses why the
    depth-layer figure does or does not find the item."""
    if not model.is_gaussian:
        raise ValueError('depth_statistics needs a GMAE (a model with '
                         'Gaussians); got a model without them')
    sums: Dict[str, List[float]] = {}

    def add(key, values):
        sums.setdefault(key, []).extend(np.atleast_1d(values).tolist())

    H, W = pixels.shape[-2:]
    device = next(model.parameters()).device
    for i in range(0, len(pixels), batch_size):
        x = pixels[i:i + batch_size].to(device)
        g = model.reconstruct(model.pixels_to_inputs(x), 0.0)['gaussians']
        scene = model.head.scene(H, W)
        order = depth_order(g, scene)  # nearest first
        grey = g.colors.mean(-1).gather(1, order).cpu().numpy()
        opacity = g.opacities.reshape(order.shape).gather(1,
                                                          order).cpu().numpy()
        e = max(1, order.shape[1] // 8)
        add('near_grey', grey[:, :e].mean(1))
        add('far_grey', grey[:, -e:].mean(1))
        add('near_opacity', opacity[:, :e].mean(1))
        add('far_opacity', opacity[:, -e:].mean(1))
        ids = visible_layer_map(g, scene, 2, tau).cpu().numpy()
        alpha = scene.render(g).alpha[:, 0].cpu().numpy()
        fg = fg_gt[i:i + batch_size]
        add('near_share', (ids == 0).mean((1, 2)))
        add('near_iou', [iou(a == 0, t) for a, t in zip(ids, fg)])
        add('far_iou', [iou(a == 1, t) for a, t in zip(ids, fg)])
        add('coverage_iou', [iou(a > 0.5, t) for a, t in zip(alpha, fg)])
    return {k: float(np.mean(v)) for k, v in sums.items()}
