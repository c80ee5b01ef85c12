"""Scores of a predicted segmentation against true instances and their
depth order (the scenes study's zero-shot rows).

* ``fg_ari``: the adjusted Rand index between predicted segment ids and the
  true instance ids over the true foreground pixels, as the object-centric
  literature scores object discovery (the background is left out, so a
  method is not rewarded for finding it).
* ``occlusion_accuracy``: for each pair of items where the front one hides
  part of the back one, whether a per-pixel depth readout puts the front
  item nearer (ties count one half).
* ``connected_components``: a model-free segmentation, the 8-connected
  components of the non-background pixels.
"""
from typing import List, Sequence, Tuple

import numpy as np
from scipy import ndimage


def adjusted_rand_index(true: np.ndarray, pred: np.ndarray) -> float:
    """ARI of two labelings of the same points (Hubert & Arabie 1985).
    Returns 1.0 when both put every point in one cluster (a single
    instance is trivially found)."""
    true, pred = np.asarray(true).ravel(), np.asarray(pred).ravel()
    if true.shape != pred.shape:
        raise ValueError(f'labelings differ in size: {true.shape} vs '
                         f'{pred.shape}')
    n = true.size
    if n < 2:
        return 1.0
    _, t = np.unique(true, return_inverse=True)
    _, p = np.unique(pred, return_inverse=True)
    table = np.zeros((t.max() + 1, p.max() + 1), np.int64)
    np.add.at(table, (t, p), 1)

    def pairs(x):
        x = np.asarray(x, np.float64)
        return float((x * (x - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(1)), pairs(table.sum(0))
    total = n * (n - 1) / 2
    expected = rows * cols / total
    maximum = (rows + cols) / 2
    if maximum == expected:  # both labelings are a single cluster (or n)
        return 1.0
    return (index - expected) / (maximum - expected)


def fg_ari(pred: np.ndarray, instances: np.ndarray) -> float:
    """ARI over the true foreground pixels (``instances > 0``). [H, W]"""
    fg = instances > 0
    if fg.sum() < 2:
        return float('nan')
    return adjusted_rand_index(instances[fg], pred[fg])


def occlusion_accuracy(depth: np.ndarray, instances: np.ndarray,
                       pairs: Sequence[Tuple[int, int]],
                       skip_nan: bool = False) -> List[float]:
    """Per pair (front id, back id in ``instances``): 1 if the mean
    predicted depth over the front item's visible pixels is smaller
    (nearer) than over the back item's, 0.5 on a tie, else 0. [H, W]
    ``skip_nan``: pixels with a NaN depth have none (a pair is scored only
    when both items keep some)."""
    out = []
    for front, back in pairs:
        f, b = depth[instances == front], depth[instances == back]
        if skip_nan:
            f, b = f[~np.isnan(f)], b[~np.isnan(b)]
        if f.size == 0 or b.size == 0:
            continue
        df, db = float(f.mean()), float(b.mean())
        out.append(1.0 if df < db else 0.5 if df == db else 0.0)
    return out


def connected_components(image: np.ndarray, threshold: float) -> np.ndarray:
    """Ids of the 8-connected components of ``image > threshold`` (0 =
    the rest). [H, W] grey -> [H, W] int"""
    lab, _ = ndimage.label(image > threshold, structure=np.ones((3, 3)))
    return lab
