auto_scale_lr = dict(base_batch_size=256, enable=True)
base_lr = 0.001
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
        'gmae_bench.batch_augments',
    ])
data_root = 'data/fashion_mnist/'
default_hooks = dict(
    checkpoint=dict(
        interval=1, max_keep_ckpts=1, type='gmae_bench.SafeCheckpointHook'),
    logger=dict(interval=20, type='LoggerHook'),
    param_scheduler=dict(type='ParamSchedulerHook'),
    runtime_info=dict(type='RuntimeInfoHook'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    timer=dict(type='IterTimerHook'))
default_scope = 'mmpretrain'
env_cfg = dict(
    cudnn_benchmark=False,
    dist_cfg=dict(backend='gloo', timeout=600),
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0))
launcher = 'none'
load_from = None
log_level = 'INFO'
log_processor = dict(by_epoch=True, window_size=10)
max_epochs = 2
model = dict(
    backbone=dict(
        arch=dict(depth=4, embed_dims=128, num_heads=4),
        drop_path_rate=0.1,
        img_size=28,
        init_cfg=dict(
            checkpoint=
            'work_dirs/study/pretrain/mae_pretrain_fmnist/seed1/epoch_6.pth',
            prefix='backbone.',
            type='Pretrained'),
        out_type='avg_featmap',
        patch_size=4,
        pos_embed_trainable=True,
        type='gmae_bench.ViT'),
    data_preprocessor=dict(
        mean=[
            123.675,
            116.28,
            103.53,
        ],
        num_classes=10,
        std=[
            58.395,
            57.12,
            57.375,
        ],
        to_rgb=True,
        type='ClsDataPreprocessor'),
    head=dict(
        in_channels=128,
        init_cfg=[
            dict(layer='Linear', std=2e-05, type='TruncNormal'),
        ],
        loss=dict(type='CrossEntropyLoss', use_soft=True),
        num_classes=10,
        type='LinearClsHead'),
    neck=None,
    train_cfg=dict(
        augments=dict(
            cutmix_alpha=1.0,
            label_smoothing=0.1,
            mixup_alpha=0.8,
            num_classes=10,
            switch_prob=0.5,
            type='gmae_bench.TimmMixup')),
    type='ImageClassifier')
optim_wrapper = dict(
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    optimizer=dict(
        betas=(
            0.9,
            0.999,
        ), lr=0.001, type='AdamW', weight_decay=0.05),
    paramwise_cfg=dict(layer_decay_rate=0.75),
    type='OptimWrapper')
param_scheduler = [
    dict(
        begin=0,
        by_epoch=True,
        convert_to_iter_based=True,
        end=1,
        start_factor=0.001,
        type='LinearLR'),
    dict(
        T_max=1,
        begin=1,
        by_epoch=True,
        convert_to_iter_based=True,
        end=2,
        eta_min=1e-06,
        type='CosineAnnealingLR'),
]
pretrained = 'work_dirs/study/pretrain/mae_pretrain_fmnist/seed1/epoch_6.pth'
randomness = dict(deterministic=False, diff_rank_seed=True, seed=1)
resume = False
test_cfg = dict()
test_dataloader = dict(
    batch_size=500,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        data_root='data/fashion_mnist/',
        download=False,
        indices=None,
        pipeline=[
            dict(type='gmae_bench.GrayToRGB'),
            dict(type='PackInputs'),
        ],
        split='test',
        type='FashionMNIST'),
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
test_evaluator = dict(topk=(1, ), type='Accuracy')
test_pipeline = [
    dict(type='gmae_bench.GrayToRGB'),
    dict(type='PackInputs'),
]
train_cfg = dict(
    max_epochs=2,
    type='gmae_bench.ResumableEpochBasedTrainLoop',
    val_interval=1)
train_dataloader = dict(
    batch_size=256,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        data_root='data/fashion_mnist/',
        download=False,
        indices=None,
        pipeline=[
            dict(type='gmae_bench.GrayToRGB'),
            dict(direction='horizontal', prob=0.5, type='RandomFlip'),
            dict(type='PackInputs'),
        ],
        split='train',
        type='FashionMNIST'),
    drop_last=True,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=True, type='DefaultSampler'))
train_pipeline = [
    dict(type='gmae_bench.GrayToRGB'),
    dict(direction='horizontal', prob=0.5, type='RandomFlip'),
    dict(type='PackInputs'),
]
val_cfg = dict()
val_dataloader = dict(
    batch_size=500,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        data_root='data/fashion_mnist/',
        download=False,
        indices=None,
        pipeline=[
            dict(type='gmae_bench.GrayToRGB'),
            dict(type='PackInputs'),
        ],
        split='test',
        type='FashionMNIST'),
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=False, type='DefaultSampler'))
val_evaluator = dict(topk=(1, ), type='Accuracy')
visualizer = dict(
    name='visualizer',
    type='UniversalVisualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
warmup_epochs = 1
work_dir = 'work_dirs/study/finetune/mae_pretrain_fmnist/seed1'
