"""Fashion-MNIST for the study's evaluations: the IDX files the training
configs read, as arrays, and ground truth taken from each image itself.

Fashion-MNIST items lie on a black background, so figure-ground and edge
ground truth need no annotator: the figure is the item's silhouette (its
non-zero pixels, holes filled) and the true edges are the silhouette's
boundary. :func:`background_stats` measures how often that assumption is
bent (non-zero specks away from the item) and :func:`silhouette` says how
they are handled.
"""
from typing import Dict, Tuple

import numpy as np
from scipy import ndimage

from ...datasets.idx import IdxError, load_fashion_mnist
from ...zero_shot import id_boundaries

def load_split(data_root: str, split: str) -> Tuple[np.ndarray, np.ndarray]:
    """Images [N, 28, 28] uint8 and labels [N] int64 of one split (the
    files mmpretrain's FashionMNIST reads, through the project's checked
    IDX reader)."""
    try:
        return load_fashion_mnist(data_root, split)
    except IdxError as e:
        raise FileNotFoundError(str(e)) from e


def _largest_component(mask: np.ndarray) -> np.ndarray:
    lab, n = ndimage.label(mask, structure=np.ones((3, 3)))
    if n <= 1:
        return mask
    sizes = ndimage.sum(mask, lab, index=np.arange(1, n + 1))
    return lab == (1 + int(np.argmax(sizes)))


def silhouette(image: np.ndarray) -> np.ndarray:
    """The item's mask: the largest 8-connected set of non-zero pixels,
    holes filled. Smaller non-zero specks elsewhere (see
    :func:`background_stats`) count as background. [H, W] -> bool"""
    return ndimage.binary_fill_holes(_largest_component(image > 0))


def ground_truth(images: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Figure masks and their 1-px boundaries. [N, H, W] -> 2 x bool"""
    fg = np.stack([silhouette(im) for im in images])
    edges = np.stack([id_boundaries(m.astype(np.int64)) for m in fg])
    return fg, edges


def background_stats(images: np.ndarray) -> Dict[str, float]:
    """How often the background is not exactly 0.

    Returns the share of images with a non-zero pixel on the 1-px border,
    the share with non-zero pixels outside their largest component, the
    share of all non-zero pixels that lie outside it, and the share of
    silhouette pixels that are 0 (holes filled in)."""
    border = np.concatenate(
        [images[:, 0], images[:, -1], images[:, :, 0], images[:, :, -1]], 1)
    specks, speck_px, nonzero, holes, fg_px = 0, 0, 0, 0, 0
    for im in images:
        nz = im > 0
        main = _largest_component(nz)
        extra = int((nz & ~main).sum())
        specks += extra > 0
        speck_px += extra
        nonzero += int(nz.sum())
        fg = ndimage.binary_fill_holes(main)
        holes += int((fg & ~nz).sum())
        fg_px += int(fg.sum())
    n = len(images)
    return dict(
        images=n,
        border_nonzero=float((border > 0).any(1).mean()),
        images_with_specks=specks / n,
        speck_pixel_share=speck_px / max(nonzero, 1),
        filled_hole_share=holes / max(fg_px, 1),
        figure_share=fg_px / (n * images.shape[1] * images.shape[2]))
