# Mask R-CNN on the Fashion-MNIST scenes: the ViTDet schedule's shape
# (AdamW 0.9 / 0.999, wd 0.1, layer decay 0.7, linear warm-up, x0.1 steps
# at 8/9 and 26/27 of the run) at a CPU budget of iterations; the study's
# scale sets max_iters. lr 2e-4 at batch 16 (ViTDet: 1e-4 at batch 64,
# for 184k iterations; a tiny encoder on a short run wants more).
# fp32 (a CPU config; the gpu scale adds --amp).
max_iters = 800
warmup_iters = max(1, min(100, max_iters // 10))
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=2e-4, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.7))
auto_scale_lr = dict(base_batch_size=16, enable=False)
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=warmup_iters),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=max_iters,
        milestones=[max_iters * 8 // 9, max_iters * 26 // 27],
        gamma=0.1),
]
# evaluated once, at the end, on the test scenes (tools/test.py)
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=500,
        max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
log_processor = dict(window_size=10, by_epoch=False)
