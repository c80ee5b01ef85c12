# Tiny MAE pretraining without norm_pix (pixel targets) on ~23 real photos:
# the MAE twin whose mse_pixels is compared with the tiny GMAE.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    './_base_/models/mae-pixel_vit-tiny-p8.py',
    './_base_/datasets/photos_pretrain.py',
    './_base_/schedules/pretrain_tiny.py',
    './_base_/default_runtime.py',
]
custom_hooks = [
    dict(type='gmae_bench.ReconstructionHook', interval=200),
]
