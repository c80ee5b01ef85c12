# ImageNet-1k fine-tuning of the MAE ViT-B/16 encoder (100 epochs, LRD 0.65).
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.engine', 'gmae_bench.batch_augments'
    ],
    allow_failed_imports=False)
pretrained = 'work_dirs/mae_pretrain_vit_b/epoch_400.pth'
_base_ = [
    '../_base_/models/vit-b-p16_cls.py',
    '../_base_/datasets/imagenet_cls.py',
    '../_base_/schedules/cls_ft_adamw_lrd.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
