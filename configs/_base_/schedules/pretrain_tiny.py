# Short CPU schedule for the tiny pretraining runs: 30 epochs over the
# repeated photo set (~870 iterations at batch 16), AdamW lr 1e-3 for batch
# 16, 2 warm-up epochs, cosine; otherwise pretrain_adamw_cos.py.
_base_ = './pretrain_adamw_cos.py'
max_epochs = 30
warmup_epochs = 2
optim_wrapper = dict(optimizer=dict(lr=1e-3))
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
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=10))
