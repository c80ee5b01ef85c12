# 8 iterations for the CPU runs (validation at the end); lr for batch 2.
_base_ = './seg_adamw_lrd_160k.py'
max_iters = 8
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
auto_scale_lr = dict(base_batch_size=2)
# fp32: a CPU config (mmengine allows AmpOptimWrapper only on accelerators,
# so the stock OpenMMLab tools could not run it); otherwise the recipe's.
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-4, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=2),
]
default_hooks = dict(
    logger=dict(interval=2), checkpoint=dict(interval=max_iters))
