"""Training hooks: reconstruction pictures, and the guards every run gets
(non-finite loss, strict loading, RNG states, safe checkpoint contents,
delete-after-save checkpoints)."""
import math
import os.path as osp
from collections import OrderedDict
from typing import Optional

import torch
from mmengine.hooks import CheckpointHook, Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import IterBasedTrainLoop

from ..registry import HOOKS
from ..visualization import reconstruction_grid
from .atomic_io import write_bytes_atomic, write_figure_atomic


@HOOKS.register_module()
class ReconstructionHook(Hook):
    """Save ``input | masked | reconstruction | pasted`` grids during
    pretraining (plus Gaussian centres and a size-vs-depth histogram for
    GMAE) to ``work_dir/vis/``.

    Args:
        interval: Every ``interval`` training iterations, and once at the
            end of training.
        num_images: Rows in the grid (first images of the batch).
    """
    priority = 'LOW'

    def __init__(self, interval: int = 1000, num_images: int = 8) -> None:
        self.interval, self.num_images = interval, num_images
        self._batch: Optional[dict] = None

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        self._batch = data_batch
        if self.every_n_train_iters(runner, self.interval):
            self.save(runner, f'iter_{runner.iter + 1}')

    def after_train(self, runner) -> None:
        if self._batch is not None:
            self.save(runner, 'final')

    def save(self, runner, tag: str) -> Optional[str]:
        """Render the grid for the last batch; returns the PNG path."""
        if runner.rank != 0 or self._batch is None:
            return None
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        batch = {
            k: v[:self.num_images] if v is not None else v
            for k, v in self._batch.items()
        }
        was_training = model.training
        model.eval()
        # fork_rng: the random mask drawn here must not shift training's RNG
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            torch.manual_seed(0)
            inputs = model.data_preprocessor(batch, False)['inputs']
            rec = model.reconstruct(inputs)
        model.train(was_training)
        path = osp.join(runner.work_dir, 'vis', f'reconstruction_{tag}.png')
        write_figure_atomic(reconstruction_grid(rec), path, dpi=100)
        runner.logger.info(f'reconstruction picture saved to {path}')
        return path


class NonFiniteLossError(RuntimeError):
    """Raised when the training loss is NaN or infinite."""


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training on a NaN/inf loss, before any checkpoint is written.

    It runs before ``CheckpointHook`` (higher priority), so the checkpoints
    already on disk are the last good ones; the error names them.
    """
    priority = 'ABOVE_NORMAL'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs=None) -> None:
        loss = (outputs or {}).get('loss')
        if loss is None:
            return
        value = float(loss.detach()) if hasattr(loss,
                                                'detach') else float(loss)
        if math.isfinite(value):
            return
        last = osp.join(runner.work_dir, 'last_checkpoint')
        ckpt = open(last).read().strip() if osp.exists(last) else None
        raise NonFiniteLossError(
            f'training loss is {value} at iteration {runner.iter + 1} '
            f'(epoch {runner.epoch + 1}); training stopped and nothing was '
            'saved after it. Last good checkpoint: '
            f"{ckpt or 'none written yet'}. Resume from it with "
            '`tools/train.py CONFIG --resume` after lowering the lr or '
            'enabling gradient clipping (optim_wrapper.clip_grad).')


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save the random generators' states in every checkpoint and restore
    them on resume, so that a resumed run draws the same masks and
    augmentations as an uninterrupted one (python ``random``, numpy, torch
    CPU and CUDA; dataloader workers are re-seeded per epoch by mmengine
    when ``persistent_workers=False``).

    Epoch-based loops: the states come back before the epoch's dataloader
    iterator is made; after a mid-epoch (preemption) checkpoint, once
    :class:`~.preemption.ResumableEpochBasedTrainLoop` has re-read the
    batches already trained. Iteration-based loops first re-read the batches
    already trained (to put the sampler and the workers where they were);
    this hook does that itself, *then* restores the states, and lets
    mmengine's own skip pass over nothing, so the skipped batches'
    augmentations do not shift the generators.
    """
    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._resumed: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['rng_state'] = rng_state()

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        """This rank's states: a preemption checkpoint holds every rank's
        (``meta.rng_state_ranks``), a regular one rank 0's."""
        self._resumed = checkpoint.get('rng_state')
        ranks = (checkpoint.get('meta') or {}).get('rng_state_ranks')
        if ranks and len(ranks) == runner.world_size:
            self._resumed = ranks[runner.rank]

    def before_train(self, runner) -> None:
        """Runs after resume (Runner.train loads first, then the loop)."""
        if not self._resumed:
            return
        state, self._resumed = self._resumed, None
        loop = runner.train_loop
        if getattr(loop, 'batches_to_skip', 0):  # a mid-epoch checkpoint
            loop.after_skip(lambda: self._restore(runner, state))
            return
        if isinstance(loop, IterBasedTrainLoop) and runner.iter > 0:
            for _ in range(runner.iter):  # what the loop would skip
                next(loop.dataloader_iterator)
            loop.dataloader_iterator = _AlreadySkipped(
                loop.dataloader_iterator, runner.iter)
        self._restore(runner, state)

    @staticmethod
    def _restore(runner, state: dict) -> None:
        set_rng_state(state)
        runner.logger.info('random generator states restored from the '
                           'checkpoint')


