auto_scale_lr = dict(base_batch_size=16, enable=False)
classes = (
    'background',
    'T-shirt/top',
    'Trouser',
    'Pullover',
    'Dress',
    'Coat',
    'Sandal',
    'Shirt',
    'Sneaker',
    'Bag',
    'Ankle boot',
)
crop_size = (
    64,
    64,
)
custom_hooks = [
    dict(type='gmae_bench.FiniteLossHook'),
    dict(type='gmae_bench.StrictLoadHook'),
    dict(type='gmae_bench.RNGStateHook'),
    dict(type='gmae_bench.CheckpointContentHook'),
    dict(type='gmae_bench.PreemptionHook'),
]
custom_imports = dict(
    allow_failed_imports=False,
    imports=[
        'gmae_bench.models',
        'gmae_bench.engine',
    ])
data_root = 'data/fmnist_scenes/cpu/'
dataset = dict(
    data_root='data/fmnist_scenes/cpu/',
    img_suffix='.png',
    metainfo=dict(
        classes=(
            'background',
            'T-shirt/top',
            'Trouser',
            'Pullover',
            'Dress',
            'Coat',
            'Sandal',
            'Shirt',
            'Sneaker',
            'Bag',
            'Ankle boot',
        )),
    reduce_zero_label=False,
    seg_map_suffix='.png',
    type='BaseSegDataset')
default_hooks = dict(
    checkpoint=dict(
        by_epoch=False,
        interval=500,
        max_keep_ckpts=1,
        type='gmae_bench.SafeCheckpointHook'),
    logger=dict(interval=50, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    runtime_info=dict(type='RuntimeInfoHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'))
default_scope = 'mmseg'
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='gloo', timeout=600),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
launcher = 'none'
load_from = 'work_dirs/study_scenes/seg/mae/seed2/iter_1000.pth'
log_level = 'INFO'
log_processor = dict(by_epoch=False, window_size=10)
max_iters = 1000
model = dict(
    auxiliary_head=dict(
        align_corners=False,
        channels=64,
        concat_input=False,
        dropout_ratio=0.1,
        in_channels=128,
        in_index=2,
        loss_decode=dict(
            loss_weight=0.4, type='CrossEntropyLoss', use_sigmoid=False),
        norm_cfg=dict(requires_grad=True, type='SyncBN'),
        num_classes=11,
        num_convs=1,
        type='FCNHead'),
    backbone=dict(
        arch=dict(depth=4, embed_dims=128, num_heads=4),
        drop_path_rate=0.1,
        img_size=64,
        init_cfg=dict(
            checkpoint='work_dirs/mae_pretrain_scenes/epoch_30.pth',
            prefix='backbone.',
            type='Pretrained'),
        out_indices=(
            0,
            1,
            2,
            3,
        ),
        out_type='featmap',
        patch_size=8,
        pos_embed_trainable=True,
        type='gmae_bench.ViT'),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            123.675,
            116.28,
            103.53,
        ],
        pad_val=0,
        seg_pad_val=255,
        size=(
            64,
            64,
        ),
        std=[
            58.395,
            57.12,
            57.375,
        ],
        type='SegDataPreProcessor'),
    decode_head=dict(
        align_corners=False,
        channels=128,
        dropout_ratio=0.1,
        in_channels=[
            128,
            128,
            128,
            128,
        ],
        in_index=[
            0,
            1,
            2,
            3,
        ],
        loss_decode=dict(
            loss_weight=1.0, type='CrossEntropyLoss', use_sigmoid=False),
        norm_cfg=dict(requires_grad=True, type='SyncBN'),
        num_classes=11,
        pool_scales=(
            1,
            2,
            3,
            6,
        ),
        type='UPerHead'),
    neck=dict(
        embed_dim=128,
        norm_cfg=dict(requires_grad=True, type='SyncBN'),
        rescales=[
            4,
            2,
            1,
            0.5,
        ],
        type='Feature2Pyramid'),
    test_cfg=dict(crop_size=(
        512,
        512,
    ), mode='whole', stride=(
        341,
        341,
    )),
    train_cfg=dict(),
    type='EncoderDecoder')
norm_cfg = dict(requires_grad=True, type='SyncBN')
optim_wrapper = dict(
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    optimizer=dict(
        betas=(
            0.9,
            0.999,
        ), lr=0.0002, type='AdamW', weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.65),
    type='OptimWrapper')
param_scheduler = [
    dict(
        begin=0, by_epoch=False, end=100, start_factor=1e-06, type='LinearLR'),
    dict(
        begin=100,
        by_epoch=False,
        end=1000,
        eta_min=0.0,
        power=1.0,
        type='PolyLR'),
]
pretrained = 'work_dirs/mae_pretrain_scenes/epoch_30.pth'
randomness = dict(deterministic=False, diff_rank_seed=True, seed=0)
resume = False
test_cfg = dict(type='TestLoop')
test_dataloader = dict(
    batch_size=16,
    dataset=dict(
        data_prefix=dict(img_path='test/images', seg_map_path='test/semantic'),
        data_root='data/fmnist_scenes/cpu/',
        img_suffix='.png',
        metainfo=dict(
            classes=(
                'background',
                'T-shirt/top',
                'Trouser',
                'Pullover',
                'Dress',
                'Coat',
                'Sandal',
                'Shirt',
                'Sneaker',
                'Bag',
                'Ankle boot',
            )),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs'),
        ],
        reduce_zero_label=False,
        seg_map_suffix='.png',
        type='BaseSegDataset'),
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(
    iou_metrics=[
        'mIoU',
    ], type='IoUMetric')
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
train_cfg = dict(max_iters=1000, type='IterBasedTrainLoop', val_interval=1000)
train_dataloader = dict(
    batch_size=16,
    dataset=dict(
        data_prefix=dict(
            img_path='train/images', seg_map_path='train/semantic'),
        data_root='data/fmnist_scenes/cpu/',
        img_suffix='.png',
        metainfo=dict(
            classes=(
                'background',
                'T-shirt/top',
                'Trouser',
                'Pullover',
                'Dress',
                'Coat',
                'Sandal',
                'Shirt',
                'Sneaker',
                'Bag',
                'Ankle boot',
            )),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(prob=0.5, type='RandomFlip'),
            dict(type='PackSegInputs'),
        ],
        reduce_zero_label=False,
        seg_map_suffix='.png',
        type='BaseSegDataset'),
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(prob=0.5, type='RandomFlip'),
    dict(type='PackSegInputs'),
]
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=16,
    dataset=dict(
        data_prefix=dict(img_path='test/images', seg_map_path='test/semantic'),
        data_root='data/fmnist_scenes/cpu/',
        img_suffix='.png',
        metainfo=dict(
            classes=(
                'background',
                'T-shirt/top',
                'Trouser',
                'Pullover',
                'Dress',
                'Coat',
                'Sandal',
                'Shirt',
                'Sneaker',
                'Bag',
                'Ankle boot',
            )),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='LoadAnnotations'),
            dict(type='PackSegInputs'),
        ],
        reduce_zero_label=False,
        seg_map_suffix='.png',
        type='BaseSegDataset'),
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(
    iou_metrics=[
        'mIoU',
    ], type='IoUMetric')
visualizer = dict(
    name='visualizer',
    type='SegLocalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
warmup_iters = 100
work_dir = 'work_dirs/study_scenes/seg/mae/seed2'
