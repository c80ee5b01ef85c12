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

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
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
        batch = {k: v[:self.num_images] if v is not None else v
                 for k, v in self._batch.items()}
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

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        loss = (outputs or {}).get('loss')
        if loss is None:
            return
        value = float(loss.detach()) if hasattr(loss, 'detach') else float(loss)
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
