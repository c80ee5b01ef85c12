# UperNet from the tiny GMAE encoder on the class maps of labelme's 3 VOC
# photos (21 classes, train = val): a CPU check of the segmentation pipeline.
default_scope = 'mmseg'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
pretrained = 'work_dirs/gmae_pretrain_vit_tiny/epoch_30.pth'
_base_ = [
    '../_base_/models/upernet_vit-b-p16.py',
    '../_base_/datasets/voc_seg.py',
    '../_base_/schedules/seg_adamw_lrd_160k.py',
    '../_base_/default_runtime.py',
]
model = dict(
    data_preprocessor=dict(size=(128, 128)),
    backbone=dict(arch=dict(embed_dims=128, depth=4, num_heads=4),
                  img_size=128, patch_size=8, out_indices=(0, 1, 2, 3),
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                                prefix='backbone.')),
    neck=dict(embed_dim=128),
    decode_head=dict(in_channels=[128, 128, 128, 128], channels=128,
                     num_classes=21),
    auxiliary_head=dict(in_channels=128, channels=64, num_classes=21),
    test_cfg=dict(mode='whole'))
max_iters = 8
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
auto_scale_lr = dict(base_batch_size=2)  # lr below is for batch 2
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=2),
]
default_hooks = dict(logger=dict(interval=2),
                     checkpoint=dict(interval=max_iters))
