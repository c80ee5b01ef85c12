"""Figure-ground IoU and BSDS-style boundary precision / recall.

Boundary matching follows the BSDS protocol's thresholds (99), thinning and
tolerance (``0.0075 x`` image diagonal), but matches pixels by distance
transform instead of BSDS's one-to-one bipartite assignment: a predicted
edge pixel is correct if a ground-truth boundary pixel lies within the
tolerance, and vice versa for recall. This is slightly more lenient than
``correspondPixels`` when several predicted pixels crowd one true pixel.
"""
from typing import Dict, List, Sequence

import numpy as np
from scipy import ndimage
from skimage.morphology import thin

MAX_DIST = 0.0075  # x image diagonal (BSDS default)


def iou(pred: np.ndarray, gt: np.ndarray) -> float:
    """Intersection over union of two boolean masks (1.0 if both empty)."""
    pred, gt = pred.astype(bool), gt.astype(bool)
    union = (pred | gt).sum()
    return float((pred & gt).sum() / union) if union else 1.0


def id_boundaries(ids: np.ndarray) -> np.ndarray:
    """1-px boundaries of a label map: pixels whose right or lower
    neighbour has another label. [H, W] int -> [H, W] bool"""
    b = np.zeros(ids.shape, bool)
    b[:, :-1] |= ids[:, :-1] != ids[:, 1:]
    b[:-1] |= ids[:-1] != ids[1:]
    return b


def match_counts(edges: np.ndarray, gt: np.ndarray,
                 max_dist: float) -> np.ndarray:
    """[matched predicted, predicted, matched true, true] pixel counts."""
    if gt.any():
        near_gt = ndimage.distance_transform_edt(~gt) <= max_dist
    else:
        near_gt = np.zeros_like(gt)
    if edges.any():
        near_pred = ndimage.distance_transform_edt(~edges) <= max_dist
    else:
        near_pred = np.zeros_like(edges)
    return np.array([(edges & near_gt).sum(),
                     edges.sum(), (gt & near_pred).sum(),
                     gt.sum()],
                    dtype=np.float64)


def _f(counts: np.ndarray) -> float:
    p = counts[0] / counts[1] if counts[1] else 0.0
    r = counts[2] / counts[3] if counts[3] else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def boundary_eval(strengths: Sequence[np.ndarray],
                  gts: Sequence[np.ndarray],
                  nthresh: int = 99,
                  max_dist: float = MAX_DIST) -> Dict[str, object]:
    """ODS, OIS and AP of soft edge maps against boolean boundary maps.

    Args:
        strengths: Edge strength per image, values in [0, 1]. [H, W] each
        gts: True boundaries per image. [H, W] bool each
        max_dist: Match tolerance as a fraction of the image diagonal.
    Returns:
        dict with ODS, OIS, AP (all in [0, 1]) and the dataset-level
        precision / recall curve over the thresholds.
    """
    thresholds = np.linspace(1.0 / (nthresh + 1), 1 - 1.0 / (nthresh + 1),
                             nthresh)
    per_image = []  # [images, thresholds, 4]
    for s, gt in zip(strengths, gts):
        tol = max_dist * np.hypot(*gt.shape)
        rows = []
        for t in thresholds:
            e = s >= t
            rows.append(match_counts(thin(e) if e.any() else e, gt, tol))
        per_image.append(np.stack(rows))
    per_image = np.stack(per_image)
    total = per_image.sum(0)  # [thresholds, 4]
    ods = max(_f(c) for c in total)
    best = [img[int(np.argmax([_f(c) for c in img]))] for img in per_image]
    ois = _f(np.sum(best, axis=0))
    prec = np.where(total[:, 1] > 0, total[:, 0] / np.maximum(total[:, 1], 1),
                    1.0)
    rec = total[:, 2] / np.maximum(total[:, 3], 1)
    return dict(
        ODS=float(ods),
        OIS=float(ois),
        AP=float(average_precision(prec, rec)),
        precision=prec.tolist(),
        recall=rec.tolist(),
        thresholds=thresholds.tolist())


def average_precision(precision: np.ndarray, recall: np.ndarray) -> float:
    """Area under the precision-recall curve, precision made monotone
    (each recall takes the best precision at that recall or higher)."""
    order = np.argsort(recall)
    r = np.concatenate([[0.0], recall[order], [recall.max()]])
    p = np.concatenate([[precision[order][0]], precision[order], [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    return float(np.sum((r[1:] - r[:-1]) * p[1:]))


def mean(values: List[float]) -> float:
    return float(np.mean(values)) if values else float('nan')
