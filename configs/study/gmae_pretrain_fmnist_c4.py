# Study ablation: max scale c = 4 (x2 of the default 2, as the paper's 2
# vs 1).
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
model = dict(head=dict(scale_max=4.0))
