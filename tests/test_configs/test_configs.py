"""Config rules: parse, depth <= 2, scope lines, MAE/GMAE pairs."""
import ast
from pathlib import Path

import pytest
from mmengine.config import Config

ROOT = Path(__file__).resolve().parents[2]
CONFIGS = ROOT / 'configs'
LEAVES = sorted(p for p in CONFIGS.rglob('*.py') if '_base_' not in p.parts)
BASES = sorted((CONFIGS / '_base_').rglob('*.py'))
# keys in which a GMAE config may differ from its MAE twin: the decoder
# output and the head (pretraining), the checkpoint (downstream)
GMAE_ONLY = ('decoder.out_dim', 'decoder.num_queries', 'decoder.pred_bias',
             'decoder.pred_init', 'head.', 'backbone.init_cfg.checkpoint')


def _bases(path: Path):
    """_base_ entries of a config file, read from its source."""
    for node in ast.parse(path.read_text()).body:
        if (isinstance(node, ast.Assign)
                and getattr(node.targets[0], 'id', '') == '_base_'):
            value = ast.literal_eval(node.value)
            return [value] if isinstance(value, str) else list(value)
    return []


def _depth(path: Path) -> int:
    depths = [0]
    for b in _bases(path):
        if '::' in b:  # a toolbox base (mmdet::...) counts as one level
            depths.append(1)
        else:
            depths.append(1 + _depth((path.parent / b).resolve()))
    return max(depths)


def _flatten(d, prefix=''):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f'{prefix}{k}.'))
        else:
            out[f'{prefix}{k}'] = v
    return out


def test_there_are_configs():
    names = {p.name for p in LEAVES}
    assert {
        'gmae_pretrain_vit_b.py', 'mae_pretrain_vit_b.py',
        'gmae_pretrain_vit_tiny.py', 'mae_pretrain_vit_tiny.py'
    } <= names


@pytest.mark.parametrize('path', LEAVES + BASES, ids=lambda p: p.name)
def test_parses(path):
    Config.fromfile(str(path))


@pytest.mark.parametrize('path', LEAVES, ids=lambda p: p.name)
def test_inheritance_depth_at_most_two(path):
    assert _depth(path) <= 2


@pytest.mark.parametrize('path', BASES, ids=lambda p: p.name)
def test_base_inherits_at_most_one_file(path):
    assert len(_bases(path)) <= 1


@pytest.mark.parametrize('path', LEAVES, ids=lambda p: p.name)
def test_leaf_states_scope_and_imports_up_front(path):
    head = path.read_text().split('_base_')[0]
    assert 'default_scope' in head and 'custom_imports' in head
    cfg = Config.fromfile(str(path))
    assert cfg.default_scope in ('mmpretrain', 'mmdet', 'mmseg')
    assert 'gmae_bench.models' in cfg.custom_imports['imports']


@pytest.mark.parametrize('path', LEAVES + BASES, ids=lambda p: p.name)
def test_delete_only_in_base_models(path):
    """... and in the CPU twins' schedules, which swap the recipe's AMP
    wrapper for a plain one."""
    if '_delete_' in path.read_text():
        assert '_base_' in path.parts
        assert path.parent.name == 'models' or (
            path.parent.name == 'schedules' and path.stem.endswith('_tiny'))


# CPU configs (the study, the tiny twins): plain fp32 optimizer wrappers, so
# that the stock OpenMMLab tools run them on a CPU
CPU_CONFIGS = [
    p for p in LEAVES
    if 'study' in p.parts or 'scenes' in p.parts or 'tiny' in p.name
    or p.name.endswith((
        'voc.py', 'voc-coco.py', 'fashion-mnist.py'))
]
RECIPES = [p for p in LEAVES if p not in CPU_CONFIGS]


@pytest.mark.parametrize('path', RECIPES, ids=lambda p: p.name)
def test_every_recipe_trains_with_amp(path):
    """FB-MAE, mmpretrain, ViTDet and mmseg's MAE recipes all use mixed
    precision (the tools fall back to fp32 without CUDA)."""
    cfg = Config.fromfile(str(path))
    assert cfg.optim_wrapper.get('type') == 'AmpOptimWrapper'


@pytest.mark.parametrize('path', CPU_CONFIGS, ids=lambda p: p.name)
def test_cpu_configs_train_in_fp32(path):
    """CPU configs run under the stock tools on CPUs, where mmengine
    refuses AMP (the study's gpu scale passes --amp); every loader without
    workers says so (mmengine refuses persistent workers then)."""
    cfg = Config.fromfile(str(path))
    assert cfg.optim_wrapper.get('type') == 'OptimWrapper'
    for phase in ('train', 'val', 'test'):
        loader = cfg.get(f'{phase}_dataloader')
        if loader and loader.get('num_workers') == 0:
            assert loader.get('persistent_workers') is False, phase


