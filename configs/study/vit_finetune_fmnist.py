# Study: end-to-end fine-tuning on Fashion-MNIST (60k train, 10k test) of a
# pretrained study encoder (pretrained=PATH, set by scripts/study.sh), or
# supervised training from scratch with the same recipe and epochs
# (pretrained=None). FB-MAE's recipe: mean-pooled tokens, layer decay,
# mixup / cutmix, label smoothing, drop path 0.1; the epochs of
# schedules/cls_ft_study.py (2, the CPU budget; --scale sets them).
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=[
        'gmae_bench.models', 'gmae_bench.engine', 'gmae_bench.batch_augments'
    ],
    allow_failed_imports=False)
pretrained = None
_base_ = [
    '../_base_/models/vit-fmnist-p4_cls.py',
    '../_base_/datasets/fashion_mnist_study.py',
    '../_base_/schedules/cls_ft_study.py',
    '../_base_/default_runtime.py',
]
model = dict(
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
