"""Strict backbone loading from gmae_bench, FB-MAE and timm checkpoints."""
import pytest
import torch

from gmae_bench.utils.checkpoint import (CheckpointError, backbone_state_dict,
                                         load_checkpoint_file)
from tests.helpers import TINY_VIT, build


def vit(**kw):
    return build(dict(TINY_VIT, **kw))


def _pretrain_ckpt(path, model):
    sd = {f'backbone.{k}': v for k, v in model.state_dict().items()}
    sd['decoder.pred.weight'] = torch.zeros(3, 3)
    torch.save(dict(meta=dict(epoch=1), state_dict=sd), path)


def test_loads_gmae_bench_pretraining_checkpoint(tmp_path):
    src = vit()
    _pretrain_ckpt(tmp_path / 'p.pth', src)
    dst = vit(
        out_type='avg_featmap',
        init_cfg=dict(
            type='Pretrained',
            checkpoint=str(tmp_path / 'p.pth'),
            prefix='backbone.'))
    assert torch.equal(dst.blocks[1].mlp.fc1.weight,
                       src.blocks[1].mlp.fc1.weight)
    # the pretraining norm is dropped, fc_norm starts from its init
    assert torch.equal(dst.fc_norm.weight, torch.ones(32))


def test_loads_official_mae_format_synthetic(tmp_path):
    """facebookresearch/mae `{'model': ...}` with decoder keys (the
    *_full.pth files) and a timm-named encoder of the right shapes."""
    src = vit()
    sd = dict(src.state_dict())
    sd.update({
        'mask_token': torch.zeros(1, 1, 16),
        'decoder_embed.weight': torch.zeros(16, 32),
        'decoder_pos_embed': torch.zeros(1, 17, 16),
        'decoder_blocks.0.norm1.weight': torch.zeros(16)
    })
    torch.save({'model': sd}, tmp_path / 'mae_pretrain_vit_tiny_full.pth')
    dst = vit(
        init_cfg=dict(
            type='Pretrained',
            checkpoint=str(tmp_path / 'mae_pretrain_vit_tiny_full.pth')))
    assert torch.equal(dst.blocks[0].attn.qkv.weight,
                       src.blocks[0].attn.qkv.weight)
    assert torch.equal(dst.norm.weight, src.norm.weight)


def test_finetuned_timm_format_drops_classifier(tmp_path):
    src = vit(out_type='avg_featmap')
    sd = dict(
        src.state_dict(), **{
            'head.weight': torch.zeros(10, 32),
            'head.bias': torch.zeros(10)
        })
    torch.save(sd, tmp_path / 'ft.pth')
    assert 'head.weight' not in backbone_state_dict(
        torch.load(tmp_path / 'ft.pth'))


def test_pos_embed_is_resized_for_larger_inputs(tmp_path):
    src = vit()
    _pretrain_ckpt(tmp_path / 'p.pth', src)
    big = vit(
        img_size=64,
        out_type='featmap',
        init_cfg=dict(type='Pretrained', checkpoint=str(tmp_path / 'p.pth')))
    assert big.pos_embed.shape == (1, 1 + 64, 32)
    assert torch.equal(big.pos_embed[:, 0], src.pos_embed[:, 0])


def test_wrong_model_is_a_clear_error(tmp_path):
    other = build(
        dict(TINY_VIT, arch=dict(embed_dims=64, depth=2, num_heads=2)))
    _pretrain_ckpt(tmp_path / 'wide.pth', other)
    with pytest.raises(CheckpointError, match='shape mismatch') as e:
        vit(
            init_cfg=dict(
                type='Pretrained', checkpoint=str(tmp_path / 'wide.pth')))
    assert 'wide.pth' in str(e.value)
    deeper = build(
        dict(TINY_VIT, arch=dict(embed_dims=32, depth=3, num_heads=2)))
    _pretrain_ckpt(tmp_path / 'deep.pth', deeper)
    with pytest.raises(CheckpointError, match='not in model.*blocks.2'):
        vit(
            init_cfg=dict(
                type='Pretrained', checkpoint=str(tmp_path / 'deep.pth')))


def test_wrong_prefix_and_foreign_checkpoint_are_named(tmp_path):
    torch.save({'state_dict': {
        'conv1.weight': torch.zeros(1)
    }}, tmp_path / 'resnet.pth')
    with pytest.raises(CheckpointError, match="prefix 'backbone.'"):
        vit(
            init_cfg=dict(
                type='Pretrained', checkpoint=str(tmp_path / 'resnet.pth')))


def test_missing_and_corrupt_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.pth'):
        load_checkpoint_file(str(tmp_path / 'nope.pth'))
    src = vit()
    _pretrain_ckpt(tmp_path / 'p.pth', src)
    data = (tmp_path / 'p.pth').read_bytes()
    (tmp_path / 'cut.pth').write_bytes(data[:len(data) // 2])
    with pytest.raises(CheckpointError, match='cut.pth'):
        load_checkpoint_file(str(tmp_path / 'cut.pth'))
