"""Measurement code of the benchmark tools (the tools stay thin): shared
step timing (:mod:`.timing`) and the GPU table (:mod:`.gpu`)."""
from .timing import (RenderClock, build_model, photo_batch,
                     pretrain_step_benchmark, step_benchmark_args, sync, timed)

__all__ = [
    'RenderClock', 'build_model', 'photo_batch', 'pretrain_step_benchmark',
    'step_benchmark_args', 'sync', 'timed'
]
