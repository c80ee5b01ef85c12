# Mask R-CNN from the tiny GMAE encoder on labelme's 3 VOC photos (COCO
# format, train = val): a CPU check of the whole detection pipeline.
# Patch 8 -> the pyramid has strides 2-32 instead of 4-64.
default_scope = 'mmdet'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
pretrained = 'work_dirs/gmae_pretrain_vit_tiny/epoch_30.pth'
_base_ = [
    '../_base_/models/mask-rcnn_vit-b-p16_sfp.py',
    '../_base_/datasets/voc_coco_instance.py',
    '../_base_/schedules/det_adamw_lrd.py',
    '../_base_/default_runtime.py',
]
strides = [2, 4, 8, 16, 32]
model = dict(
    backbone=dict(arch=dict(embed_dims=128, depth=4, num_heads=4),
                  img_size=128, patch_size=8, out_indices=(3, ),
                  init_cfg=dict(type='Pretrained', checkpoint=pretrained,
                                prefix='backbone.')),
    neck=dict(in_channels=128),
    rpn_head=dict(anchor_generator=dict(strides=strides)),
    roi_head=dict(
        bbox_roi_extractor=dict(featmap_strides=strides[:4]),
        mask_roi_extractor=dict(featmap_strides=strides[:4]),
        bbox_head=dict(num_classes=20), mask_head=dict(num_classes=20)))
max_iters = 8
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
auto_scale_lr = dict(base_batch_size=2)  # lr below is for batch 2
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=2),
]
default_hooks = dict(logger=dict(interval=2),
                     checkpoint=dict(interval=max_iters))
