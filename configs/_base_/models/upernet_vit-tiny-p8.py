# UperNet on the tiny encoder (4x128, 8-px patches, all 4 blocks) at 128 px,
# 21 VOC classes, whole-image inference.
_base_ = './upernet_vit-b-p16.py'
model = dict(
    data_preprocessor=dict(size=(128, 128)),
    backbone=dict(
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=128,
        patch_size=8,
        out_indices=(0, 1, 2, 3)),
    neck=dict(embed_dim=128),
    decode_head=dict(
        in_channels=[128, 128, 128, 128], channels=128, num_classes=21),
    auxiliary_head=dict(in_channels=128, channels=64, num_classes=21),
    test_cfg=dict(mode='whole'))
