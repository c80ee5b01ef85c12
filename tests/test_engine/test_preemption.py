"""Preemption: SIGTERM to a 2-process CPU run mid-epoch saves, exits 75 and
``--resume`` gives weights bit-identical to an uninterrupted run; a second
signal during the save corrupts nothing; checkpoint names sort in time."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from gmae_bench.engine import PREEMPTED_EXIT
from gmae_bench.utils.checkpoint import latest_checkpoint, verify_sha256
from tests.helpers import ROOT

CONFIG = 'configs/gmae_pretrain_vit_tiny.py'
OPTS = [
    '--cfg-options', 'train_dataloader.dataset.times=8',
    'train_cfg.max_epochs=2', 'train_dataloader.num_workers=0',
    'default_hooks.logger.interval=1', 'custom_hooks=[]'
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def launch(work_dir: Path, *extra):
    """Two ranks as torchrun starts them (env rendezvous, gloo)."""
    port = str(free_port())
    procs = []
    for rank in (0, 1):
        env = dict(
            os.environ,
            RANK=str(rank),
            LOCAL_RANK=str(rank),
            WORLD_SIZE='2',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=port,
            OMP_NUM_THREADS='1',
            PYTHONUNBUFFERED='1')
        log = open(work_dir.parent / f'{work_dir.name}_rank{rank}.log', 'a')
        procs.append(
            subprocess.Popen([
                sys.executable, 'tools/train.py', CONFIG, '--work-dir',
                str(work_dir), '--launcher', 'pytorch', *extra, *OPTS
            ],
                             cwd=ROOT,
                             env=env,
                             stdout=log,
                             stderr=subprocess.STDOUT))
    return procs


def wait(procs, timeout=600):
    return [p.wait(timeout=timeout) for p in procs]


def wait_for(path: Path, text: str, timeout=300):
    end = time.time() + timeout
    while time.time() < end:
        if path.exists() and text in path.read_text(errors='replace'):
            return
        time.sleep(0.2)
    raise AssertionError(f'{text!r} never appeared in {path}')


def weights(path: Path) -> dict:
    return torch.load(path, weights_only=True)['state_dict']


@pytest.fixture(scope='module')
def uninterrupted(tmp_path_factory):
    wd = tmp_path_factory.mktemp('preempt') / 'plain'
    assert wait(launch(wd)) == [0, 0]
    return weights(wd / 'epoch_2.pth')


@pytest.mark.slow
@pytest.mark.parametrize('second_signal', [False, True])
def test_sigterm_mid_epoch_then_resume_is_bit_identical(
        uninterrupted, tmp_path, second_signal):
    wd = tmp_path / 'run'
    procs = launch(wd)
    log0 = tmp_path / 'run_rank0.log'
    wait_for(log0, 'Epoch(train) [1][2/')  # mid-epoch 1
    for p in procs:
        p.send_signal(signal.SIGTERM)
    if second_signal:  # while the checkpoint is being written
        wait_for(log0, 'preemption (SIGTERM)')
        for p in procs:
            p.send_signal(signal.SIGTERM)
    assert wait(procs) == [PREEMPTED_EXIT] * 2, log0.read_text()[-3000:]
    ckpts = sorted(wd.glob('epoch_*_iter_*.pth'))
    assert len(ckpts) == 1 and verify_sha256(str(ckpts[0])) is True
    assert (wd / 'last_checkpoint').read_text().strip() == str(ckpts[0])
    assert latest_checkpoint(str(wd)) == str(ckpts[0])
    assert not list(wd.glob('.*.tmp-*'))  # no half-written file left
    assert wait(launch(wd, '--resume')) == [0, 0]
    resumed = weights(wd / 'epoch_2.pth')
    assert resumed.keys() == uninterrupted.keys()
    for k in resumed:
        assert torch.equal(resumed[k], uninterrupted[k]), k


def test_checkpoint_names_sort_in_time(tmp_path):
    import zipfile
    for name in ('epoch_1.pth', 'epoch_2_iter_37.pth', 'epoch_2.pth',
                 'epoch_3_iter_75.pth'):
        torch.save({'x': torch.zeros(1)}, tmp_path / name)
        assert zipfile.is_zipfile(tmp_path / name)
        assert latest_checkpoint(str(tmp_path)) == str(tmp_path / name)