STUDY_ABLATIONS = [
    p for p in LEAVES
    if 'study' in p.parts and p.name.startswith('gmae_pretrain_fmnist_')
]
SCENES_ABLATIONS = [
    p for p in LEAVES
    if 'scenes' in p.parts and p.name.startswith('gmae_pretrain_scenes_')
]
PAIRS = [(p, p.with_name(p.name.replace('gmae', 'mae', 1))) for p in LEAVES
         if 'gmae' in p.name and 'ablations' not in p.parts
         and p not in STUDY_ABLATIONS + SCENES_ABLATIONS]
ABLATIONS = [p for p in LEAVES if 'ablations' in p.parts]
# MAE without norm_pix: the pixel-space twin of GMAE's reconstruction
PIXEL_TWINS = [(p, p.with_name(p.name.replace('mae-pixel', 'mae', 1)))
               for p in LEAVES if p.name.startswith('mae-pixel')]


@pytest.mark.parametrize('gmae,mae', PAIRS, ids=lambda p: p.name)
def test_mae_gmae_pairs_differ_only_in_decoder_and_head(gmae, mae):
    assert mae.exists(), f'{gmae.name} has no MAE twin {mae.name}'
    g, m = Config.fromfile(str(gmae)), Config.fromfile(str(mae))
    gm, mm = _flatten(g.model.to_dict()), _flatten(m.model.to_dict())
    for key in set(gm) | set(mm):
        if gm.get(key) != mm.get(key):
            assert key.startswith(GMAE_ONLY), key
    skip = ('model', 'pretrained')
    rest_g = {k: v for k, v in g.to_dict().items() if k not in skip}
    rest_m = {k: v for k, v in m.to_dict().items() if k not in skip}
    assert rest_g == rest_m
    if 'pretrained' in g:  # downstream: the checkpoint is the GMAE one
        assert 'gmae' in g.pretrained and 'gmae' not in m.pretrained
        assert g.model.backbone.init_cfg.checkpoint == g.pretrained


@pytest.mark.parametrize('pixel,mae', PIXEL_TWINS, ids=lambda p: p.name)
def test_mae_pixel_twins_differ_only_in_norm_pix(pixel, mae):
    a, m = Config.fromfile(str(pixel)), Config.fromfile(str(mae))
    fa, fm = _flatten(a.model.to_dict()), _flatten(m.model.to_dict())
    changed = {k for k in set(fa) | set(fm) if fa.get(k) != fm.get(k)}
    assert changed == {'head.norm_pix'}
    assert not a.model.head.norm_pix and m.model.head.norm_pix
    assert {k: v for k, v in a.to_dict().items() if k != 'model'} == \
        {k: v for k, v in m.to_dict().items() if k != 'model'}


def test_every_pretraining_config_has_a_pixel_twin():
    pre = {p.name for p in LEAVES if p.name.startswith('mae_pretrain')}
    assert pre and {n.replace('mae', 'mae-pixel', 1)
                    for n in pre} <= {p.name
                                      for p in LEAVES}


@pytest.mark.parametrize('path', ABLATIONS, ids=lambda p: p.name)
def test_ablations_change_only_k_or_c(path):
    main = CONFIGS / ('gmae_pretrain_vit_b.py' if '_vit_b_' in path.name else
                      'gmae_pretrain_vit_tiny.py')
    a, m = Config.fromfile(str(path)), Config.fromfile(str(main))
    fa, fm = _flatten(a.model.to_dict()), _flatten(m.model.to_dict())
    changed = {k for k in set(fa) | set(fm) if fa.get(k) != fm.get(k)}
    assert changed in ({'decoder.num_queries'}, {'head.scale_max'})
    rest_a = {k: v for k, v in a.to_dict().items() if k != 'model'}
    rest_m = {k: v for k, v in m.to_dict().items() if k != 'model'}
    assert rest_a == rest_m


def test_paper_recipe_in_vit_b_configs():
    cfg = Config.fromfile(str(CONFIGS / 'gmae_pretrain_vit_b.py'))
    assert cfg.train_cfg.max_epochs == 400
    assert cfg.model.backbone.mask_ratio == 0.75
    assert cfg.model.decoder.num_queries == 256
    assert cfg.model.head.scale_max == 1.0 and not cfg.model.head.norm_pix
    opt = cfg.optim_wrapper.optimizer
    assert opt.type == 'AdamW' and opt.betas == (0.9, 0.95)
    assert opt.weight_decay == 0.05


# each study ablation changes one setting of the study's GMAE (the paper's
# ablation table: c, mask ratio, loss, k)
STUDY_CHANGES = {
    'black': {
        'head.renderer.background': (0.0, 0.0, 0.0)
    },
    'c1': {
        'head.scale_max': 1.0
    },
    'c4': {
        'head.scale_max': 4.0
    },
    'mask0p70': {
        'backbone.mask_ratio': 0.70
    },
    'mask0p80': {
        'backbone.mask_ratio': 0.80
    },
    'loss-all': {
        'head.loss_on': 'all'
    },
    'loss-normpix': {
        'head.norm_pix': True
    },
    'k32': {
        'decoder.num_queries': 32
    },
    'k128': {
        'decoder.num_queries': 128
    },
}


