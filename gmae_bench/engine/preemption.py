"""Preemption on shared clusters: stop at an iteration boundary, save, exit
with a status that says "requeue".

Slurm and Kubernetes stop a job with SIGTERM (and SIGKILL after a grace
period); ``sbatch --signal=USR1@90`` warns with SIGUSR1 ahead of time. On
either signal :class:`PreemptionHook` lets the current iteration finish,
makes every rank agree on that iteration (one all-reduce per iteration),
saves a checkpoint with every rank's random-generator states, writes the
``last_checkpoint`` record that ``--resume`` reads and ends the process
with :data:`PREEMPTED_EXIT` (75, ``EX_TEMPFAIL``: try again). Under Slurm
with ``GMAE_SLURM_REQUEUE=1`` it also asks ``scontrol requeue $SLURM_JOB_ID``
(as PyTorch Lightning's SLURM plugin does); the requeued job continues with
``--resume``. A second signal during the save changes nothing: the save is
atomic and the hook is already stopping.

:class:`ResumableEpochBasedTrainLoop` makes a mid-epoch checkpoint resume
exactly: it re-reads the batches of the epoch already trained (so the
sampler and the data pipeline's random draws are where they were), then the
saved generator states come back, then training continues.
"""
import os
import os.path as osp
import signal
import subprocess
from typing import Callable, List, Optional

import torch
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from ..registry import HOOKS, LOOPS
from .atomic_io import write_text_atomic

PREEMPTED_EXIT = 75  # sysexits.h EX_TEMPFAIL: a temporary failure, requeue
REQUEUE_ENV = 'GMAE_SLURM_REQUEUE'
SIGNALS = (signal.SIGTERM, signal.SIGUSR1)


class Preempted(SystemExit):
    """Raised after the preemption checkpoint is written; exits with
    :data:`PREEMPTED_EXIT`."""

    def __init__(self, checkpoint: str) -> None:
        super().__init__(PREEMPTED_EXIT)
        self.checkpoint = checkpoint


def checkpoint_name(runner) -> str:
    """``iter_N.pth`` in iteration-based runs; mid-epoch in epoch-based
    runs ``epoch_E_iter_N.pth`` (E: the epoch in progress, 1-based; N:
    iterations done), which sorts between ``epoch_{E-1}`` and ``epoch_E``
    (:func:`gmae_bench.utils.checkpoint.latest_checkpoint`)."""
    done = runner.iter + 1  # inside after_train_iter
    if isinstance(runner.train_loop, EpochBasedTrainLoop):
        return f'epoch_{runner.epoch + 1}_iter_{done}.pth'
    return f'iter_{done}.pth'


@HOOKS.register_module()
class PreemptionHook(Hook):
    """Save and exit on SIGTERM / SIGUSR1 (module doc); tools/train.py adds
    it to every run."""
    priority = 'LOWEST'  # after the step's own hooks (schedulers, logs)

    def __init__(self) -> None:
        self.signal: Optional[int] = None
        self._previous: dict = {}

    def _on_signal(self, signum, frame) -> None:
        if self.signal is None:  # a second signal: already stopping
            self.signal = signum

    def before_train(self, runner) -> None:
        import threading
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers live in the main thread only
        for s in SIGNALS:
            self._previous[s] = signal.signal(s, self._on_signal)

    def after_train(self, runner) -> None:
        for s, handler in self._previous.items():
            signal.signal(s, handler)
        self._previous = {}

    def _agreed(self) -> bool:
        """True on every rank if any rank was signalled."""
        import torch.distributed as dist
        flag = torch.tensor([0 if self.signal is None else 1])
        if dist.is_available() and dist.is_initialized():
            dist.all_reduce(flag, op=dist.ReduceOp.MAX)
        return bool(flag.item())

    def after_train_iter(self,
                         runner,
                         batch_idx,
                         data_batch=None,
                         outputs=None) -> None:
        if not self._agreed():
            return
        from .hooks import rng_state
        name = checkpoint_name(runner)
        path = osp.join(runner.work_dir, name)
        what = signal.Signals(self.signal).name if self.signal else 'a peer'
        runner.logger.warning(
            f'preemption ({what}): saving {path} after iteration '
            f'{runner.iter + 1}, then exiting with {PREEMPTED_EXIT}')
        states = _gather(rng_state())
        runner.save_checkpoint(
            runner.work_dir,
            name,
            meta=dict(rng_state_ranks=states),
            by_epoch=False)
        if runner.rank == 0:
            write_text_atomic(path, osp.join(runner.work_dir,
                                             'last_checkpoint'))
            _requeue(runner)
        _barrier()
        raise Preempted(path)


def _gather(obj) -> List[object]:
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        return [obj]
    out: List[object] = [None] * dist.get_world_size()
    dist.all_gather_object(out, obj)
    return out


def _barrier() -> None:
    import torch.distributed as dist
    if dist.is_available() and dist.is_initialized():
        dist.barrier()


def _requeue(runner) -> None:
    job = os.environ.get('SLURM_JOB_ID')
    if not job or os.environ.get(REQUEUE_ENV) != '1':
        return
    done = subprocess.run(['scontrol', 'requeue', job],
                          capture_output=True,
                          text=True)
    if done.returncode == 0:
        runner.logger.warning(f'requeued Slurm job {job}')
    else:
        runner.logger.error(f'scontrol requeue {job} failed: '
                            f'{done.stderr.strip() or done.returncode}')


@LOOPS.register_module()
class ResumableEpochBasedTrainLoop(EpochBasedTrainLoop):
    """mmengine's ``EpochBasedTrainLoop`` that resumes a mid-epoch
    checkpoint exactly (module doc); otherwise the same."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._after_skip: List[Callable[[], None]] = []

    @property
    def batches_to_skip(self) -> int:
        """Batches of the current epoch already trained (0 at an epoch
        start)."""
        skip = self._iter - self._epoch * len(self.dataloader)
        return skip if 0 < skip < len(self.dataloader) else 0

    def after_skip(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` once the trained batches have been re-read (the RNG
        restore of a resumed run)."""
        self._after_skip.append(fn)

    def run_epoch(self) -> None:
        self.runner.call_hook('before_train_epoch')
        self.runner.model.train()
        skip = self.batches_to_skip
        if skip:
            self.runner.logger.info(
                f'resuming mid-epoch: re-reading {skip} trained batches')
        for idx, data_batch in enumerate(self.dataloader):
            if idx < skip:
                if idx == skip - 1:  # before the next batch is drawn
                    while self._after_skip:
                        self._after_skip.pop(0)()
                continue
            self.run_iter(idx, data_batch)
        self.runner.call_hook('after_train_epoch')
        self._epoch += 1
