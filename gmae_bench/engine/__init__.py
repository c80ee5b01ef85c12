"""Registered engine parts; ``custom_imports=['gmae_bench.engine']``.

Importing this package registers hooks and the layer-decay constructor, and
routes mmengine's local checkpoint *reading* (``--resume``, ``load_from``,
``Pretrained`` init, the test tools) through
:func:`gmae_bench.utils.checkpoint.load_from_gmae_bench` (hash check, no
code from the file, plain data of other tools allowed, FB-MAE / timm key
mapping): mmengine 0.10.7 with torch>=2.6 cannot read its own checkpoints
otherwise (``weights_only``), and the configs import this package under
the stock OpenMMLab tools too. This project's tools also call
:func:`install_safe_io`, which switches mmengine's local file *writes* to
:mod:`.atomic_io` (atomic writes, content hashes, named disk-full errors).
"""
from .atomic_io import remove_stale_temp_files
from .hooks import (CheckpointContentHook, FiniteLossHook, Fp16CompressionHook,
                    NonFiniteLossError, ReconstructionHook, RNGStateHook,
                    SafeCheckpointHook, StrictLoadHook)
from .layer_decay import LayerDecayOptimWrapperConstructor
from .preemption import (PREEMPTED_EXIT, Preempted, PreemptionHook,
                         ResumableEpochBasedTrainLoop)

# tools/train.py adds these to every run (gmae_bench.runtime.config)
GUARD_HOOKS = ('gmae_bench.FiniteLossHook', 'gmae_bench.StrictLoadHook',
               'gmae_bench.RNGStateHook', 'gmae_bench.CheckpointContentHook',
               'gmae_bench.PreemptionHook')
# ... and this loop in place of mmengine's EpochBasedTrainLoop
EPOCH_LOOP = 'gmae_bench.ResumableEpochBasedTrainLoop'
# ... and uses this in place of mmengine's CheckpointHook
CHECKPOINT_HOOK = 'gmae_bench.SafeCheckpointHook'


def register_checkpoint_reader() -> None:
    """mmengine's local checkpoint loads go through
    ``load_from_gmae_bench`` (process-wide; idempotent)."""
    from mmengine.runner import CheckpointLoader

    from ..utils.checkpoint import load_from_gmae_bench
    CheckpointLoader.register_scheme(
        prefixes='', force=True)(
            load_from_gmae_bench)


def install_safe_io() -> None:
    """Route mmengine's local writes through :mod:`.atomic_io` and its
    local checkpoint reads through ``load_from_gmae_bench`` (process-wide;
    idempotent)."""
    from . import atomic_io
    register_checkpoint_reader()
    atomic_io.install()


register_checkpoint_reader()

__all__ = [
    'CHECKPOINT_HOOK', 'EPOCH_LOOP', 'PREEMPTED_EXIT', 'Preempted',
    'PreemptionHook', 'ResumableEpochBasedTrainLoop', 'CheckpointContentHook',
    'FiniteLossHook', 'Fp16CompressionHook', 'GUARD_HOOKS',
    'LayerDecayOptimWrapperConstructor', 'NonFiniteLossError', 'RNGStateHook',
    'ReconstructionHook', 'SafeCheckpointHook', 'StrictLoadHook',
    'install_safe_io', 'register_checkpoint_reader', 'remove_stale_temp_files'
]
