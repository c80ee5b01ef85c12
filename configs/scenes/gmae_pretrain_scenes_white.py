# Ablation of the scenes study: GMAE rendered over the authors' white
# background (gsplat 0.1.0's default) while the scenes are black, so the
# Gaussians must also paint the background. Otherwise
# gmae_pretrain_scenes.py.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    '../_base_/models/gmae_vit-tiny-p8.py',
    '../_base_/datasets/fmnist_scenes_pretrain.py',
    '../_base_/schedules/pretrain_scenes.py',
    '../_base_/default_runtime.py',
]
model = dict(head=dict(renderer=dict(background=None)))  # None = white
