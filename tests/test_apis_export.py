"""tools/export.py: timm loads the exported encoder strictly and gives the
same features; mmpretrain's VisionTransformer too."""
import sys

import pytest
import torch

from gmae_bench.apis import export_encoder
from tests.helpers import TINY_DECODER, TINY_VIT, build, run_tool

MAE = dict(
    type='gmae_bench.MaskedAutoencoder',
    backbone=dict(TINY_VIT),
    decoder=dict(TINY_DECODER, out_dim=8 * 8 * 3),
    head=dict(type='gmae_bench.PixelHead', patch_size=8, norm_pix=True))


@pytest.fixture
def model():
    torch.manual_seed(3)
    m = build(MAE).eval()
    with torch.no_grad():  # non-trivial norms and tokens
        for p in m.parameters():
            p.add_(0.02 * torch.randn_like(p))
    return m


def _ours(model, x):
    model.backbone.out_type = 'raw'  # all tokens after the final norm
    with torch.no_grad():
        return model.backbone(x)[-1]


def test_timm_local_dir_loads_strictly_and_matches(model, tmp_path):
    import timm
    paths = export_encoder(model, 'timm', str(tmp_path / 'exp'))
    assert [p.rsplit('/', 1)[1]
            for p in paths] == ['model.safetensors', 'config.json']
    net = timm.create_model(
        f'local-dir:{tmp_path / "exp"}', pretrained=True).eval()
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        theirs = net.forward_features(x)
    torch.testing.assert_close(theirs, _ours(model, x), atol=1e-5, rtol=1e-5)
    # the overlay form for a named architecture, strict as well
    from timm.models import load_checkpoint  # noqa: F401
    net2 = timm.create_model(
        'vit_base_patch16_224',
        pretrained=True,
        num_classes=0,
        img_size=32,
        patch_size=8,
        embed_dim=32,
        depth=2,
        num_heads=2,
        pretrained_cfg_overlay=dict(
            file=str(tmp_path / 'exp/model.safetensors'), num_classes=0))
    with torch.no_grad():
        torch.testing.assert_close(
            net2.eval().forward_features(x), theirs, atol=1e-6, rtol=1e-6)


def test_mmpretrain_vision_transformer_matches(model, tmp_path):
    from mmengine.runner import load_checkpoint
    from mmpretrain.models import VisionTransformer
    out = tmp_path / 'enc.pth'
    export_encoder(model, 'mmpretrain', str(out))
    vit = VisionTransformer(
        arch=dict(
            embed_dims=32, num_layers=2, num_heads=2,
            feedforward_channels=128),
        img_size=32,
        patch_size=8,
        out_type='raw',
        final_norm=True,
        init_cfg=None)
    vit.eval()  # (mmpretrain's train() returns None)
    sd = torch.load(out, weights_only=True)['state_dict']
    vit.load_state_dict({
        k[len('backbone.'):]: v
        for k, v in sd.items()
    },
                        strict=True)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        theirs = vit(x)[-1]
    torch.testing.assert_close(theirs, _ours(model, x), atol=1e-5, rtol=1e-5)
    # mmengine's loader, as a fine-tuning config's Pretrained init reads it
    fresh = VisionTransformer(
        arch=dict(
            embed_dims=32, num_layers=2, num_heads=2,
            feedforward_channels=128),
        img_size=32,
        patch_size=8,
        out_type='raw',
        final_norm=True)
    load_checkpoint(
        fresh, str(out), revise_keys=[(r'^backbone\.', '')], strict=True)


@pytest.mark.slow
def test_export_tool(tiny_runs, tmp_path):
    ckpt = tiny_runs['gmae'] / 'epoch_1.pth'
    out = run_tool([
        sys.executable, 'tools/export.py', 'configs/gmae_pretrain_vit_tiny.py',
        str(ckpt), '--to', 'timm', '--out',
        str(tmp_path / 't')
    ])
    assert 'model.safetensors' in out
    import timm
    timm.create_model(f'local-dir:{tmp_path / "t"}', pretrained=True)


def test_windowed_encoder_is_refused():
    vit = build(
        dict(TINY_VIT, out_type='featmap', window_size=2, use_rel_pos=True))
    with pytest.raises(ValueError, match='plain ViT'):
        export_encoder(vit, 'timm', '/nonexistent')
