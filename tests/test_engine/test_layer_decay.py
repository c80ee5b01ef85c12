import pytest
from torch import nn

from gmae_bench.engine import LayerDecayOptimWrapperConstructor
from tests.helpers import TINY_VIT, build


def fb_param_groups(backbone, head, weight_decay, layer_decay):
    """facebookresearch/mae util/lr_decay.py param_groups_lrd, re-typed for
    a model whose ViT lives under 'backbone.' and whose head is 'head.'."""
    num_layers = len(backbone.blocks) + 1
    scales = [layer_decay**(num_layers - i) for i in range(num_layers + 1)]

    def layer_id(n):
        if n in ('cls_token', 'pos_embed') or n.startswith('patch_embed'):
            return 0
        if n.startswith('blocks'):
            return int(n.split('.')[1]) + 1
        return num_layers

    out = {}
    named = [(f'backbone.{n}', n, p) for n, p in backbone.named_parameters()]
    named += [(f'head.{n}', 'head', p) for n, p in head.named_parameters()]
    for full, n, p in named:
        if not p.requires_grad:
            continue
        no_wd = p.ndim == 1 or n in ('pos_embed', 'cls_token')
        out[full] = (scales[layer_id(n)], 0.0 if no_wd else weight_decay)
    return out


class Classifier(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = build(
            dict(TINY_VIT, out_type='avg_featmap', pos_embed_trainable=True))
        self.head = nn.Linear(32, 10)


def _groups(model, rate=0.65):
    ctor = LayerDecayOptimWrapperConstructor(
        dict(
            type='OptimWrapper',
            optimizer=dict(type='AdamW', lr=1.0, weight_decay=0.05)),
        dict(layer_decay_rate=rate))
    wrapper = ctor(model)
    names = {id(p): n for n, p in model.named_parameters()}
    return {
        names[id(p)]: (g['lr'], g['weight_decay'])
        for g in wrapper.optimizer.param_groups
        for p in g['params']
    }


def test_lr_scales_and_weight_decay_equal_fb_lr_decay():
    model = Classifier()
    ours = _groups(model)
    fb = fb_param_groups(model.backbone, model.head, 0.05, 0.65)
    assert ours.keys() == fb.keys()
    for name in fb:
        assert ours[name][0] == pytest.approx(fb[name][0]), name
        assert ours[name][1] == fb[name][1], name


def test_head_scale_is_one_and_stem_smallest():
    ours = _groups(Classifier())
    assert ours['head.weight'][0] == 1.0
    assert ours['backbone.pos_embed'][0] == pytest.approx(0.65**3)
    assert ours['backbone.blocks.1.attn.qkv.weight'][0] == pytest.approx(0.65)


def test_frozen_parameters_are_left_out():
    model = Classifier()
    model.backbone.blocks[0].requires_grad_(False)
    assert not any(k.startswith('backbone.blocks.0.') for k in _groups(model))


def test_model_without_depth_protocol_is_named():
    with pytest.raises(TypeError, match='Sequential has no get_layer_depth'):
        _groups(nn.Sequential(nn.Linear(2, 2)))


def test_missing_or_unknown_paramwise_keys_are_named():
    ctor = LayerDecayOptimWrapperConstructor(
        dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1)),
        dict(layer_decay=0.65))
    with pytest.raises(KeyError, match='layer_decay'):
        ctor(Classifier())


def test_mmpretrain_classifier_depth_is_used():
    pytest.importorskip('mmpretrain')
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import MODELS

    import gmae_bench.batch_augments  # noqa: F401
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(
            dict(
                type='ImageClassifier',
                backbone=dict(TINY_VIT, out_type='avg_featmap'),
                head=dict(
                    type='LinearClsHead', num_classes=10, in_channels=32)))
    groups = _groups(model)
    assert groups['head.fc.weight'][0] == 1.0
    assert groups['backbone.patch_embed.proj.weight'][0] == pytest.approx(
        0.65**3)
