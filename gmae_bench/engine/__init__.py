"""Registered engine parts; ``custom_imports=['gmae_bench.engine']``.

Importing this package registers hooks and the layer-decay constructor and
changes nothing else. The tools then call :func:`install_safe_io` once,
which switches mmengine's local file I/O for the whole process to
:mod:`.atomic_io` (atomic writes, content hashes, named disk-full errors)
and its local checkpoint loading (``--resume``, ``load_from``,
``Pretrained`` init) to
:func:`gmae_bench.utils.checkpoint.load_from_gmae_bench` (hash check, no
unpickling, FB-MAE key mapping). mmengine 0.10.7 with
torch>=2.6 cannot resume its own checkpoints otherwise (``weights_only``).
"""
from .atomic_io import remove_stale_temp_files
from .hooks import (CheckpointContentHook, FiniteLossHook, Fp16CompressionHook,
                    NonFiniteLossError, ReconstructionHook, RNGStateHook,
                    SafeCheckpointHook, StrictLoadHook)
from .layer_decay import LayerDecayOptimWrapperConstructor

# tools/train.py adds these to every run (gmae_bench.apis.runtime)
GUARD_HOOKS = ('gmae_bench.FiniteLossHook', 'gmae_bench.StrictLoadHook',
               'gmae_bench.RNGStateHook', 'gmae_bench.CheckpointContentHook')
# ... and uses this in place of mmengine's CheckpointHook
CHECKPOINT_HOOK = 'gmae_bench.SafeCheckpointHook'


def install_safe_io() -> None:
    """Route mmengine's local writes through :mod:`.atomic_io` and its
    local checkpoint reads through ``load_from_gmae_bench`` (process-wide;
    idempotent)."""
    from mmengine.runner import CheckpointLoader

    from ..utils.checkpoint import load_from_gmae_bench
    from . import atomic_io
    CheckpointLoader.register_scheme(
        prefixes='', force=True)(
            load_from_gmae_bench)
    atomic_io.install()


__all__ = [
    'CHECKPOINT_HOOK', 'CheckpointContentHook', 'FiniteLossHook',
    'Fp16CompressionHook', 'GUARD_HOOKS', 'LayerDecayOptimWrapperConstructor',
    'NonFiniteLossError', 'RNGStateHook', 'ReconstructionHook',
    'SafeCheckpointHook', 'StrictLoadHook', 'install_safe_io',
    'remove_stale_temp_files'
]
