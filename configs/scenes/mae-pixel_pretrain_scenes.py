# Scenes study (docs/results_scenes.md): mae-pixel pretrained on the 10k train
# Fashion-MNIST scenes (64 px, 8-px patches, a 4 x 128 ViT, 2 x 64
# decoder). scripts/study.sh --study scenes --scale sets the epochs (and,
# for gpu, the model).
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/mae-pixel_vit-tiny-p8.py',
    '../_base_/datasets/fmnist_scenes_pretrain.py',
    '../_base_/schedules/pretrain_scenes.py',
    '../_base_/default_runtime.py',
]
