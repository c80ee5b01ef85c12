# Study ablation (three seeds): GMAE rendered over a black background, as
# every Fashion-MNIST item lies on black; the default renders over the
# authors' white (gsplat 0.1.0's default), so its Gaussians must also
# paint the background. Everything else as gmae_pretrain_fmnist.py.
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
model = dict(head=dict(renderer=dict(background=(0.0, 0.0, 0.0))))
