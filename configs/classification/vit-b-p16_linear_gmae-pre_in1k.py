# ImageNet-1k linear probe of the frozen GMAE ViT-B/16 encoder (90 epochs,
# LARS).
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.engine', 'gmae_bench.batch_augments'
    ],
    allow_failed_imports=False)
pretrained = 'work_dirs/gmae_pretrain_vit_b/epoch_400.pth'
_base_ = [
    '../_base_/models/vit-b-p16_linear.py',
    '../_base_/datasets/imagenet_linear.py',
    '../_base_/schedules/cls_linear_lars.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
train_dataloader = dict(batch_size=2048)  # per GPU; 8 GPUs -> 16384
