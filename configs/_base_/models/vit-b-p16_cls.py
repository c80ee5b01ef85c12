# ImageNet fine-tuning model (FB-MAE recipe): ViT-B/16, mean-pooled patch
# tokens + fc_norm, drop path 0.1, trainable position table, linear head.
# The pretrained encoder is loaded by the leaf (init_cfg, prefix backbone.).
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='gmae_bench.ViT',
        arch=dict(embed_dims=768, depth=12, num_heads=12),
        img_size=224,
        patch_size=16,
        out_type='avg_featmap',
        pos_embed_trainable=True,
        drop_path_rate=0.1),
    neck=None,
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=768,
        # soft targets come from gmae_bench.TimmMixup (label smoothing 0.1)
        loss=dict(type='CrossEntropyLoss', use_soft=True),
        init_cfg=[dict(type='TruncNormal', layer='Linear', std=2e-5)]),
    data_preprocessor=dict(
        type='ClsDataPreprocessor',
        num_classes=1000,
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        to_rgb=True),
    train_cfg=dict(
        augments=dict(
            type='gmae_bench.TimmMixup',
            mixup_alpha=0.8,
            cutmix_alpha=1.0,
            switch_prob=0.5,
            label_smoothing=0.1,
            num_classes=1000)),
)
visualizer = dict(
    type='UniversalVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
