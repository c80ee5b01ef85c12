"""gmae_bench registries: children of the mmengine roots, scope 'gmae_bench'.

Configs always name our modules with the scope prefix
(``type='gmae_bench.ViT'``), so they resolve the same way whether the runner's
default scope is mmpretrain, mmdet or mmseg.
"""
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import Registry

# det_heads needs mmdet: it is imported when the registry is first
# searched, not with gmae_bench.models, so that a config whose
# custom_imports leave it out still finds gmae_bench.ContentRoIHead
MODELS = Registry(
    'model',
    parent=MMENGINE_MODELS,
    scope='gmae_bench',
    locations=['gmae_bench.models', 'gmae_bench.models.det_heads'])
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
    scope='gmae_bench',
    locations=['gmae_bench.engine'])
HOOKS = Registry(
    'hook',
    parent=MMENGINE_HOOKS,
    scope='gmae_bench',
    locations=['gmae_bench.engine'])
TRANSFORMS = Registry(
    'transform',
    parent=MMENGINE_TRANSFORMS,
    scope='gmae_bench',
    locations=['gmae_bench.datasets'])
LOOPS = Registry(
    'loop',
    parent=MMENGINE_LOOPS,
    scope='gmae_bench',
    locations=['gmae_bench.engine'])
