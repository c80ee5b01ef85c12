# The tiny encoder of configs/*_pretrain_vit_tiny.py, frozen, in the linear
# probe, 10 classes (Fashion-MNIST).
_base_ = './vit-b-p16_linear.py'
model = dict(
    backbone=dict(
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=64,
        patch_size=8,
        frozen_stages=4),
    neck=dict(input_features=128),
    head=dict(num_classes=10, in_channels=128),
    data_preprocessor=dict(num_classes=10))
