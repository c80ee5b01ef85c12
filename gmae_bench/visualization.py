"""Pictures: reconstruction grids (and Gaussian statistics for GMAE), the
zero-shot layering figure. Functions return matplotlib figures; callers
write them with ``engine.atomic_io.write_figure_atomic`` (this module sits
below the engine and writes nothing)."""
from typing import Dict

import numpy as np
import torch


def pyplot():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def to_hwc(img: torch.Tensor) -> np.ndarray:
    """[3, H, W] in [0, 1] -> [H, W, 3] float numpy."""
    return img.detach().float().clamp(0, 1).permute(1, 2, 0).cpu().numpy()


def reconstruction_grid(rec: Dict):
    """One row per image: input | masked | reconstruction | pasted, and for
    GMAE the Gaussian centres (size ~ on-screen std, colour = depth) plus a
    size-vs-depth histogram of all Gaussians in the batch.

    Args:
        rec: Output of ``MaskedAutoencoder.reconstruct``.

    Returns:
        The matplotlib figure.
    """
    plt = pyplot()
    cols = ['image', 'masked', 'recon', 'pasted']
    titles = ['input', 'masked', 'reconstruction', 'visible + predicted']
    screen = rec.get('screen')
    n = rec['image'].shape[0]
    ncols = len(cols) + (1 if screen is not None else 0)
    extra = 1 if screen is not None else 0
    fig, axes = plt.subplots(
        n + extra,
        ncols,
        squeeze=False,
        figsize=(2.2 * ncols, 2.2 * (n + extra)))
    for i in range(n):
        for j, key in enumerate(cols):
            axes[i, j].imshow(to_hwc(rec[key][i]))
            if i == 0:
                axes[i, j].set_title(titles[j], fontsize=8)
        if screen is not None:
            ax = axes[i, len(cols)]
            ax.imshow(to_hwc(rec['recon'][i]), alpha=0.35)
            uv = screen['means2d'][i].cpu().numpy()
            ax.scatter(
                uv[:, 0] - 0.5,
                uv[:, 1] - 0.5,
                s=4 * screen['sigma'][i].cpu().numpy(),
                c=screen['depth'][i].cpu().numpy(),
                cmap='viridis',
                linewidths=0)
            ax.set_xlim(-0.5, rec['image'].shape[-1] - 0.5)
            ax.set_ylim(rec['image'].shape[-2] - 0.5, -0.5)
            if i == 0:
                ax.set_title('centres (colour = depth)', fontsize=8)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    if screen is not None:
        for ax in axes[n]:
            ax.axis('off')
        ax = fig.add_subplot(n + extra, 1, n + extra)
        ax.hist2d(
            screen['depth'].flatten().cpu().numpy(),
            screen['sigma'].flatten().cpu().numpy(),
            bins=30,
            cmap='magma')
        ax.set_xlabel('view depth z')
        ax.set_ylabel('on-screen std (px)')
        ax.set_title('Gaussian size vs depth (whole batch)', fontsize=8)
    fig.tight_layout()
    return fig


def layering_figure(image: np.ndarray, recon: np.ndarray,
                    first_k: Dict[int, torch.Tensor], layers: list,
                    edges: np.ndarray, fg_gt: np.ndarray,
                    fg_pred: np.ndarray):
    """GMAE's zero-shot readouts for one photo.

    Row 1: input, full render, layer edges, human figure mask, predicted
    figure. Row 2: renders of the K nearest Gaussians. Row 3: the depth
    layers, each rendered alone, nearest first.
    """
    plt = pyplot()
    ncols = max(5, len(first_k), len(layers))
    fig, axes = plt.subplots(
        3, ncols, squeeze=False, figsize=(1.8 * ncols, 1.9 * 3))
    row1 = [(image, 'input'), (recon, 'GMAE render'), (edges, 'layer edges'),
            (fg_gt, 'human figure'), (fg_pred, 'GMAE figure')]
    for ax, (im, title) in zip(axes[0], row1):
        ax.imshow(im, cmap='gray' if im.ndim == 2 else None, vmin=0, vmax=1)
        ax.set_title(title, fontsize=7)
    for ax, (k, im) in zip(axes[1], sorted(first_k.items())):
        ax.imshow(to_hwc(im))
        ax.set_title(f'nearest {k}', fontsize=7)
    for i, (ax, im) in enumerate(zip(axes[2], layers)):
        ax.imshow(to_hwc(im))
        ax.set_title(f'layer {i + 1}/{len(layers)}', fontsize=7)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
        if not ax.images:
            ax.axis('off')
    fig.tight_layout()
    return fig
