# Pretraining on the Fashion-MNIST scenes (configs/scenes/): the FB-MAE
# recipe (AdamW 0.9 / 0.95, wd 0.05, linear warm-up then cosine) at a CPU
# budget; the study's scale sets the epochs (--cfg-options max_epochs=N).
# lr 1e-3 at batch 256 as the Fashion-MNIST study (the recipe's 1.5e-4 is
# tuned for 400 epochs). fp32 (a CPU config; the gpu scale adds --amp).
max_epochs = 30
warmup_epochs = max(1, max_epochs // 10)  # 10 % of the run
base_lr = 1e-3
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=base_lr, betas=(0.9, 0.95), weight_decay=0.05),
    # FB-MAE / the GMAE authors: no decay on 1-D parameters
    paramwise_cfg=dict(
        norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=1e-3,
        by_epoch=True,
        begin=0,
        end=warmup_epochs,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs - warmup_epochs,
        eta_min=1e-5,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]
auto_scale_lr = dict(base_batch_size=256, enable=True)
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
log_processor = dict(
    window_size=10,
    by_epoch=True,
    custom_cfg=[
        dict(data_src='mse_pixels', method_name='mean', window_size=10)
    ])