class _AlreadySkipped:
    """A dataloader iterator whose first ``n`` ``next()`` calls (the train
    loop's skip after a resume) return None without reading data."""

    def __init__(self, iterator, n: int) -> None:
        self.iterator, self.n = iterator, n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n > 0:
            self.n -= 1
            return None
        return next(self.iterator)


def rng_state() -> dict:
    """Python, numpy and torch (CPU, CUDA) generator states, as plain
    Python values and tensors (loadable with ``weights_only=True``)."""
    import random

    import numpy as np
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state = dict(
        python=random.getstate(),
        numpy=dict(
            kind=kind,
            keys=torch.from_numpy(keys.astype(np.int64)),
            pos=int(pos),
            has_gauss=int(has_gauss),
            cached=float(cached)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Inverse of :func:`rng_state`."""
    import random

    import numpy as np
    py = state['python']  # (version, tuple of ints, gauss) after a load
    random.setstate((py[0], tuple(py[1]), py[2]))
    n = state['numpy']
    if isinstance(n, dict):
        np.random.set_state((n['kind'], n['keys'].numpy().astype(np.uint32),
                             n['pos'], n['has_gauss'], n['cached']))
    else:  # the tuple written by older versions
        np.random.set_state(n)
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class CheckpointContentHook(Hook):
    """Keep training checkpoints loadable with ``weights_only=True``.

    mmengine pickles its message hub (``HistoryBuffer`` objects holding
    bound methods and numpy arrays) into every checkpoint, and unpickling
    those can run arbitrary code, so gmae_bench never does it. Before a
    save this hook turns them (and any numpy value) into tagged plain
    values; after a load, before mmengine reads them, it turns them back.
    """
    priority = 'LOWEST'  # save: after every hook has added its part

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in list(checkpoint):
            if key not in ('state_dict', 'optimizer'):  # tensors only
                checkpoint[key] = to_plain(checkpoint[key])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        for key in list(checkpoint):
            if key not in ('state_dict', 'optimizer'):
                checkpoint[key] = from_plain(checkpoint[key])


_BUFFER, _ARRAY = '__gmae_bench_history_buffer__', '__gmae_bench_ndarray__'


def to_plain(obj):
    """HistoryBuffer / numpy -> tagged dicts of Python values."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    if isinstance(obj, HistoryBuffer):
        log, count = obj.data
        return {
            _BUFFER: True,
            'log': log.tolist(),
            'count': count.tolist(),
            'max_length': int(obj.max_length)
        }
    if isinstance(obj, np.ndarray):
        return {_ARRAY: obj.tolist(), 'dtype': obj.dtype.str}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        kind = OrderedDict if isinstance(obj, OrderedDict) else dict
        return kind((k, to_plain(v)) for k, v in obj.items())
    if type(obj) in (list, tuple):
        return type(obj)(to_plain(v) for v in obj)
    return obj


def from_plain(obj):
    """Inverse of :func:`to_plain`."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    if isinstance(obj, dict):
        if obj.get(_BUFFER) is True:
            return HistoryBuffer(obj['log'], obj['count'], obj['max_length'])
        if _ARRAY in obj:
            return np.array(obj[_ARRAY], dtype=np.dtype(obj['dtype']))
        return type(obj)((k, from_plain(v)) for k, v in obj.items())
    if type(obj) in (list, tuple):
        return type(obj)(from_plain(v) for v in obj)
    return obj


@HOOKS.register_module()
class StrictLoadHook(Hook):
    """Refuse a resumed / ``load_from`` checkpoint that does not fit the
    model (mmengine loads those non-strictly and only warns), naming the
    file and the keys, before anything is loaded."""
    priority = 'VERY_HIGH'

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        from ..utils.checkpoint import check_fits, state_dict_of
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        check_fits(model.state_dict(), state_dict_of(checkpoint),
                   runner.cfg.get('load_from') or 'being loaded',
                   f'{type(model).__name__} of this config')


# sha256 (first 16 hex digits) of the mmengine 0.10.7 sources that
# SafeCheckpointHook overrides (tests/test_engine: fails on a change)
PINNED_PRIVATE_SOURCES = {
    '_save_checkpoint_with_step': 'cdbc1b54c7c88d95',
    '_save_best_checkpoint': '8e1e477297ea08d7',
}


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` that deletes an old checkpoint only
    after the new one is complete (mmengine deletes first: a kill or a full
    disk during the save then leaves no checkpoint with
    ``max_keep_ckpts=1``), and writes ``last_checkpoint`` atomically.
    ``tools/train.py`` puts it in place of ``CheckpointHook``; its
    arguments are the same.

    Pin-fragile: it overrides two *private* methods of mmengine 0.10.7's
    ``CheckpointHook`` (``_save_checkpoint_with_step``,
    ``_save_best_checkpoint``) because no public one orders the delete
    after the save. :data:`PINNED_PRIVATE_SOURCES` holds their source
    hashes; a test fails when the pinned mmengine changes them, so that
    this class is re-read against the new code."""

    def _save_checkpoint_with_step(self, runner, step, meta):
        stale = None
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                stale = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir,
                                                     ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        runner.save_checkpoint(
            self.out_dir,
            ckpt_filename,
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if runner.rank != 0:
            return
        write_bytes_atomic(
            str(self.last_ckpt).encode(),
            osp.join(runner.work_dir, 'last_checkpoint'))
        if stale is not None and stale != step:
            self._remove(
                self.file_backend.join_path(self.out_dir,
                                            self.filename_tmpl.format(stale)))

    def _save_best_checkpoint(self, runner, metrics) -> None:
        """mmengine's, with the previous best removed after the new best
        is written instead of before."""
        if not self.save_best:
            return
        single = len(getattr(self, 'key_indicators', [])) <= 1
        old = ([self.best_ckpt_path]
               if single else list(self.best_ckpt_path_dict.values()))
        if single:
            self.best_ckpt_path = None
        else:
            self.best_ckpt_path_dict = dict.fromkeys(self.best_ckpt_path_dict)
        super()._save_best_checkpoint(runner, metrics)
        new = ([self.best_ckpt_path]
               if single else list(self.best_ckpt_path_dict.values()))
        kept = [n if n is not None else o for n, o in zip(new, old)]
        if single:
            self.best_ckpt_path = kept[0]
        else:
            self.best_ckpt_path_dict = dict(
                zip(self.best_ckpt_path_dict, kept))
        if runner.rank == 0:
            for o, n in zip(old, new):
                if o and n and o != n:
                    self._remove(o)

    def _remove(self, path: str) -> None:
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)


@HOOKS.register_module()
class Fp16CompressionHook(Hook):
    """ViTDet's DDP gradient compression: gradients travel as fp16 in the
    all-reduce (``torch.distributed`` ``fp16_compress_hook``). Only under
    NCCL (CUDA); otherwise it does nothing and says so."""

    def before_train(self, runner) -> None:
        import torch.distributed as dist
        from torch.distributed.algorithms.ddp_comm_hooks import \
            default_hooks as comm_hooks
        if not is_model_wrapper(runner.model):
            return
        if dist.get_backend() != 'nccl':
            runner.logger.info('Fp16CompressionHook: not NCCL, gradients '
                               'are all-reduced in fp32')
            return
        runner.model.register_comm_hook(
            state=None, hook=comm_hooks.fp16_compress_hook)
