# UperNet from the tiny MAE encoder on the class maps of labelme's 3 VOC
# photos (21 classes, train = val): a CPU check of the segmentation pipeline.
default_scope = 'mmseg'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
pretrained = 'work_dirs/mae_pretrain_vit_tiny/epoch_30.pth'
_base_ = [
    '../_base_/models/upernet_vit-tiny-p8.py',
    '../_base_/datasets/voc_seg.py',
    '../_base_/schedules/seg_tiny.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
