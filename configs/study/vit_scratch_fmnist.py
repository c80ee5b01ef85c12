# Study: supervised training from scratch on Fashion-MNIST on a recipe of
# its own, the baseline a pretrained encoder's fine-tuning must beat. As
# MAE's from-scratch recipe differs from its fine-tuning one: no layer
# decay (every block learns at the full rate), weight decay 0.3, and
# longer (the study runs it SCRATCH_LENGTH = 2 x the fine-tuning epochs;
# --cfg-options max_epochs=N sets it). Mixup / cutmix, label smoothing and
# drop path stay, as in MAE's from-scratch recipe.
_base_ = './vit_finetune_fmnist.py'
max_epochs = 4
warmup_epochs = 1
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(
        type='AdamW', lr=1e-3, betas=(0.9, 0.999), weight_decay=0.3))
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
train_cfg = dict(max_epochs=max_epochs)
