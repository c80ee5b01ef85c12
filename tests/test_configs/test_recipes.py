"""Recipe values that differ between the cited sources, read from the
resolved configs and from docs/recipes.md (rows 1, 2, 3, 6 and 9 of the
second recipe pass)."""
import re
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from gmae_bench.runtime import load_config

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / 'docs/recipes.md').read_text()
VIT_B = [
    'gmae_pretrain_vit_b.py', 'mae_pretrain_vit_b.py',
    'mae-pixel_pretrain_vit_b.py', 'classification/vit-b-p16_gmae-pre_in1k.py',
    'classification/vit-b-p16_linear_gmae-pre_in1k.py',
    'detection/mask-rcnn_vit-b-p16_gmae-pre_coco.py',
    'segmentation/upernet_vit-b-p16_gmae-pre_ade20k-512.py'
]


def _cfg(name: str) -> Config:
    return load_config(str(ROOT / 'configs' / name))


def _optimizer(cfg: Config, model):
    """The config's optimizer on ``model`` (fp32 wrapper: AMP needs CUDA)."""
    from mmengine.optim import build_optim_wrapper
    ow = cfg.optim_wrapper.copy()
    ow.type = 'OptimWrapper'
    ow.pop('loss_scale', None)
    ow.pop('dtype', None)
    return build_optim_wrapper(model, ow).optimizer


def _decay_of(opt, model) -> dict:
    names = {id(p): n for n, p in model.named_parameters()}
    return {
        names[id(p)]: g['weight_decay']
        for g in opt.param_groups
        for p in g['params']
    }


def test_row1_pretraining_decays_tokens_and_queries_as_fb():
    from gmae_bench.apis import init_model
    cfg = _cfg('gmae_pretrain_vit_b.py')
    model = init_model(str(ROOT /
                           'configs/study/gmae_pretrain_fmnist.py')).train()
    decay = _decay_of(_optimizer(cfg, model), model)
    for name in ('backbone.cls_token', 'decoder.mask_token',
                 'decoder.query_embed', 'backbone.blocks.0.attn.qkv.weight'):
        assert decay[name] == 0.05, name
    for name in ('backbone.blocks.0.attn.qkv.bias', 'backbone.norm.weight',
                 'decoder.norm.bias'):
        assert decay[name] == 0.0, name
    assert 'cls_token`, `mask_token` and GMAE\'s query embeddings **are** ' \
        'decayed' in DOC


@pytest.mark.parametrize('name', VIT_B)
def test_row2_amp_is_fp16_with_a_loss_scale(name):
    ow = _cfg(name).optim_wrapper
    assert ow.type == 'AmpOptimWrapper'
    assert ow.dtype == 'float16' and ow.loss_scale == 'dynamic'
    assert "optim_wrapper.dtype='float16'" in DOC


def test_row3_lars_skips_1d_parameters():
    cfg = _cfg('classification/vit-b-p16_linear_gmae-pre_in1k.py')
    keys = cfg.optim_wrapper.paramwise_cfg.custom_keys
    assert keys['bias'] == dict(decay_mult=0.0, lars_exclude=True)
    head = torch.nn.Linear(8, 3)
    model = torch.nn.ModuleDict(dict(head=head))
    from mmengine.registry import init_default_scope
    from mmpretrain.engine.optimizers import LARS  # noqa: F401 (registers)
    init_default_scope('mmpretrain')
    opt = _optimizer(cfg, model)
    groups = {id(p): g for g in opt.param_groups for p in g['params']}
    assert groups[id(head.bias)].get('lars_exclude') is True
    assert not groups[id(head.weight)].get('lars_exclude', False)
    assert '(`lars_exclude`)' in DOC


def test_row6_detection_backbone_layernorm_and_position_table():
    bb = _cfg('detection/mask-rcnn_vit-b-p16_gmae-pre_coco.py').model.backbone
    assert bb.norm_eps == 1e-5 and bb.pretrain_img_size == 224
    from gmae_bench.models import ViT
    vit = ViT(
        arch=dict(embed_dims=64, depth=2, num_heads=2),
        img_size=256,
        patch_size=16,
        pretrain_img_size=64,
        norm_eps=1e-5,
        out_type='featmap',
        window_size=4,
        use_rel_pos=True)
    assert vit.pos_embed.shape == (1, 1 + 4 * 4, 64)
    assert vit.blocks[0].norm1.eps == 1e-5
    assert vit(torch.randn(1, 3, 256, 256))[0].shape == (1, 64, 16, 16)
    assert 'LayerNorm eps 1e-5 (mmcv `LN`)' in DOC


def test_row9_upernet_slide_stride_is_the_pinned_mmseg():
    import mmseg
    ref = Path(mmseg.__file__).parent / '.mim/configs/mae/' \
        'mae-base_upernet_8xb2-amp-160k_ade20k-512x512.py'
    stride = re.search(r'stride=\((\d+), (\d+)\)', ref.read_text()).groups()
    cfg = _cfg('segmentation/upernet_vit-b-p16_gmae-pre_ade20k-512.py')
    assert tuple(cfg.model.test_cfg.stride) == tuple(map(int, stride)) == \
        (341, 341)
    assert 'slide, 512 crops, stride 341' in DOC


def test_row7_lsj_loader_has_no_aspect_ratio_sampler():
    cfg = _cfg('detection/mask-rcnn_vit-b-p16_gmae-pre_coco.py')
    assert cfg.train_dataloader.get('batch_sampler') is None
