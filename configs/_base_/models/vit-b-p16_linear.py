# Linear probe (FB-MAE): frozen ViT-B/16, cls token after the final norm,
# BatchNorm without affine, then a linear classifier.
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='gmae_bench.ViT',
        arch=dict(embed_dims=768, depth=12, num_heads=12),
        img_size=224,
        patch_size=16,
        out_type='cls_token',
        frozen_stages=12),
    neck=dict(type='ClsBatchNormNeck', input_features=768),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=768,
        loss=dict(type='CrossEntropyLoss'),
        init_cfg=[dict(type='TruncNormal', layer='Linear', std=0.01)]),
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=1000,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
)
visualizer = dict(
    type='UniversalVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
