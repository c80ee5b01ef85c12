# GMAE ViT-B/16 pretraining on ImageNet-1k: 400 epochs, mask 0.75, k=256,
# c=1.0.
# python tools/train.py configs/gmae_pretrain_vit_b.py   (data in
# data/imagenet/)
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    './_base_/models/gmae_vit-b-p16.py',
    './_base_/datasets/imagenet_pretrain.py',
    './_base_/schedules/pretrain_adamw_cos.py',
    './_base_/default_runtime.py',
]
custom_hooks = [
    dict(type='gmae_bench.ReconstructionHook', interval=5000),
]
