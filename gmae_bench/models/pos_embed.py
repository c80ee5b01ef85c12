"""Fixed 2D sin-cos position embeddings, in facebookresearch/mae's layout.

FB-MAE (``util/pos_embed.py``) puts the *column* (w) coordinate in the first
half of the channels and the row (h) in the second; mmpretrain's version is
transposed. A test pins this layout against a numpy copy of the FB formula.
"""
from typing import Tuple, Union

import torch
from torch import Tensor


def sincos_1d(embed_dim: int, pos: Tensor) -> Tensor:
    """[M] positions -> [M, embed_dim] as (sin | cos) of pos * omega."""
    if embed_dim % 2:
        raise ValueError(f'embed_dim must be even, got {embed_dim}')
    omega = torch.arange(embed_dim // 2, dtype=torch.float64)
    omega = 1.0 / 10000**(omega / (embed_dim / 2.0))  # [D/2]
    out = pos.reshape(-1).double()[:, None] * omega[None]  # [M, D/2]
    return torch.cat([torch.sin(out), torch.cos(out)], dim=1)


def sincos_2d(embed_dim: int,
              grid_size: Union[int, Tuple[int, int]],
              cls_token: bool = False) -> Tensor:
    """2D sin-cos table for an (h, w) patch grid, row-major tokens.

    Args:
        embed_dim: Channels, divisible by 4.
        grid_size: ``h`` (square) or ``(h, w)``.
        cls_token: Prepend an all-zero row for the cls token.
    Returns:
        [(1 +) h*w, embed_dim] float32.
    """
    if embed_dim % 4:
        raise ValueError(f'embed_dim must be divisible by 4, got {embed_dim}')
    h, w = (grid_size, grid_size) if isinstance(grid_size, int) else grid_size
    rows, cols = torch.meshgrid(
        torch.arange(h, dtype=torch.float64),
        torch.arange(w, dtype=torch.float64),
        indexing='ij')
    emb = torch.cat(
        [sincos_1d(embed_dim // 2, cols),
         sincos_1d(embed_dim // 2, rows)],
        dim=1)  # [h*w, D]
    if cls_token:
        emb = torch.cat([torch.zeros(1, embed_dim, dtype=emb.dtype), emb])
    return emb.float()


def resize_pos_embed(pos_embed: Tensor,
                     old_grid: Tuple[int, int],
                     new_grid: Tuple[int, int],
                     num_extra_tokens: int = 1) -> Tensor:
    """Bicubic resize of a [1, extra + h*w, D] table to a new grid."""
    if tuple(old_grid) == tuple(new_grid):
        return pos_embed
    extra, grid = (pos_embed[:, :num_extra_tokens],
                   pos_embed[:, num_extra_tokens:])
    D = grid.shape[-1]
    grid = grid.reshape(1, *old_grid, D).permute(0, 3, 1, 2)
    grid = torch.nn.functional.interpolate(
        grid.float(),
        size=tuple(new_grid),
        mode='bicubic',
        align_corners=False).to(pos_embed.dtype)
    grid = grid.permute(0, 2, 3, 1).reshape(1, -1, D)
    return torch.cat([extra, grid], dim=1)
