# The tiny encoder of configs/*_pretrain_vit_tiny.py (4x128, 8-px patches,
# 64 px) in the fine-tuning model, 10 classes (Fashion-MNIST).
_base_ = './vit-b-p16_cls.py'
model = dict(
    backbone=dict(
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=64,
        patch_size=8),
    head=dict(num_classes=10, in_channels=128),
    data_preprocessor=dict(num_classes=10),
    train_cfg=dict(augments=dict(num_classes=10)))
