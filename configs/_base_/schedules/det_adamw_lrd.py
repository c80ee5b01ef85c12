# ViTDet LSJ "100 epochs" at batch 64: 184,375 iterations, AdamW(0.9,
# 0.999), lr 1e-4 for batch 64, wd 0.1, layer decay 0.7 (FB no-decay rule),
# 250 warm-up iterations, steps at 163,889 and 177,546.
max_iters = 184375
# Mixed precision as FB-MAE / mmpretrain / ViTDet / mmseg train: fp16
# autocast with a dynamic loss scale (bf16 on request:
# --cfg-options optim_wrapper.dtype=bfloat16); the GMAE renderer always runs
# in fp32. Without CUDA the tools train in fp32.
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    dtype='float16',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.1),
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.7))
auto_scale_lr = dict(base_batch_size=64, enable=True)
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0, end=250),
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=max_iters,
        milestones=[163889, 177546],
        gamma=0.1),
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=5000,
        max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
log_processor = dict(window_size=10, by_epoch=False)
# ViTDet all-reduces gradients in fp16 (NCCL only; a no-op on gloo / CPU)
custom_hooks = [dict(type='gmae_bench.Fp16CompressionHook')]
