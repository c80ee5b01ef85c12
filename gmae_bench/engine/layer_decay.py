"""One layer-wise lr decay constructor for classification, detection and
segmentation (facebookresearch/mae ``util/lr_decay.py`` rule).

The depth of a parameter comes from the model: ``model.get_layer_depth(name)``
if the model has it (mmpretrain ``ImageClassifier``), else
``model.backbone.get_layer_depth(name, prefix='backbone.')`` (mmdet
``MaskRCNN``, mmseg ``EncoderDecoder``). Parameters outside the backbone
(necks, heads) get the last layer id, i.e. scale 1.
"""
from typing import Callable, List, Tuple

from mmengine.logging import print_log
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from ..registry import OPTIM_WRAPPER_CONSTRUCTORS


def layer_depth_fn(model: nn.Module) -> Callable[[str], Tuple[int, int]]:
    """``name -> (layer_id, num_layers)`` for a model or its backbone."""
    if hasattr(model, 'get_layer_depth'):
        return model.get_layer_depth
    backbone = getattr(model, 'backbone', None)
    if backbone is not None and hasattr(backbone, 'get_layer_depth'):
        return lambda name: backbone.get_layer_depth(name, prefix='backbone.')
    raise TypeError(
        f'{type(model).__name__} has no get_layer_depth and no backbone with '
        'one; optim_wrapper.constructor=LayerDecayOptimWrapperConstructor '
        'needs a gmae_bench.ViT backbone')


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class LayerDecayOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """Layer-wise lr decay and FB-MAE's weight-decay exclusions.

    ``paramwise_cfg`` keys:
        layer_decay_rate (float): lr scale ``rate ** (num_layers - 1 - id)``;
            the stem gets ``rate ** (depth + 1)``, block i ``rate **
            (depth - i)``, the rest 1.
        no_decay_names (tuple[str]): parameter names (last component)
            without weight decay, besides every 1-D parameter.
            Default ``('pos_embed', 'cls_token')``.
    """

    def add_params(self, params: List[dict], module: nn.Module,
                   **kwargs) -> None:
        cfg = dict(self.paramwise_cfg)
        unknown = set(cfg) - {'layer_decay_rate', 'no_decay_names'}
        if unknown:
            raise KeyError(f'unknown optim_wrapper.paramwise_cfg key(s) '
                           f'{sorted(unknown)} for '
                           'LayerDecayOptimWrapperConstructor')
        if 'layer_decay_rate' not in cfg:
            raise KeyError('optim_wrapper.paramwise_cfg.layer_decay_rate is '
                           'required by LayerDecayOptimWrapperConstructor')
        rate = cfg['layer_decay_rate']
        no_decay_names = tuple(
            cfg.get('no_decay_names', ('pos_embed', 'cls_token')))
        depth = layer_depth_fn(module)
        wd = self.base_wd or 0.0
        groups = {}
        for name, param in module.named_parameters():
            if not param.requires_grad:
                continue
            no_decay = param.ndim == 1 or name.split('.')[-1] in no_decay_names
            layer_id, num_layers = depth(name)
            scale = rate**(num_layers - 1 - layer_id)
            key = (layer_id, no_decay)
            if key not in groups:
                groups[key] = dict(
                    params=[],
                    param_names=[],
                    lr=self.base_lr * scale,
                    lr_scale=scale,
                    weight_decay=0.0 if no_decay else wd,
                    layer_id=layer_id)
            groups[key]['params'].append(param)
            groups[key]['param_names'].append(name)
        params.extend(groups[k] for k in sorted(groups))
        print_log(
            f'layer decay {rate}: {len(groups)} parameter groups, lr '
            'scales ' +
            ', '.join(f'{k[0]}:{g["lr_scale"]:.3g}'
                      for k, g in sorted(groups.items()) if not k[1]),
            logger='current')
