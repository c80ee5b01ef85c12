# Short CPU schedule for the tiny pretraining runs: 30 epochs over the
# repeated photo set (~870 iterations at batch 16), AdamW lr 1e-3 for batch
# 16, 2 warm-up epochs, cosine; otherwise pretrain_adamw_cos.py.
_base_ = './pretrain_adamw_cos.py'
max_epochs = 30
warmup_epochs = 2
# fp32: a CPU config (mmengine allows AmpOptimWrapper only on accelerators,
# so the stock OpenMMLab tools could not run it); otherwise the recipe's.
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-3, betas=(0.9, 0.95), weight_decay=0.05),
    paramwise_cfg=dict(
        norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0))
auto_scale_lr = dict(base_batch_size=16)
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
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(logger=dict(interval=10), checkpoint=dict(interval=10))
