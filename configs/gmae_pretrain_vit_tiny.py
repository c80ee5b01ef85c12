# Tiny GMAE pretraining on ~23 real photos (scripts/prepare_data.py): the
# quick start and the CI smoke run. 64 px, patch 8, ~6 min on 2 CPU cores.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['gmae_bench.models', 'gmae_bench.engine'],
    allow_failed_imports=False)
_base_ = [
    './_base_/models/gmae_vit-tiny-p8.py',
    './_base_/datasets/photos_pretrain.py',
    './_base_/schedules/pretrain_tiny.py',
    './_base_/default_runtime.py',
]
custom_hooks = [
    dict(type='gmae_bench.ReconstructionHook', interval=200),
]
