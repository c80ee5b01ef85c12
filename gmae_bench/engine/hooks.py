"""Training hooks: reconstruction pictures and a non-finite-loss guard."""
import math
import os.path as osp
from typing import Optional

import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..registry import HOOKS
from ..visualization import reconstruction_grid


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
        reconstruction_grid(rec, path)
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
    when ``persistent_workers=False``)."""
    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._resumed: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        import random

        import numpy as np
        state = dict(
            python=random.getstate(),
            numpy=np.random.get_state(),
            torch=torch.get_rng_state())
        if torch.cuda.is_available():
            state['cuda'] = torch.cuda.get_rng_state_all()
        checkpoint['rng_state'] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._resumed = checkpoint.get('rng_state')

    def before_train(self, runner) -> None:
        """Runs after resume (Runner.train loads first, then the loop)."""
        if not self._resumed:
            return
        import random

        import numpy as np
        state, self._resumed = self._resumed, None
        random.setstate(state['python'])
        np.random.set_state(state['numpy'])
        torch.set_rng_state(state['torch'])
        if 'cuda' in state and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state['cuda'])
        runner.logger.info('random generator states restored from the '
                           'checkpoint')


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
                   getattr(runner, '_load_from', None) or 'being loaded',
                   f'{type(model).__name__} of this config')
