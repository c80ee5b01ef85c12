# COCO Mask R-CNN (ViTDet-style, 1024 px LSJ) from the MAE ViT-B/16 encoder.
# tools/dist_train.sh configs/detection/THIS.py 16
default_scope = 'mmdet'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.models.det_heads', 'gmae_bench.engine'
    ],
    allow_failed_imports=False)
pretrained = 'work_dirs/mae_pretrain_vit_b/epoch_400.pth'
_base_ = [
    '../_base_/models/mask-rcnn_vit-b-p16_sfp.py',
    '../_base_/datasets/coco_instance_lsj.py',
    '../_base_/schedules/det_adamw_lrd.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
