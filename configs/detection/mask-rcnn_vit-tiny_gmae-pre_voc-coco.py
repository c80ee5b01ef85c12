# Mask R-CNN from the tiny GMAE encoder on labelme's 3 VOC photos (COCO
# format, train = val): a CPU check of the whole detection pipeline.
default_scope = 'mmdet'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.models.det_heads', 'gmae_bench.engine'
    ],
    allow_failed_imports=False)
pretrained = 'work_dirs/gmae_pretrain_vit_tiny/epoch_30.pth'
_base_ = [
    '../_base_/models/mask-rcnn_vit-tiny-p8_sfp.py',
    '../_base_/datasets/voc_coco_instance.py',
    '../_base_/schedules/det_tiny.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
