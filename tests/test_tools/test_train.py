"""End-to-end runs of tools/train.py and tools/dist_train.sh on real photos."""
import json
import os
import sys
from pathlib import Path

import pytest
import torch

from tests.helpers import ROOT, run_status, run_tool

FAST = [
    'train_dataloader.dataset.times=1', 'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'default_hooks.logger.interval=1', 'default_hooks.checkpoint.interval=1'
]

pytestmark = pytest.mark.slow


def run(args) -> str:
    return run_tool(args, env_extra=dict(OMP_NUM_THREADS='1'))


def scalars(work_dir: Path):
    files = sorted(work_dir.glob('*/vis_data/scalars.json'))
    assert files, f'no scalars.json under {work_dir}'
    return [json.loads(line) for line in files[-1].read_text().splitlines()]


@pytest.mark.parametrize(
    'config', ['gmae_pretrain_vit_tiny.py', 'mae_pretrain_vit_tiny.py'])
def test_train_writes_checkpoint_log_picture_and_resumes(
        config, tmp_path, data_root):
    wd = tmp_path / 'wd'
    cmd = [
        sys.executable, 'tools/train.py', f'configs/{config}', '--work-dir',
        str(wd), '--cfg-options', *FAST
    ]
    run(cmd + ['train_cfg.max_epochs=2'])
    assert (wd / 'epoch_2.pth').exists()
    assert (wd / 'vis/reconstruction_final.png').stat().st_size > 10_000
    assert list(wd.glob('*/*.log'))
    losses = [r['loss'] for r in scalars(wd) if 'loss' in r]
    assert len(losses) >= 4 and all(map(lambda v: v == v, losses))
    # resume continues from epoch 2 instead of starting over
    out = run(cmd + ['train_cfg.max_epochs=3', '--resume'])
    assert (wd / 'epoch_3.pth').exists()
    assert 'resumed epoch: 2' in out


def test_tiny_gmae_learns_on_real_photos(tmp_path, data_root):
    """Loss after 4 short epochs is well below the loss at the start."""
    wd = tmp_path / 'wd'
    run([
        sys.executable, 'tools/train.py', 'configs/gmae_pretrain_vit_tiny.py',
        '--work-dir',
        str(wd), '--cfg-options', *FAST, 'train_dataloader.dataset.times=3',
        'train_cfg.max_epochs=4', 'warmup_epochs=1'
    ])
    losses = [r['loss'] for r in scalars(wd) if 'loss' in r]
    first, last = losses[0], sum(losses[-4:]) / 4
    assert last < 0.5 * first, (first, last)


def test_dist_train_two_cpu_processes_gloo(tmp_path, data_root):
    """2 gloo processes train; each rank draws its own masks
    (randomness.diff_rank_seed, as FB-MAE's seed + rank)."""
    wd = tmp_path / 'wd'
    cfg = tmp_path / 'record_masks.py'
    cfg.write_text(f"_base_ = '{ROOT}/configs/gmae_pretrain_vit_tiny.py'\n"
                   "custom_imports = dict(imports=['gmae_bench.models', "
                   "'gmae_bench.engine', 'tests.helper_hooks'])\n"
                   "custom_hooks = [dict(type='RecordMasksHook')]\n")
    env_py = dict(PYTHON=sys.executable, PORT=str(29500 + os.getpid() % 1000))
    out = run_tool([
        'bash', 'tools/dist_train.sh',
        str(cfg), '2', '--work-dir',
        str(wd), '--cfg-options', *FAST, 'train_cfg.max_epochs=1'
    ],
                   env_extra=dict(OMP_NUM_THREADS='1', **env_py),
                   timeout=600)
    assert (wd / 'epoch_1.pth').exists()
    assert "dist_cfg: {'backend': 'gloo', 'timeout': 600}" in out
    assert 'Distributed training: True' in out and 'GPU number: 2' in out
    m0, m1 = (torch.load(wd / f'masks_rank{r}.pt') for r in (0, 1))
    assert m0.shape == m1.shape and m0.sum() == m1.sum()  # same ratio
    assert not torch.equal(m0, m1)  # but other patches


def test_amp_without_cuda_is_a_clear_error(tmp_path):
    if torch.cuda.is_available():
        pytest.skip('has CUDA')
    proc = run_status([
        sys.executable, 'tools/train.py', 'configs/gmae_pretrain_vit_tiny.py',
        '--work-dir',
        str(tmp_path), '--amp'
    ])
    assert proc.returncode != 0 and '--amp needs a CUDA device' in proc.stderr


def test_test_tool_refuses_a_pretraining_config(tmp_path):
    ckpt = tmp_path / 'x.pth'
    ckpt.write_bytes(b'')
    proc = run_status([
        sys.executable, 'tools/test.py', 'configs/gmae_pretrain_vit_tiny.py',
        str(ckpt)
    ])
    assert proc.returncode != 0
    assert 'has no test set (test_dataloader / test_evaluator)' in \
        proc.stderr
