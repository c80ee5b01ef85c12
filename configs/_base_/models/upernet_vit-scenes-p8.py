# UperNet on the tiny encoder (4x128, 8-px patches, all 4 blocks) for the
# 64-px Fashion-MNIST scenes: 11 classes (background + 10), whole-image
# inference.
_base_ = './upernet_vit-b-p16.py'
model = dict(
    data_preprocessor=dict(size=(64, 64)),
    backbone=dict(
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=64,
        patch_size=8,
        out_indices=(0, 1, 2, 3)),
    neck=dict(embed_dim=128),
    decode_head=dict(
        in_channels=[128, 128, 128, 128], channels=128, num_classes=11),
    auxiliary_head=dict(in_channels=128, channels=64, num_classes=11),
    test_cfg=dict(mode='whole'))
