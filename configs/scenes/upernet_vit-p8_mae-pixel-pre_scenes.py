# UperNet from the mae-pixel encoder pretrained on the Fashion-MNIST scenes,
# trained on the train scenes' class maps and tested on the test scenes
# (mIoU, aAcc). pretrained=PATH picks the checkpoint.
default_scope = 'mmseg'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
pretrained = 'work_dirs/mae-pixel_pretrain_scenes/epoch_30.pth'
_base_ = [
    '../_base_/models/upernet_vit-scenes-p8.py',
    '../_base_/datasets/fmnist_scenes_seg.py',
    '../_base_/schedules/seg_scenes.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
