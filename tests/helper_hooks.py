"""Test-only hooks, loaded by temporary configs through custom_imports."""
import os
import signal

import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class KillAtIterHook(Hook):
    """SIGKILL the training process before iteration ``at`` (1-based): a
    crash with no cleanup, no final checkpoint."""

    def __init__(self, at: int) -> None:
        self.at = at

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.at:
            os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class NaNAtIterHook(Hook):
    """Poison one weight with NaN before iteration ``at`` (1-based)."""

    def __init__(self, at: int) -> None:
        self.at = at

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.iter + 1 == self.at:
            model = getattr(runner.model, 'module', runner.model)
            with torch.no_grad():
                model.decoder.pred.weight.fill_(float('nan'))


@HOOKS.register_module()
class KillInSaveHook(Hook):
    """SIGKILL inside the checkpoint save of epoch / iteration ``at``
    (before the file is written): a kill or power loss during a save."""

    def __init__(self, at: int) -> None:
        self.at = at

    def before_save_checkpoint(self, runner, checkpoint):
        step = checkpoint['meta']['epoch'] if 'epoch' in checkpoint.get(
            'meta', {}) else runner.iter
        if step == self.at and runner.iter > 0:
            os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class StopRankHook(Hook):
    """SIGSTOP rank ``rank`` before iteration ``at`` (a frozen process);
    its pid goes to ``work_dir/stopped.pid`` so the test can kill it."""

    def __init__(self, rank: int, at: int) -> None:
        self.rank, self.at = rank, at

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if runner.rank == self.rank and runner.iter + 1 == self.at:
            with open(os.path.join(runner.work_dir, 'stopped.pid'), 'w') as f:
                f.write(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGSTOP)


@HOOKS.register_module()
class RecordMasksHook(Hook):
    """Save the masks each rank draws in its first iteration to
    ``work_dir/masks_rank<r>.pt``."""

    def before_train(self, runner):
        model = getattr(runner.model, 'module', runner.model)
        inner = model.backbone.forward_masked
        path = os.path.join(runner.work_dir, f'masks_rank{runner.rank}.pt')

        def recording(*args, **kwargs):
            latent, mask, ids = inner(*args, **kwargs)
            if not os.path.exists(path):
                torch.save(mask.detach().cpu(), path)
            return latent, mask, ids

        model.backbone.forward_masked = recording
