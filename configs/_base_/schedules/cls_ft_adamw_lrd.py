# ImageNet fine-tuning (FB-MAE): 100 epochs, AdamW(0.9, 0.999), wd 0.05,
# lr = 5e-4 * total_batch / 256, layer decay 0.65, 5 warm-up epochs, cosine.
max_epochs = 100
warmup_epochs = 5
base_lr = 5e-4
# Mixed precision as FB-MAE / mmpretrain / ViTDet / mmseg train: fp16
# autocast with a dynamic loss scale (bf16 on request:
# --cfg-options optim_wrapper.dtype=bfloat16); the GMAE renderer always runs
# in fp32. Without CUDA the tools train in fp32.
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    dtype='float16',
    optimizer=dict(
        type='AdamW', lr=base_lr, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65))
auto_scale_lr = dict(base_batch_size=256, enable=True)
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-4,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        eta_min=1e-6,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
val_cfg = dict()
test_cfg = dict()
default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', interval=1, max_keep_ckpts=2, save_best='auto'),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
log_processor = dict(window_size=10, by_epoch=True)
