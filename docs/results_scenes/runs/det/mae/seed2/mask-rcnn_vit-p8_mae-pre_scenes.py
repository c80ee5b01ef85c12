auto_scale_lr = dict(base_batch_size=16, enable=False)
channels = 64
classes = (
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
        'gmae_bench.models.det_heads',
        'gmae_bench.engine',
    ])
data_root = 'data/fmnist_scenes/cpu/'
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
default_scope = 'mmdet'
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='gloo', timeout=600),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
image_size = (
    64,
    64,
)
launcher = 'none'
load_from = 'work_dirs/study_scenes/det/mae/seed2/iter_800.pth'
log_level = 'INFO'
log_processor = dict(by_epoch=False, window_size=10)
max_iters = 800
model = dict(
    _scope_='mmdet',
    backbone=dict(
        arch=dict(depth=4, embed_dims=128, num_heads=4),
        drop_path_rate=0.1,
        img_size=64,
        init_cfg=dict(
            checkpoint='work_dirs/mae_pretrain_scenes/epoch_30.pth',
            prefix='backbone.',
            type='Pretrained'),
        norm_eps=1e-05,
        out_indices=(3, ),
        out_type='featmap',
        patch_size=8,
        pos_embed_trainable=True,
        pretrain_img_size=64,
        type='gmae_bench.ViT',
        use_rel_pos=True,
        window_block_indexes=(
            0,
            2,
        ),
        window_size=4),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            123.675,
            116.28,
            103.53,
        ],
        pad_mask=True,
        pad_size_divisor=32,
        std=[
            58.395,
            57.12,
            57.375,
        ],
        type='DetDataPreprocessor'),
    neck=dict(
        in_channels=128,
        norm_cfg=dict(num_groups=32, requires_grad=True, type='GN'),
        num_outs=5,
        out_channels=64,
        type='gmae_bench.SimpleFPN'),
    roi_head=dict(
        bbox_head=dict(
            bbox_coder=dict(
                target_means=[
                    0.0,
                    0.0,
                    0.0,
                    0.0,
                ],
                target_stds=[
                    0.1,
                    0.1,
                    0.2,
                    0.2,
                ],
                type='DeltaXYWHBBoxCoder'),
            conv_out_channels=64,
            fc_out_channels=1024,
            in_channels=64,
            loss_bbox=dict(loss_weight=1.0, type='L1Loss'),
            loss_cls=dict(
                loss_weight=1.0, type='CrossEntropyLoss', use_sigmoid=False),
            norm_cfg=dict(num_groups=32, requires_grad=True, type='GN'),
            num_classes=10,
            reg_class_agnostic=False,
            roi_feat_size=7,
            type='Shared4Conv1FCBBoxHead'),
        bbox_roi_extractor=dict(
            featmap_strides=[
                2,
                4,
                8,
                16,
            ],
            out_channels=64,
            roi_layer=dict(output_size=7, sampling_ratio=2, type='RoIAlign'),
            type='SingleRoIExtractor'),
        mask_head=dict(
            conv_out_channels=64,
            in_channels=64,
            loss_mask=dict(
                loss_weight=1.0, type='CrossEntropyLoss', use_mask=True),
            norm_cfg=dict(num_groups=32, requires_grad=True, type='GN'),
            num_classes=10,
            num_convs=4,
            type='FCNMaskHead'),
        mask_roi_extractor=dict(
            featmap_strides=[
                2,
                4,
                8,
                16,
            ],
            out_channels=64,
            roi_layer=dict(output_size=14, sampling_ratio=2, type='RoIAlign'),
            type='SingleRoIExtractor'),
        type='gmae_bench.ContentRoIHead'),
    rpn_head=dict(
        anchor_generator=dict(
            ratios=[
                0.5,
                1.0,
                2.0,
            ],
            scales=[
                8,
            ],
            strides=[
                2,
                4,
                8,
                16,
                32,
            ],
            type='AnchorGenerator'),
        bbox_coder=dict(
            target_means=[
                0.0,
                0.0,
                0.0,
                0.0,
            ],
            target_stds=[
                1.0,
                1.0,
                1.0,
                1.0,
            ],
            type='DeltaXYWHBBoxCoder'),
        feat_channels=64,
        in_channels=64,
        loss_bbox=dict(loss_weight=1.0, type='L1Loss'),
        loss_cls=dict(
            loss_weight=1.0, type='CrossEntropyLoss', use_sigmoid=True),
        num_convs=2,
        type='RPNHead'),
    test_cfg=dict(
        rcnn=dict(
            mask_thr_binary=0.5,
            max_per_img=100,
            nms=dict(iou_threshold=0.5, type='nms'),
            score_thr=0.0),
        rpn=dict(
            max_per_img=100,
            min_bbox_size=0,
            nms=dict(iou_threshold=0.7, type='nms'),
            nms_pre=300)),
    train_cfg=dict(
        rcnn=dict(
            assigner=dict(
                ignore_iof_thr=-1,
                match_low_quality=True,
                min_pos_iou=0.5,
                neg_iou_thr=0.5,
                pos_iou_thr=0.5,
                type='MaxIoUAssigner'),
            debug=False,
            mask_size=28,
            pos_weight=-1,
            sampler=dict(
                add_gt_as_proposals=True,
                neg_pos_ub=-1,
                num=32,
                pos_fraction=0.25,
                type='RandomSampler')),
        rpn=dict(
            allowed_border=-1,
            assigner=dict(
                ignore_iof_thr=-1,
                match_low_quality=True,
                min_pos_iou=0.3,
                neg_iou_thr=0.3,
                pos_iou_thr=0.7,
                type='MaxIoUAssigner'),
            debug=False,
            pos_weight=-1,
            sampler=dict(
                add_gt_as_proposals=False,
                neg_pos_ub=-1,
                num=256,
                pos_fraction=0.5,
                type='RandomSampler')),
        rpn_proposal=dict(
            max_per_img=100,
            min_bbox_size=0,
            nms=dict(iou_threshold=0.7, type='nms'),
            nms_pre=300)),
    type='MaskRCNN')
