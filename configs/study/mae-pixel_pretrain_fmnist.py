# Study (docs/results.md): MAE without norm_pix (the pixel-space twin of
# GMAE) pretrained on the
# whole Fashion-MNIST train split (60k), 28 px, 4-px patches, a 4 x 128 ViT.
# Sized for 2 CPU cores (the cpu scale's costs are measured in
# docs/results.md); scripts/study.sh --scale sets the epochs (and, for gpu,
# the model) per scale.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/mae-pixel_vit-fmnist-p4.py',
    '../_base_/datasets/fashion_mnist_pretrain.py',
    '../_base_/schedules/pretrain_study.py',
    '../_base_/default_runtime.py',
]
