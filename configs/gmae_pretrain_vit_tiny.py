# Tiny GMAE pretraining on ~23 real photos (scripts/prepare_data.py): the
# quick start and the CI smoke run. 64 px, patch 8, ~10 min on 2 CPU cores.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    './_base_/models/gmae_vit-b-p16.py',
    './_base_/datasets/photos_pretrain.py',
    './_base_/schedules/pretrain_adamw_cos.py',
    './_base_/default_runtime.py',
]
model = dict(
    backbone=dict(arch=dict(embed_dims=128, depth=4, num_heads=4),
                  img_size=64, patch_size=8),
    decoder=dict(embed_dims=64, depth=2, num_heads=4, num_queries=64),
    # c=2: sigma up to ~8 px = one 8-px patch at 64 px (c=1 is ~one patch at 224)
    head=dict(patch_size=8, scale_max=2.0),
)
max_epochs = 30
warmup_epochs = 2
optim_wrapper = dict(optimizer=dict(lr=1e-3))
auto_scale_lr = dict(base_batch_size=16)  # lr above is for batch 16
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs,
         eta_min=1e-5, by_epoch=True, begin=warmup_epochs, end=max_epochs,
         convert_to_iter_based=True),
]
train_cfg = dict(max_epochs=max_epochs)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=10, max_keep_ckpts=2))
custom_hooks = [
    dict(type='gmae_bench.ReconstructionHook', interval=200),
    dict(type='gmae_bench.FiniteLossHook'),
]
