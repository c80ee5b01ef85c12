"""Registered engine parts; ``custom_imports=['gmae_bench.engine']``.

Importing this module also makes mmengine's local writes atomic
(:mod:`.atomic_io`) and routes its local checkpoint loading
(``--resume``, ``load_from``) through
:func:`gmae_bench.utils.checkpoint.load_checkpoint_file`, which names the file
in its errors and reads mmengine checkpoints under torch>=2.6 (whose
``weights_only`` default cannot unpickle mmengine's message hub) without the
process-wide ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD`` switch.
"""
from mmengine.runner import CheckpointLoader

from ..utils.checkpoint import mmengine_local_loader
from . import atomic_io
from .hooks import (FiniteLossHook, NonFiniteLossError, ReconstructionHook,
                    RNGStateHook, StrictLoadHook)
from .layer_decay import LayerDecayOptimWrapperConstructor

CheckpointLoader.register_scheme(
    prefixes='', force=True)(
        mmengine_local_loader)
atomic_io.install()

# tools/train.py adds these to every run (see gmae_bench.utils.config)
GUARD_HOOKS = ('gmae_bench.FiniteLossHook', 'gmae_bench.StrictLoadHook',
               'gmae_bench.RNGStateHook')

__all__ = [
    'FiniteLossHook', 'GUARD_HOOKS', 'LayerDecayOptimWrapperConstructor',
    'NonFiniteLossError', 'RNGStateHook', 'ReconstructionHook',
    'StrictLoadHook'
]
