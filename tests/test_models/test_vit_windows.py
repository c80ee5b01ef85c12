"""ViTDet options of the one ViT: window attention with global blocks and
decomposed relative positions (timm / ViTDet parameter names)."""
import pytest
import torch

from tests.helpers import TINY_VIT, build

GRID = dict(TINY_VIT, img_size=64, out_type='featmap')  # 8x8 patch grid


def test_window_vit_outputs_and_names():
    plain = build(dict(GRID, out_indices=(0, 1)))
    vitdet = build(
        dict(
            GRID,
            out_indices=(0, 1),
            window_size=4,
            window_block_indexes=(0, ),
            use_rel_pos=True))
    feats = vitdet(torch.randn(2, 3, 64, 64))
    assert [f.shape for f in feats] == [(2, 32, 8, 8)] * 2
    extra = set(vitdet.state_dict()) - set(plain.state_dict())
    assert extra == {
        f'blocks.{i}.attn.rel_pos_{a}'
        for i in (0, 1)
        for a in 'hw'
    }
    assert set(plain.state_dict()) <= set(vitdet.state_dict())
    # window block: 2*window-1 offsets; global block: 2*grid-1
    sd = vitdet.state_dict()
    assert sd['blocks.0.attn.rel_pos_h'].shape == (7, 16)
    assert sd['blocks.1.attn.rel_pos_h'].shape == (15, 16)


def test_windows_do_not_see_each_other():
    vit = build(
        dict(
            GRID,
            arch=dict(embed_dims=32, depth=1, num_heads=2),
            window_size=4,
            out_indices=(0, ))).eval()
    x = torch.randn(1, 3, 64, 64)
    y = x.clone()
    y[..., :8, :8] += 1.0  # the first patch: window (0, 0)
    a, b = vit(x)[0], vit(y)[0]
    changed = (a - b).abs().amax(1)[0] > 1e-6  # [8, 8] patch grid
    assert changed[:4, :4].any()
    assert not changed[4:].any() and not changed[:, 4:].any()


def test_one_window_is_global_attention():
    cfg = dict(GRID, arch=dict(embed_dims=32, depth=2, num_heads=2))
    torch.manual_seed(0)
    glob = build(dict(cfg, use_rel_pos=True)).eval()
    torch.manual_seed(0)
    win = build(dict(cfg, use_rel_pos=True, window_size=8)).eval()
    with torch.no_grad():  # same weights; rel tables non-zero and equal
        for blk in glob.blocks:
            blk.attn.rel_pos_h.normal_()
            blk.attn.rel_pos_w.normal_()
    win.load_state_dict(glob.state_dict())
    x = torch.randn(1, 3, 64, 64)
    torch.testing.assert_close(win(x)[0], glob(x)[0])


def test_rel_pos_tables_start_at_zero_and_are_used():
    cfg = dict(GRID, arch=dict(embed_dims=32, depth=2, num_heads=2))
    rel = build(dict(cfg, use_rel_pos=True)).eval()
    assert all(b.attn.rel_pos_w.abs().sum() == 0 for b in rel.blocks)
    x = torch.randn(1, 3, 64, 64)
    out = rel(x)[0]
    with torch.no_grad():
        rel.blocks[0].attn.rel_pos_h.normal_()
    assert (rel(x)[0] - out).abs().max() > 1e-4


def test_pretraining_checkpoint_loads_strictly_into_vitdet(tmp_path):
    pre = build(dict(TINY_VIT))  # pretraining encoder, 32 px
    path = tmp_path / 'pre.pth'
    torch.save(
        {
            'state_dict': {
                f'backbone.{k}': v
                for k, v in pre.state_dict().items()
            }
        }, path)
    vitdet = build(
        dict(
            GRID,
            window_size=4,
            window_block_indexes=(0, ),
            use_rel_pos=True,
            init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    torch.testing.assert_close(vitdet.blocks[1].mlp.fc1.weight,
                               pre.blocks[1].mlp.fc1.weight)
    assert vitdet.blocks[0].attn.rel_pos_h.abs().sum() == 0


def test_window_options_need_featmaps():
    with pytest.raises(ValueError, match='featmap'):
        build(dict(TINY_VIT, window_size=4, out_type='cls_token'))
    vit = build(dict(GRID, use_rel_pos=True))
    with pytest.raises(ValueError, match='forward_masked'):
        vit.forward_masked(torch.randn(1, 3, 64, 64))


@pytest.mark.parametrize('key,value,match', [
    ('mask_ratio', 1.5, 'mask_ratio'),
    ('mask_ratio', -0.1, 'mask_ratio'),
    ('img_size', 30, 'img_size'),
    ('patch_size', 0, 'patch_size'),
    ('window_size', -2, 'window_size'),
    ('arch', dict(embed_dims=30, depth=2, num_heads=4), 'embed_dims'),
])
def test_vit_argument_ranges_are_named(key, value, match):
    with pytest.raises(ValueError, match=match):
        build(dict(TINY_VIT, **{key: value}))


@pytest.mark.parametrize('size', [(8, 8), (6, 10)])
def test_rel_pos_attention_equals_timms(size):
    """The bias folded into the queries and keys gives timm's logits: same
    output and gradients as timm's Attention with a materialised bias."""
    from timm.models.vision_transformer_sam import Attention

    from gmae_bench.models.vit import RelPosAttention
    torch.manual_seed(0)
    ref = Attention(32, num_heads=4, use_rel_pos=True, input_size=size)
    ours = RelPosAttention(32, num_heads=4, use_rel_pos=True, input_size=size)
    with torch.no_grad():
        ref.rel_pos_h.normal_()
        ref.rel_pos_w.normal_()
    ours.load_state_dict(ref.state_dict())
    x = torch.randn(2, *size, 32, requires_grad=True)
    a, b = ref(x), ours(x)
    torch.testing.assert_close(b, a, atol=1e-5, rtol=1e-5)
    ga = torch.autograd.grad(a.square().sum(), [x, ref.rel_pos_h])
    gb = torch.autograd.grad(b.square().sum(), [x, ours.rel_pos_h])
    for u, w in zip(gb, ga):
        torch.testing.assert_close(u, w, atol=1e-4, rtol=1e-4)
