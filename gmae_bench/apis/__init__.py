"""Public entry points (as ``mmdet.apis`` / ``mmpretrain.apis``): load a
pretrained MAE / GMAE (:func:`init_model`), turn images into its input
(:func:`images_to_inputs`), reconstruct masked images (:func:`reconstruct`),
read GMAE's depth layers (:func:`render_layers`) and hand the encoder to
timm or mmpretrain (:func:`export_encoder`). What the tools do around
mmengine lives in :mod:`gmae_bench.runtime`."""
from .export import export_encoder
from .inference import images_to_inputs, init_model, reconstruct, render_layers

__all__ = [
    'export_encoder', 'images_to_inputs', 'init_model', 'reconstruct',
    'render_layers'
]
