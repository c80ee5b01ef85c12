import pytest
import torch

from gmae_bench.models.vit import random_masking
from tests.helpers import TINY_VIT, build


def test_masking_keeps_ratio_and_restores_order():
    x = torch.arange(2 * 16, dtype=torch.float).view(2, 16, 1)
    kept, mask, ids_restore = random_masking(x, 0.75)
    assert kept.shape == (2, 4, 1)
    assert mask.sum(1).tolist() == [12, 12]
    # unshuffling [kept, masked placeholders] with ids_restore gives back
    # the kept tokens exactly at the unmasked positions
    filler = torch.full((2, 12, 1), -1.)
    restored = torch.gather(
        torch.cat([kept, filler], 1), 1, ids_restore.unsqueeze(-1))
    visible = mask == 0
    assert torch.equal(restored[visible], x[visible])
    assert (restored[~visible] == -1).all()


def test_masking_differs_per_sample():
    _, mask, _ = random_masking(torch.zeros(8, 64, 4), 0.75)
    assert len({tuple(m.tolist()) for m in mask}) > 1


def test_forward_masked_shapes():
    vit = build(dict(TINY_VIT))
    latent, mask, ids = vit.forward_masked(torch.randn(3, 3, 32, 32))
    assert latent.shape == (3, 1 + 4, 32)  # cls + 25% of 16 patches
    assert mask.shape == ids.shape == (3, 16)


@pytest.mark.parametrize('out_type,shape', [('featmap', (2, 32, 4, 4)),
                                            ('cls_token', (2, 32)),
                                            ('avg_featmap', (2, 32)),
                                            ('raw', (2, 17, 32))])
def test_downstream_outputs(out_type, shape):
    vit = build(dict(TINY_VIT, out_type=out_type, out_indices=(0, 1)))
    outs = vit(torch.randn(2, 3, 32, 32))
    assert len(outs) == 2 and all(o.shape == shape for o in outs)


def test_other_input_size_interpolates_positions():
    vit = build(dict(TINY_VIT, out_type='featmap'))
    (feat, ) = vit(torch.randn(1, 3, 48, 64))
    assert feat.shape == (1, 32, 6, 8)


def test_timm_parameter_names():
    names = set(build(dict(TINY_VIT)).state_dict())
    for key in ('cls_token', 'pos_embed', 'patch_embed.proj.weight',
                'blocks.0.attn.qkv.weight', 'blocks.1.mlp.fc2.bias',
                'norm.weight'):
        assert key in names


def test_pos_embed_is_fixed_sincos_in_pretraining():
    vit = build(dict(TINY_VIT))
    assert not vit.pos_embed.requires_grad
    assert torch.count_nonzero(vit.pos_embed[0, 0]) == 0  # cls slot


def test_get_layer_depth():
    vit = build(dict(TINY_VIT))
    assert vit.get_layer_depth('backbone.cls_token', 'backbone.') == (0, 4)
    assert vit.get_layer_depth('backbone.patch_embed.proj.weight',
                               'backbone.') == (0, 4)
    assert vit.get_layer_depth('backbone.blocks.1.attn.qkv.weight',
                               'backbone.') == (2, 4)
    assert vit.get_layer_depth('backbone.norm.weight', 'backbone.') == (3, 4)
    assert vit.get_layer_depth('head.fc.weight', 'backbone.') == (3, 4)


def test_frozen_stages_freeze_and_stay_frozen_in_train_mode():
    vit = build(dict(TINY_VIT, frozen_stages=1))
    vit.train()
    assert not vit.patch_embed.proj.weight.requires_grad
    assert not vit.blocks[0].attn.qkv.weight.requires_grad
    assert vit.blocks[1].attn.qkv.weight.requires_grad
    assert not vit.blocks[0].training


def test_bad_arch_and_out_type_are_named():
    with pytest.raises(KeyError, match='arch'):
        build(dict(TINY_VIT, arch='gigantic'))
    with pytest.raises(ValueError, match='out_type'):
        build(dict(TINY_VIT, out_type='pooled'))
