# Mask R-CNN (ViTDet style, SimpleFPN) from the mae-pixel encoder pretrained on
# the Fashion-MNIST scenes, trained on the train scenes and tested on the
# test scenes (COCO bbox / segm AP). pretrained=PATH picks the checkpoint.
default_scope = 'mmdet'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.models.det_heads', 'gmae_bench.engine'
    ],
    allow_failed_imports=False)
pretrained = 'work_dirs/mae-pixel_pretrain_scenes/epoch_30.pth'
_base_ = [
    '../_base_/models/mask-rcnn_vit-scenes-p8_sfp.py',
    '../_base_/datasets/fmnist_scenes_instance.py',
    '../_base_/schedules/det_scenes.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
