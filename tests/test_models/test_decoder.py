import torch

from gmae_bench.models.vit import random_masking
from tests.helpers import TINY_DECODER, build

DEC = dict(TINY_DECODER, num_patches=16, in_dims=32)


def _latent(B=2, n=4, D=32, L=16):
    _, _, ids_restore = random_masking(torch.zeros(B, L, D), 1 - n / L)
    return torch.randn(B, 1 + n, D), ids_restore


def test_mae_outputs_one_row_per_patch():
    dec = build(dict(DEC, out_dim=8 * 8 * 3))
    out = dec(*_latent())
    assert out.shape == (2, 16, 192)


def test_gmae_outputs_one_gaussian_per_query():
    dec = build(dict(DEC, out_dim=14, num_queries=10, pred_bias=False))
    out = dec(*_latent())
    assert out.shape == (2, 10, 14)
    assert dec.pred.bias is None
    assert dec.query_embed.min() >= 0 and dec.query_embed.max() < 1


def test_gmae_queries_see_visible_tokens_only_through_attention():
    """No mask tokens at hidden positions: the sequence is 1 + n + k."""
    dec = build(dict(DEC, out_dim=14, num_queries=10))
    seen = {}

    def hook(module, inputs, output):
        seen['len'] = inputs[0].shape[1]

    dec.blocks[0].register_forward_hook(hook)
    dec(*_latent(n=4))
    assert seen['len'] == 1 + 4 + 10


def test_torch_default_pred_init_gives_small_logits():
    xavier = build(dict(DEC, out_dim=14, num_queries=64))
    default = build(
        dict(DEC, out_dim=14, num_queries=64, pred_init='torch_default'))
    bound = 1 / 16**0.5  # kaiming-uniform(a=sqrt 5) bound, fan_in = 16
    assert default.pred.weight.abs().max() <= bound + 1e-6
    assert xavier.pred.weight.abs().max() > bound
