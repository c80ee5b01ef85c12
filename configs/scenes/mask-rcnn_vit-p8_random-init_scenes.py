# Mask R-CNN on the Fashion-MNIST scenes from a randomly initialised encoder
# (the ViT's own init, no checkpoint): the baseline of the pretrained
# encoders, on the same recipe.
default_scope = 'mmdet'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.models.det_heads', 'gmae_bench.engine'
    ],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/mask-rcnn_vit-scenes-p8_sfp.py',
    '../_base_/datasets/fmnist_scenes_instance.py',
    '../_base_/schedules/det_scenes.py',
    '../_base_/default_runtime.py',
]
