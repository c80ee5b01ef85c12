"""Model-free and MAE baselines for the zero-shot readouts, and the
figure-choice rule shared by all methods."""
from typing import List

import numpy as np
from scipy import ndimage


def border_contact(mask: np.ndarray) -> float:
    """Fraction of the image border covered by ``mask``."""
    border = np.concatenate([mask[0], mask[-1], mask[:, 0], mask[:, -1]])
    return float(border.mean())


def pick_figure(candidates: List[np.ndarray],
                min_area: float = 0.02,
                max_area: float = 0.98) -> np.ndarray:
    """The candidate touching the image border least (ties: the smaller),
    among those covering [min_area, max_area] of the image; no labels are
    used. Falls back to an empty mask if none qualifies."""
    ok = [c for c in candidates if min_area <= c.mean() <= max_area]
    if not ok:
        return np.zeros_like(candidates[0], dtype=bool)
    return min(ok, key=lambda c: (border_contact(c), c.mean()))


def two_means(image: np.ndarray, iters: int = 10) -> List[np.ndarray]:
    """2-means on pixel colours ([H, W, 3] in [0, 1]) -> two masks."""
    x = image.reshape(-1, 3)
    lum = x.mean(1)
    centres = np.stack([x[lum.argmin()], x[lum.argmax()]])
    for _ in range(iters):
        d = ((x[:, None] - centres[None])**2).sum(-1)
        lab = d.argmin(1)
        for k in range(2):
            if (lab == k).any():
                centres[k] = x[lab == k].mean(0)
    lab = lab.reshape(image.shape[:2])
    return [lab == 0, lab == 1]


def center_prior(height: int, width: int) -> np.ndarray:
    """A centred ellipse with radii H/3, W/3 (about 35% of the image)."""
    y, x = np.mgrid[:height, :width]
    cy, cx = (height - 1) / 2, (width - 1) / 2
    return ((y - cy) / (height / 3))**2 + ((x - cx) / (width / 3))**2 <= 1


def sobel_edges(image: np.ndarray) -> np.ndarray:
    """Gradient magnitude of the grey image, scaled to [0, 1]."""
    grey = image.mean(-1)
    mag = np.hypot(ndimage.sobel(grey, 0), ndimage.sobel(grey, 1))
    return mag / mag.max() if mag.max() > 0 else mag
