import numpy as np
import pytest
import torch

from gmae_bench.models.pos_embed import resize_pos_embed, sincos_2d


def fb_reference(embed_dim, grid_size, cls_token=False):
    """facebookresearch/mae util/pos_embed.py, re-typed in numpy."""

    def one_d(dim, pos):
        omega = np.arange(dim // 2, dtype=np.float64) / (dim / 2.)
        omega = 1. / 10000**omega
        out = np.einsum('m,d->md', pos.reshape(-1), omega)
        return np.concatenate([np.sin(out), np.cos(out)], axis=1)

    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.stack(np.meshgrid(grid_w, grid_h), axis=0)  # w goes first
    grid = grid.reshape([2, 1, grid_size, grid_size])
    emb = np.concatenate(
        [one_d(embed_dim // 2, grid[0]),
         one_d(embed_dim // 2, grid[1])],
        axis=1)
    if cls_token:
        emb = np.concatenate([np.zeros([1, embed_dim]), emb], axis=0)
    return emb


@pytest.mark.parametrize('dim,grid', [(32, 4), (64, 7), (768, 14)])
def test_matches_facebookresearch_mae(dim, grid):
    ours = sincos_2d(dim, grid, cls_token=True).numpy()
    np.testing.assert_allclose(ours, fb_reference(dim, grid, True), atol=1e-6)


def test_first_half_encodes_columns():
    emb = sincos_2d(16, (3, 5))
    # tokens in one row share the row half, differ in the column half
    row0 = emb[:5]
    assert torch.allclose(row0[:, 8:], row0[:1, 8:].expand(5, -1))
    assert not torch.allclose(row0[:, :8], row0[:1, :8].expand(5, -1))


def test_resize_keeps_cls_and_same_grid_is_identity():
    pos = sincos_2d(32, 4, cls_token=True)[None]
    assert resize_pos_embed(pos, (4, 4), (4, 4)) is pos
    big = resize_pos_embed(pos, (4, 4), (6, 8))
    assert big.shape == (1, 1 + 48, 32)
    assert torch.equal(big[:, :1], pos[:, :1])


def test_odd_dims_rejected():
    with pytest.raises(ValueError, match='divisible by 4'):
        sincos_2d(30, 4)
