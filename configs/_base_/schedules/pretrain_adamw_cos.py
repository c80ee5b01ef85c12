# One pretraining schedule for MAE and GMAE (FB-MAE recipe):
# AdamW(0.9, 0.95), wd 0.05 (not on 1-D parameters: norms, biases),
# lr = base_lr * total_batch / 256 (auto_scale_lr), linear warm-up + cosine.
max_epochs = 400
warmup_epochs = 40
base_lr = 1.5e-4
# Mixed precision as FB-MAE / mmpretrain / ViTDet / mmseg train: fp16
# autocast with a dynamic loss scale (bf16 on request:
# --cfg-options optim_wrapper.dtype=bfloat16); the GMAE renderer always runs
# in fp32. Without CUDA the tools train in fp32.
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    dtype='float16',
    optimizer=dict(
        type='AdamW', lr=base_lr, betas=(0.9, 0.95), weight_decay=0.05),
    # FB-MAE / the GMAE authors (timm add_weight_decay, no skip list): no
    # decay on 1-D parameters (norms, biases); cls / mask tokens and GMAE's
    # query embeddings are decayed (mmpretrain exempts the tokens)
    paramwise_cfg=dict(
        norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0))
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
        eta_min=0.0,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs)
default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
# mse_pixels is smoothed like the loss (mmengine logs other keys as is)
log_processor = dict(
    window_size=10,
    by_epoch=True,
    custom_cfg=[
        dict(data_src='mse_pixels', method_name='mean', window_size=10)
    ])
