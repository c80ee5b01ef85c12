# 2 short linear-probe epochs for the CPU runs; LARS at FB's absolute lr 6.4.
_base_ = './cls_linear_lars.py'
max_epochs = 2
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs)
auto_scale_lr = dict(base_batch_size=32)
# fp32: a CPU config (mmengine allows AmpOptimWrapper only on accelerators,
# so the stock OpenMMLab tools could not run it); otherwise the recipe's.
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='LARS', lr=6.4, weight_decay=0.0, momentum=0.9),
    paramwise_cfg=dict(
        custom_keys={'bias': dict(decay_mult=0.0, lars_exclude=True)}))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
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
default_hooks = dict(logger=dict(interval=10))
