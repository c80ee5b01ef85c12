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
    ])
data_root = 'data/fmnist_scenes/cpu/'
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
log_processor = dict(
    by_epoch=True,
    custom_cfg=[
        dict(data_src='mse_pixels', method_name='mean', window_size=10),
    ],
    window_size=10)
max_epochs = 30
model = dict(
    backbone=dict(
        arch=dict(depth=4, embed_dims=128, num_heads=4),
        img_size=64,
        mask_ratio=0.75,
        patch_size=8,
        type='gmae_bench.ViT'),
    decoder=dict(
        depth=2,
        embed_dims=64,
        num_heads=4,
        num_queries=64,
        out_dim=14,
        pred_bias=False,
        pred_init='torch_default',
        type='gmae_bench.MAEDecoder'),
    head=dict(
        norm_pix=False,
        patch_size=8,
        renderer=dict(
            backend='auto',
            background=None,
            camera=dict(distance=8.0, model='ortho', size_by_depth=True)),
        scale_max=2.0,
        target='pixels',
        type='gmae_bench.GaussianHead'),
    type='gmae_bench.MaskedAutoencoder')
optim_wrapper = dict(
    optimizer=dict(
        betas=(
            0.9,
            0.95,
        ), lr=0.001, type='AdamW', weight_decay=0.05),
    paramwise_cfg=dict(
        bias_decay_mult=0.0, flat_decay_mult=0.0, norm_decay_mult=0.0),
    type='OptimWrapper')
param_scheduler = [
    dict(
        begin=0,
        by_epoch=True,
        convert_to_iter_based=True,
        end=3,
        start_factor=0.001,
        type='LinearLR'),
    dict(
        T_max=27,
        begin=3,
        by_epoch=True,
        convert_to_iter_based=True,
        end=30,
        eta_min=1e-05,
        type='CosineAnnealingLR'),
]
randomness = dict(deterministic=False, diff_rank_seed=True, seed=0)
resume = False
train_cfg = dict(max_epochs=30, type='gmae_bench.ResumableEpochBasedTrainLoop')
train_dataloader = dict(
    batch_size=128,
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        data_prefix='train/images',
        data_root='data/fmnist_scenes/cpu/',
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(direction='horizontal', prob=0.5, type='RandomFlip'),
            dict(type='PackInputs'),
        ],
        type='CustomDataset',
        with_label=False),
    drop_last=True,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(shuffle=True, type='DefaultSampler'))
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(direction='horizontal', prob=0.5, type='RandomFlip'),
    dict(type='PackInputs'),
]
visualizer = dict(
    name='visualizer',
    type='Visualizer',
    vis_backends=[
        dict(type='LocalVisBackend'),
    ])
warmup_epochs = 3
work_dir = '/tmp/wd_sc/pretrain/gmae-white/seed0'
