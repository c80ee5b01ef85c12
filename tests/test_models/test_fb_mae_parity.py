"""MAE exactly as facebookresearch/mae: same loss on the same batch and
masking noise, and FB's full pretraining checkpoint (encoder + decoder)
loads strictly into ``MaskedAutoencoder`` through one key table."""
import pytest
import torch

from gmae_bench.utils.checkpoint import (FB_MAE_KEYS, CheckpointError,
                                         to_model_layout)
from tests.helpers import build
from tests.reference.fb_mae import FBMaskedAutoencoderViT

DIMS = dict(embed=32, depth=2, heads=2, dec=16, dec_depth=1, dec_heads=2)


def _fb_model(norm_pix: bool) -> FBMaskedAutoencoderViT:
    torch.manual_seed(1)
    fb = FBMaskedAutoencoderViT(
        img_size=32,
        patch_size=8,
        embed_dim=DIMS['embed'],
        depth=DIMS['depth'],
        num_heads=DIMS['heads'],
        decoder_embed_dim=DIMS['dec'],
        decoder_depth=DIMS['dec_depth'],
        decoder_num_heads=DIMS['dec_heads'],
        norm_pix_loss=norm_pix)
    with torch.no_grad():  # a trained-looking model, not the init
        for p in fb.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    return fb.eval()


def _ours(tiny_mae_cfg, norm_pix: bool, checkpoint=None):
    cfg = dict(tiny_mae_cfg)
    cfg['head'] = dict(cfg['head'], norm_pix=norm_pix)
    if checkpoint is not None:
        cfg['init_cfg'] = dict(type='Pretrained', checkpoint=str(checkpoint))
    return build(cfg).eval()


def _batch():
    g = torch.Generator().manual_seed(3)
    return dict(
        inputs=[
            torch.randint(0, 256, (3, 32, 32), generator=g, dtype=torch.uint8)
            for _ in range(4)
        ],
        data_samples=None)


@pytest.mark.parametrize('norm_pix', [True, False])
def test_loss_equals_facebookresearch_mae(tmp_path, tiny_mae_cfg, norm_pix):
    """Same weights (FB's checkpoint loaded whole), same ImageNet-normalised
    batch, same masking noise: the MAE loss is FB's to float precision."""
    fb = _fb_model(norm_pix)
    path = tmp_path / 'mae_pretrain_full.pth'
    torch.save({'model': fb.state_dict()}, path)
    ours = _ours(tiny_mae_cfg, norm_pix, path)
    inputs = ours.data_preprocessor(_batch(), False)['inputs']
    with torch.no_grad():
        torch.manual_seed(7)
        fb_loss, fb_pred, fb_mask = fb(inputs, mask_ratio=0.75)
        torch.manual_seed(7)
        losses = ours.loss(inputs)
        torch.manual_seed(7)
        pred, mask, _ = ours.encode_decode(inputs)
    assert torch.equal(mask, fb_mask)
    torch.testing.assert_close(pred, fb_pred, rtol=0, atol=1e-6)
    assert abs(float(losses['loss']) - float(fb_loss)) < 1e-6


def test_norm_pix_target_is_taken_in_normalised_units(tiny_mae_cfg):
    """The per-patch statistics of FB's norm_pix come from the normalised
    input: taking them from [0, 1] pixels gives another target."""
    ours = _ours(tiny_mae_cfg, True)
    inputs = ours.data_preprocessor(_batch(), False)['inputs']
    from_input = ours.head.target_patches(inputs)
    from_pixels = ours.head.target_patches(ours.to_pixels(inputs))
    assert (from_input - from_pixels).abs().mean() > 0.05


def test_fb_full_checkpoint_maps_every_key(tiny_mae_cfg):
    fb_sd = _fb_model(True).state_dict()
    mapped = to_model_layout(fb_sd)
    ours = _ours(tiny_mae_cfg, True).state_dict()
    assert set(mapped) == set(ours)
    assert all(mapped[k].shape == ours[k].shape for k in ours)
    # every FB decoder name is covered by the one documented table
    decoder_keys = [
        k for k in fb_sd if not mapped.get('backbone.' + k) is fb_sd[k]
    ]
    assert decoder_keys and all(
        any(k == fb or k.startswith(fb) for fb, _ in FB_MAE_KEYS)
        for k in decoder_keys)


def test_encoder_only_fb_checkpoint_is_refused_for_pretraining(
        tmp_path, tiny_mae_cfg):
    sd = {
        k: v
        for k, v in _fb_model(True).state_dict().items()
        if not k.startswith(('decoder', 'mask_token'))
    }
    path = tmp_path / 'mae_pretrain_vit.pth'
    torch.save({'model': sd}, path)
    with pytest.raises(CheckpointError, match='decoder.embed.weight'):
        _ours(tiny_mae_cfg, True, path)


def test_fb_full_checkpoint_feeds_a_downstream_backbone(tmp_path):
    """init_cfg of a fine-tuning ViT takes the encoder of the full
    checkpoint and leaves the decoder out."""
    path = tmp_path / 'full.pth'
    torch.save({'model': _fb_model(True).state_dict()}, path)
    from tests.helpers import TINY_VIT
    vit = build(
        dict(
            TINY_VIT,
            out_type='avg_featmap',
            init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    fb_sd = torch.load(path)['model']
    torch.testing.assert_close(vit.state_dict()['blocks.1.mlp.fc2.weight'],
                               fb_sd['blocks.1.mlp.fc2.weight'])