def test_study_ablations_are_the_planned_ones():
    from gmae_bench.study.fmnist import ABLATIONS as PLANNED
    names = {p.stem[len('gmae_pretrain_fmnist_'):] for p in STUDY_ABLATIONS}
    assert names == set(STUDY_CHANGES) == set(PLANNED)


@pytest.mark.parametrize('path', STUDY_ABLATIONS, ids=lambda p: p.name)
def test_study_ablations_change_one_setting(path):
    main = path.with_name('gmae_pretrain_fmnist.py')
    a, m = Config.fromfile(str(path)), Config.fromfile(str(main))
    fa, fm = _flatten(a.model.to_dict()), _flatten(m.model.to_dict())
    changed = {
        k: fa.get(k)
        for k in set(fa) | set(fm) if fa.get(k) != fm.get(k)
    }
    assert changed == STUDY_CHANGES[path.stem[len('gmae_pretrain_fmnist_'):]]
    rest_a = {k: v for k, v in a.to_dict().items() if k != 'model'}
    rest_m = {k: v for k, v in m.to_dict().items() if k != 'model'}
    assert rest_a == rest_m


def test_scenes_white_ablation_changes_only_the_background():
    a = Config.fromfile(str(CONFIGS / 'scenes/gmae_pretrain_scenes_white.py'))
    m = Config.fromfile(str(CONFIGS / 'scenes/gmae_pretrain_scenes.py'))
    fa, fm = _flatten(a.model.to_dict()), _flatten(m.model.to_dict())
    changed = {k for k in set(fa) | set(fm) if fa.get(k) != fm.get(k)}
    assert changed == {'head.renderer.background'}
    assert fa['head.renderer.background'] is None  # white
    assert tuple(fm['head.renderer.background']) == (0.0, 0.0, 0.0)
    assert {k: v for k, v in a.to_dict().items() if k != 'model'} == \
        {k: v for k, v in m.to_dict().items() if k != 'model'}


def test_scenes_downstream_configs_share_the_model_and_differ_in_init():
    """Mask R-CNN / UperNet from every encoder and from a random init: the
    same recipe; only the backbone's init_cfg (the checkpoint) differs."""
    from gmae_bench.study.scenes.plan import ENCODERS, SceneRun
    for kind in ('det', 'seg'):
        cfgs = {
            n: Config.fromfile(str(ROOT / SceneRun(kind, n, 0).config()))
            for n in ENCODERS
        }
        base = cfgs['random'].to_dict()
        assert cfgs['random'].model.backbone.get('init_cfg') is None
        for name, cfg in cfgs.items():
            d = cfg.to_dict()
            d['model']['backbone'].pop('init_cfg', None)
            d.pop('pretrained', None)
            assert d == base, (kind, name)
            if name != 'random':
                assert cfg.model.backbone.init_cfg.checkpoint == \
                    cfg.pretrained and name in cfg.pretrained


def test_scenes_pyramid_keeps_a_tokens_scale():
    """The scenes' Mask R-CNN normalises its pyramid and heads with
    GroupNorm: a per-pixel LayerNorm (ViTDet's) maps a token and the same
    token scaled to one output, which erased the items' appearance on
    these black-canvas scenes (docs/results_scenes.md, finding 1)."""
    import torch
    from mmengine.registry import DefaultScope
    pytest.importorskip('mmdet')
    from mmdet.registry import MODELS

    import gmae_bench.models  # noqa: F401
    cfg = Config.fromfile(
        str(CONFIGS / 'scenes/mask-rcnn_vit-p8_random-init_scenes.py'))
    roi = cfg.model.roi_head
    assert roi.bbox_head.norm_cfg.type == roi.mask_head.norm_cfg.type == \
        cfg.model.neck.norm_cfg.type == 'GN'
    with DefaultScope.overwrite_default_scope('mmdet'):
        neck = MODELS.build(cfg.model.neck)
        ln_neck = MODELS.build(dict(cfg.model.neck, norm_cfg=None))
    torch.manual_seed(0)
    tokens = torch.randn(2, cfg.model.neck.in_channels, 8, 8)
    scaled = tokens.clone()
    scaled[:, :, 3, 3] *= 3  # one token three times as large
    for fpn, differs in ((neck, True), (ln_neck, False)):
        a = fpn.lateral_convs[2](tokens)[:, :, 3, 3]
        b = fpn.lateral_convs[2](scaled)[:, :, 3, 3]
        assert (not torch.allclose(a, b, atol=1e-4)) == differs
