# UperNet on the Fashion-MNIST scenes from a randomly initialised encoder
# (the ViT's own init, no checkpoint): the baseline of the pretrained
# encoders, on the same recipe.
default_scope = 'mmseg'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/upernet_vit-scenes-p8.py',
    '../_base_/datasets/fmnist_scenes_seg.py',
    '../_base_/schedules/seg_scenes.py',
    '../_base_/default_runtime.py',
]
