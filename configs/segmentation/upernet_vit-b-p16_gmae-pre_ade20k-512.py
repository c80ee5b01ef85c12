# ADE20K UperNet (512x512, 160k iterations) from the GMAE ViT-B/16 encoder.
# tools/dist_train.sh configs/segmentation/THIS.py 8
default_scope = 'mmseg'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
pretrained = 'work_dirs/gmae_pretrain_vit_b/epoch_400.pth'
_base_ = [
    '../_base_/models/upernet_vit-b-p16.py',
    '../_base_/datasets/ade20k_512.py',
    '../_base_/schedules/seg_adamw_lrd_160k.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
