"""Hand a pretrained encoder to other libraries: timm (safetensors + the
``config.json`` timm's hub loader reads) or mmpretrain (a ``backbone.``-
prefixed checkpoint in its ``VisionTransformer`` names)."""
import os
import os.path as osp
from collections import OrderedDict
from typing import Dict, List

from torch import Tensor, nn

FORMATS = ('timm', 'mmpretrain')
# this project's (= timm's) block names -> mmpretrain VisionTransformer's,
# as mmpretrain's own timm converters map them
MMPRETRAIN_KEYS = (
    ('patch_embed.proj.', 'patch_embed.projection.'),
    ('blocks.', 'layers.'),
    ('.norm1.', '.ln1.'),
    ('.norm2.', '.ln2.'),
    ('.mlp.fc1.', '.ffn.layers.0.0.'),
    ('.mlp.fc2.', '.ffn.layers.1.'),
)


def encoder_state_dict(model: nn.Module) -> Dict[str, Tensor]:
    """The plain-ViT encoder's weights in timm's names (a pretraining model
    or a bare ViT)."""
    vit = getattr(model, 'backbone', model)
    if getattr(vit, 'spatial', False) or not hasattr(vit, 'norm'):
        raise ValueError(
            'export takes a plain ViT with its final norm (a pretraining '
            'encoder); windowed / relative-position or avg-pooled encoders '
            'have no timm / mmpretrain twin here')
    return OrderedDict((k, v.detach().cpu().contiguous())
                       for k, v in vit.state_dict().items())


def timm_config(model: nn.Module) -> dict:
    """timm's hub ``config.json`` for the encoder (no classifier)."""
    vit = getattr(model, 'backbone', model)
    return dict(
        architecture='vit_base_patch16_224',
        num_classes=0,
        num_features=vit.embed_dims,
        global_pool='token',
        model_args=dict(
            img_size=vit.img_size,
            patch_size=vit.patch_size,
            embed_dim=vit.embed_dims,
            depth=vit.depth,
            num_heads=vit.num_heads,
            num_classes=0),
        pretrained_cfg=dict(
            num_classes=0,
            input_size=[3, vit.img_size, vit.img_size],
            interpolation='bicubic',
            mean=[0.485, 0.456, 0.406],
            std=[0.229, 0.224, 0.225],
            first_conv='patch_embed.proj',
            classifier='head'))


def export_encoder(model: nn.Module, to: str, out: str) -> List[str]:
    """Write the encoder for another library; returns the written paths.

    Args:
        model: A pretraining model (:func:`init_model`) or a plain ViT.
        to: 'timm': ``out/model.safetensors`` + ``out/config.json``
            (``timm.create_model('local-dir:OUT', pretrained=True)``, or
            ``timm.create_model('vit_base_patch16_224', pretrained=True,
            num_classes=0, pretrained_cfg_overlay=dict(
            file='OUT/model.safetensors', num_classes=0))`` for ViT-B/16);
            'mmpretrain': the file ``out`` with ``state_dict`` holding
            ``backbone.``-prefixed mmpretrain names (a fine-tuning config's
            ``init_cfg=dict(type='Pretrained', checkpoint=OUT,
            prefix='backbone.')``).
    """
    from ..engine.atomic_io import (write_bytes_atomic, write_json_atomic,
                                    write_torch_atomic)
    if to not in FORMATS:
        raise ValueError(f'--to must be one of {FORMATS}, got {to!r}')
    sd = encoder_state_dict(model)
    if to == 'timm':
        from safetensors.torch import save
        os.makedirs(out, exist_ok=True)
        weights = osp.join(out, 'model.safetensors')
        write_bytes_atomic(save(dict(sd), metadata=dict(format='pt')), weights)
        config = osp.join(out, 'config.json')
        write_json_atomic(timm_config(model), config)
        return [weights, config]
    renamed = OrderedDict()
    for key, value in sd.items():
        new = key
        for ours, theirs in MMPRETRAIN_KEYS:
            if ours.startswith('.'):
                new = new.replace(ours, theirs)
            elif new.startswith(ours):
                new = theirs + new[len(ours):]
        if new.startswith('norm.'):
            new = 'ln1.' + new[len('norm.'):]
        renamed['backbone.' + new] = value
    write_torch_atomic(
        dict(state_dict=renamed, meta=dict(source='gmae_bench')), out)
    return [out]
