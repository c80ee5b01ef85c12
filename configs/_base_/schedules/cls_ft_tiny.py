# 2 short fine-tuning epochs for the CPU runs; lr 1e-3 for batch 32.
_base_ = './cls_ft_adamw_lrd.py'
max_epochs = 2
warmup_epochs = 1
train_cfg = dict(max_epochs=max_epochs)
auto_scale_lr = dict(base_batch_size=32)
# fp32: a CPU config (mmengine allows AmpOptimWrapper only on accelerators,
# so the stock OpenMMLab tools could not run it); otherwise the recipe's.
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.05),
    constructor='gmae_bench.LayerDecayOptimWrapperConstructor',
    paramwise_cfg=dict(layer_decay_rate=0.65))
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
        eta_min=1e-6,
        by_epoch=True,
        begin=warmup_epochs,
        end=max_epochs,
        convert_to_iter_based=True),
]
default_hooks = dict(logger=dict(interval=10))
