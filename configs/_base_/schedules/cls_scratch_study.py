# The study's from-scratch schedule: supervised training of a random-init
# encoder on a recipe of its own, as MAE's from-scratch recipe differs from
# its fine-tuning one: no layer decay (every block learns at the full
# rate) and weight decay 0.3; AdamW lr 1e-3 at batch 256, 1 warm-up epoch,
# cosine. 4 epochs, twice the fine-tuning schedule (cls_ft_study.py): a
# random init needs longer (the study sets max_epochs per label share).
max_epochs = 4
warmup_epochs = 1
base_lr = 1e-3
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=base_lr, betas=(0.9, 0.999), weight_decay=0.3))
auto_scale_lr = dict(base_batch_size=256, enable=True)
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
    logger=dict(type='LoggerHook', interval=20),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=1),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
log_processor = dict(window_size=10, by_epoch=True)
