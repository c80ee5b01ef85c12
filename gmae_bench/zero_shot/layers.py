"""Depth layering of predicted Gaussians (GMAE's zero-shot readouts).

* ``first_k``: render only the K Gaussians nearest to the camera (the paper's
  K = 32, 64, ..., full).
* ``depth_layers``: split the depth-sorted Gaussians into equal groups and
  render each group alone.
* ``visible_layer_map``: composite the groups back to front, one at a time,
  and give each pixel the id of the last (i.e. nearest) group whose addition
  changed it by more than ``tau``; edges are where this id jumps (the
  paper's "update the pixel if adding that layer makes significant change").
"""
from typing import Dict, List, Sequence

import torch
from torch import Tensor

from ..render import Gaussians, Scene

PAPER_KS = (32, 64, 128, 256, 512, 1024)


def depth_order(g: Gaussians, scene: Scene) -> Tensor:
    """Indices of each image's Gaussians, nearest first. [B, N]"""
    return torch.argsort(scene.depths(g), dim=1, stable=True)


def layer_groups(order: Tensor, num_layers: int) -> List[Tensor]:
    """Split depth-sorted indices [B, N] into ``num_layers`` equal groups
    (sizes differ by at most one), nearest group first."""
    if not 1 <= num_layers <= order.shape[1]:
        raise ValueError(f'num_layers must be in [1, {order.shape[1]}], '
                         f'got {num_layers}')
    return list(torch.tensor_split(order, num_layers, dim=1))


def first_k(g: Gaussians,
            scene: Scene,
            ks: Sequence[int] = PAPER_KS) -> Dict[int, Tensor]:
    """Renders of the K nearest Gaussians, K in ``ks`` (capped at N) plus
    N itself. Returns {K: image [B, 3, H, W]}."""
    order = depth_order(g, scene)
    N = g.num_gaussians
    out = {}
    for k in sorted({min(k, N) for k in ks} | {N}):
        out[k] = scene.render(g.take(order[:, :k])).image
    return out


def depth_layers(g: Gaussians, scene: Scene, num_layers: int) -> List[Tensor]:
    """Each depth group rendered alone, nearest first. List of [B, 3, H, W]."""
    groups = layer_groups(depth_order(g, scene), num_layers)
    return [scene.render(g.take(idx)).image for idx in groups]


def visible_layer_map(g: Gaussians,
                      scene: Scene,
                      num_layers: int,
                      tau: float = 0.05) -> Tensor:
    """Per pixel, the nearest depth group that visibly changes it.

    Groups are added back to front (farthest first); after adding group l
    the pixels whose colour moved by more than ``tau`` (max over channels,
    colours in [0, 1]) take id l. Pixels no group changes get ``num_layers``
    (background).

    Returns:
        Long tensor [B, H, W] with ids in [0, num_layers].
    """
    groups = layer_groups(depth_order(g, scene), num_layers)
    B, H, W = g.batch_size, scene.height, scene.width
    ids = torch.full((B, H, W),
                     num_layers,
                     dtype=torch.long,
                     device=g.means.device)
    prev = None
    for l in reversed(range(num_layers)):
        sel = torch.cat(groups[l:], dim=1)  # groups l .. far end
        img = scene.render(g.take(sel)).image
        if prev is None:  # background only
            prev = scene.render(g.take(sel[:, :0])).image
        changed = (img - prev).abs().amax(dim=1) > tau  # [B, H, W]
        ids[changed] = l
        prev = img
    return ids


def id_edges(ids: Tensor, num_layers: int) -> Tensor:
    """Edge strength of a layer-id map: the largest id jump to a 4-neighbour,
    divided by ``num_layers``. [B, H, W] -> [B, H, W] in [0, 1]."""
    ids = ids.float()
    jump = torch.zeros_like(ids)
    dx = (ids[:, :, 1:] - ids[:, :, :-1]).abs()
    dy = (ids[:, 1:] - ids[:, :-1]).abs()
    jump[:, :, :-1] = torch.maximum(jump[:, :, :-1], dx)
    jump[:, :, 1:] = torch.maximum(jump[:, :, 1:], dx)
    jump[:, :-1] = torch.maximum(jump[:, :-1], dy)
    jump[:, 1:] = torch.maximum(jump[:, 1:], dy)
    return (jump / num_layers).clamp(0, 1)


def layer_edges(g: Gaussians,
                scene: Scene,
                layer_counts: Sequence[int] = (4, 8, 16, 32),
                tau: float = 0.05) -> Tensor:
    """Edge strength averaged over several layerings (``l@N`` for N in
    ``layer_counts``, capped at the number of Gaussians). [B, H, W]"""
    counts = sorted({min(n, g.num_gaussians) for n in layer_counts})
    maps = [id_edges(visible_layer_map(g, scene, n, tau), n) for n in counts]
    return torch.stack(maps).mean(0)
