# MAE ViT-B/16 pretraining without norm_pix (pixel targets): the MAE whose
# reconstruction error (mse_pixels) is compared with GMAE.
# python tools/train.py configs/mae-pixel_pretrain_vit_b.py   (data in
# data/imagenet/)
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    './_base_/models/mae-pixel_vit-b-p16.py',
    './_base_/datasets/imagenet_pretrain.py',
    './_base_/schedules/pretrain_adamw_cos.py',
    './_base_/default_runtime.py',
]
custom_hooks = [
    dict(type='gmae_bench.ReconstructionHook', interval=5000),
]
