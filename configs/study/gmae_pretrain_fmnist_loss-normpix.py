# Study ablation: the loss on masked patches against per-patch normalised
# targets
# (MAE's norm_pix applied to GMAE's rendered [0, 1] image, as the paper's
# 'norm-patch' row).
# Everything else as gmae_pretrain_fmnist.py.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/gmae_vit-fmnist-p4.py',
    '../_base_/datasets/fashion_mnist_pretrain.py',
    '../_base_/schedules/pretrain_study.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(norm_pix=True))
