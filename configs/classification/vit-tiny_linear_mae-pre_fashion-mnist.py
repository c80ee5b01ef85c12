# Linear probe of the frozen tiny MAE encoder on a Fashion-MNIST subset.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.engine', 'gmae_bench.batch_augments'
    ],
    allow_failed_imports=False)
pretrained = 'work_dirs/mae_pretrain_vit_tiny/epoch_30.pth'
_base_ = [
    '../_base_/models/vit-tiny-p8_linear.py',
    '../_base_/datasets/fashion_mnist.py',
    '../_base_/schedules/cls_linear_tiny.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
