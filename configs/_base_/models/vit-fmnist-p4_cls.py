# The study's encoder (mae_vit-fmnist-p4.py) in the fine-tuning model:
# mean-pooled tokens + fc_norm, 10 classes (Fashion-MNIST).
_base_ = './vit-b-p16_cls.py'
model = dict(
    backbone=dict(
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=28,
        patch_size=4),
    head=dict(num_classes=10, in_channels=128),
    data_preprocessor=dict(num_classes=10),
    train_cfg=dict(augments=dict(num_classes=10)))
