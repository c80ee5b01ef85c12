"""OpenMMLab's launch conventions: dist_train.sh across two node ranks on
the loopback address (one CPU process each), dist_test.sh, and the Slurm
scripts under a stand-in ``srun`` that records its options."""
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, run_tool

pytestmark = pytest.mark.slow
TINY = 'configs/mae_pretrain_vit_tiny.py'
SHORT = [
    '--cfg-options', 'train_dataloader.dataset.times=2',
    'train_cfg.max_epochs=1', 'train_dataloader.num_workers=0'
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_node_ranks_on_loopback(tmp_path):
    port = str(free_port())
    procs = []
    for rank in (0, 1):
        env = dict(
            os.environ,
            NNODES='2',
            NODE_RANK=str(rank),
            MASTER_ADDR='127.0.0.1',
            PORT=port,
            PYTHON=sys.executable,
            OMP_NUM_THREADS='1',
            PYTHONUNBUFFERED='1')
        procs.append(
            subprocess.Popen([
                'bash', 'tools/dist_train.sh', TINY, '1', '--work-dir',
                str(tmp_path / 'wd'), *SHORT
            ],
                             cwd=ROOT,
                             env=env,
                             stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT,
                             text=True))
    outs = [p.communicate(timeout=900)[0] for p in procs]
    for p, out in zip(procs, outs):
        assert p.returncode == 0, out[-3000:]
    assert 'GPU number: 2' in outs[0]  # mmengine's world size
    assert (tmp_path / 'wd/epoch_1.pth').is_file()


FAKE_SRUN = r'''#!/usr/bin/env bash
# stand-in for Slurm's srun: record the options, run the command as task 0
echo "$@" > "$SRUN_LOG"
while [ $# -gt 0 ]; do
  case "$1" in
    -p) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
export SLURM_PROCID=0 SLURM_NTASKS=1 SLURM_LOCALID=0 SLURM_NODELIST=localhost
exec "$@"
'''


@pytest.fixture
def fake_slurm(tmp_path):
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    srun = bin_dir / 'srun'
    srun.write_text(FAKE_SRUN)
    srun.chmod(0o755)
    log = tmp_path / 'srun.log'
    env = dict(
        PATH=f'{bin_dir}:{os.environ["PATH"]}',
        SRUN_LOG=str(log),
        PYTHON=sys.executable,
        GPUS='1',
        GPUS_PER_NODE='1',
        CPUS_PER_TASK='2',
        SRUN_ARGS='--exclusive',
        MASTER_ADDR='127.0.0.1',
        PORT=str(free_port()))
    return env, log


def test_slurm_train_then_test(fake_slurm, tmp_path):
    env, log = fake_slurm
    wd = tmp_path / 'cls'
    cfg = 'configs/classification/vit-tiny_mae-pre_fashion-mnist.py'
    opts = [
        '--cfg-options', 'pretrained=None',
        'train_dataloader.dataset.indices=128',
        'val_dataloader.dataset.indices=64', 'train_cfg.max_epochs=1'
    ]
    out = run_tool(
        ['bash', 'tools/slurm_train.sh', 'gpu', 'job-a', cfg,
         str(wd), *opts],
        env_extra=env)
    args = log.read_text().split()
    for expected in ('-p', 'gpu', '--job-name=job-a', '--gres=gpu:1',
                     '--ntasks=1', '--ntasks-per-node=1', '--cpus-per-task=2',
                     '--kill-on-bad-exit=1', '--exclusive',
                     '--launcher=slurm'):
        assert expected in args, (expected, args)
    assert 'Distributed training: True' in out
    ckpt = wd / 'epoch_1.pth'
    assert ckpt.is_file()
    run_tool([
        'bash', 'tools/slurm_test.sh', 'gpu', 'job-b', cfg,
        str(ckpt), '--work-dir',
        str(tmp_path / 'test'), '--cfg-options',
        'test_dataloader.dataset.indices=64'
    ],
             env_extra=env)
    assert (tmp_path / 'test/test_metrics.json').is_file()
    # dist_test.sh with one torchrun process
    run_tool([
        'bash', 'tools/dist_test.sh', cfg,
        str(ckpt), '1', '--work-dir',
        str(tmp_path / 'dist_test'), '--cfg-options',
        'test_dataloader.dataset.indices=64'
    ],
             env_extra=dict(PYTHON=sys.executable, PORT=str(free_port())))
    assert (tmp_path / 'dist_test/test_metrics.json').is_file()