norm_cfg = dict(num_groups=32, requires_grad=True, type='GN')
optim_wrapper = dict(
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    optimizer=dict(
        betas=(
            0.9,
            0.999,
        ), lr=0.0002, type='AdamW', weight_decay=0.1),
    paramwise_cfg=dict(layer_decay_rate=0.7),
    type='OptimWrapper')
param_scheduler = [
    dict(begin=0, by_epoch=False, end=80, start_factor=0.001, type='LinearLR'),
    dict(
        begin=0,
        by_epoch=False,
        end=800,
        gamma=0.1,
        milestones=[
            711,
            770,
        ],
        type='MultiStepLR'),
]
pretrained = 'work_dirs/mae_pretrain_scenes/epoch_30.pth'
randomness = dict(deterministic=False, diff_rank_seed=True, seed=0)
resume = False
strides = [
    2,
    4,
    8,
    16,
    32,
]
test_cfg = dict(type='TestLoop')
test_dataloader = dict(
    batch_size=16,
    dataset=dict(
        ann_file='annotations/test.json',
        data_prefix=dict(img='test/images/'),
        data_root='data/fmnist_scenes/cpu/',
        metainfo=dict(
            classes=(
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
            dict(keep_ratio=True, scale=(
                64,
                64,
            ), type='Resize'),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                ),
                type='PackDetInputs'),
        ],
        test_mode=True,
        type='CocoDataset'),
    drop_last=False,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(
    ann_file='data/fmnist_scenes/cpu/annotations/test.json',
    format_only=False,
    metric=[
        'bbox',
        'segm',
    ],
    type='CocoMetric')
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(keep_ratio=True, scale=(
        64,
        64,
    ), type='Resize'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        meta_keys=(
            'img_id',
            'img_path',
            'ori_shape',
            'img_shape',
            'scale_factor',
        ),
        type='PackDetInputs'),
]
train_cfg = dict(max_iters=800, type='IterBasedTrainLoop', val_interval=800)
train_dataloader = dict(
    batch_size=16,
    dataset=dict(
        ann_file='annotations/train.json',
        data_prefix=dict(img='train/images/'),
        data_root='data/fmnist_scenes/cpu/',
        filter_cfg=dict(filter_empty_gt=True),
        metainfo=dict(
            classes=(
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
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(prob=0.5, type='RandomFlip'),
            dict(type='PackDetInputs'),
        ],
        type='CocoDataset'),
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=True, type='InfiniteSampler'))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(prob=0.5, type='RandomFlip'),
    dict(type='PackDetInputs'),
]
val_cfg = dict(type='ValLoop')
val_dataloader = dict(
    batch_size=16,
    dataset=dict(
        ann_file='annotations/test.json',
        data_prefix=dict(img='test/images/'),
        data_root='data/fmnist_scenes/cpu/',
        metainfo=dict(
            classes=(
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
            dict(keep_ratio=True, scale=(
                64,
                64,
            ), type='Resize'),
            dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
            dict(
                meta_keys=(
                    'img_id',
                    'img_path',
                    'ori_shape',
                    'img_shape',
                    'scale_factor',
                ),
                type='PackDetInputs'),
        ],
        test_mode=True,
        type='CocoDataset'),
    drop_last=False,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(
    ann_file='data/fmnist_scenes/cpu/annotations/test.json',
    format_only=False,
    metric=[
        'bbox',
        'segm',
    ],
    type='CocoMetric')
visualizer = dict(
    name='visualizer',
    type='DetLocalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
warmup_iters = 80
work_dir = 'work_dirs/study_scenes/det/mae/seed2'
