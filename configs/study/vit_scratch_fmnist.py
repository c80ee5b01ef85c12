# Study: supervised training from scratch on Fashion-MNIST on a recipe of
# its own (schedules/cls_scratch_study.py: no layer decay, weight decay
# 0.3, twice the fine-tuning epochs, as MAE's from-scratch recipe differs
# from its fine-tuning one), the baseline a pretrained encoder's
# fine-tuning must beat. Model and data as vit_finetune_fmnist.py: mean-
# pooled tokens, mixup / cutmix, label smoothing, drop path 0.1.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.engine', 'gmae_bench.batch_augments'
    ],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/vit-fmnist-p4_cls.py',
    '../_base_/datasets/fashion_mnist_study.py',
    '../_base_/schedules/cls_scratch_study.py',
    '../_base_/default_runtime.py',
]
