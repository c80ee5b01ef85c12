# GMAE ablation (k = 512 Gaussians; default 256); compare with tools/compare.py
# (k / c plots).
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/gmae_vit-b-p16.py',
    '../_base_/datasets/imagenet_pretrain.py',
    '../_base_/schedules/pretrain_adamw_cos.py',
    '../_base_/default_runtime.py',
]
model = dict(decoder=dict(num_queries=512))
custom_hooks = [
    dict(type='gmae_bench.ReconstructionHook', interval=5000),
]
