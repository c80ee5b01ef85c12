# Linear probe of the frozen tiny GMAE encoder on a Fashion-MNIST subset.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine',
             'gmae_bench.classification'],
    allow_failed_imports=False)
pretrained = 'work_dirs/gmae_pretrain_vit_tiny/epoch_30.pth'
_base_ = [
    '../_base_/models/vit-b-p16_linear.py',
    '../_base_/datasets/fashion_mnist.py',
    '../_base_/schedules/cls_linear_lars.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(arch=dict(embed_dims=128, depth=4, num_heads=4),
                  img_size=64, patch_size=8, frozen_stages=4,
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                                prefix='backbone.')),
    neck=dict(input_features=128),
    head=dict(num_classes=10, in_channels=128),
    data_preprocessor=dict(num_classes=10))
max_epochs = 2
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs)
auto_scale_lr = dict(base_batch_size=32)  # lr below is for batch 32
optim_wrapper = dict(optimizer=dict(lr=6.4))  # FB's absolute LARS lr
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=1e-6, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True),
]
default_hooks = dict(logger=dict(interval=10))
