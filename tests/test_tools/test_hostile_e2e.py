"""Hostile runs end to end (tiny models, real photos, CPU): kills inside a
checkpoint save, iteration-based resume, a frozen rank, checkpoints that
load without unpickling."""
import os
import signal
import sys
import time

import pytest
import torch

from tests.helpers import ROOT, run_status

pytestmark = pytest.mark.slow
FAST = [
    'train_dataloader.dataset.times=1', 'train_dataloader.num_workers=0',
    'default_hooks.checkpoint.interval=1'
]


def train(args, check=True, env=None, timeout=900):
    proc = run_status([sys.executable, 'tools/train.py', *args],
                      env_extra=env,
                      timeout=timeout)
    out = proc.stdout + proc.stderr
    if check:
        assert proc.returncode == 0, out[-4000:]
    return proc.returncode, out


def config(tmp_path, base: str, *hooks: str) -> str:
    cfg = tmp_path / f'hooked_{len(hooks)}.py'
    cfg.write_text(f"_base_ = '{ROOT}/{base}'\n"
                   "custom_imports = dict(imports=['gmae_bench.models', "
                   "'gmae_bench.engine', 'tests.helper_hooks'], "
                   "allow_failed_imports=False)\n"
                   f"custom_hooks = [{', '.join(hooks)}]\n")
    return str(cfg)


def test_training_checkpoints_load_without_unpickling(tiny_runs):
    ckpt = torch.load(
        tiny_runs['gmae'] / 'epoch_1.pth',
        map_location='cpu',
        weights_only=True)  # what a careful user / torch>=2.6 does
    assert {'state_dict', 'optimizer', 'message_hub', 'rng_state'} <= set(ckpt)
    assert (tiny_runs['gmae'] / 'epoch_1.pth.sha256').exists()


def test_kill_inside_a_save_with_max_keep_1_keeps_the_old_checkpoint(
        tmp_path, data_root):
    wd = tmp_path / 'wd'
    opts = [*FAST, 'default_hooks.checkpoint.max_keep_ckpts=1']
    code, _ = train([
        config(tmp_path, 'configs/gmae_pretrain_vit_tiny.py',
               "dict(type='KillInSaveHook', at=2)"), '--work-dir',
        str(wd), '--cfg-options', *opts, 'train_cfg.max_epochs=3'
    ],
                    check=False)
    assert code == -signal.SIGKILL
    assert (wd / 'epoch_1.pth').exists() and not (wd / 'epoch_2.pth').exists()
    _, out = train([
        'configs/gmae_pretrain_vit_tiny.py', '--work-dir',
        str(wd), '--resume', '--cfg-options', *opts, 'train_cfg.max_epochs=2'
    ])
    assert 'resumed epoch: 1' in out
    assert sorted(p.name for p in wd.glob('epoch_*.pth')) == ['epoch_2.pth']


def _weights(path):
    return torch.load(
        path, map_location='cpu', weights_only=True)['state_dict']


def test_iteration_based_resume_is_bit_exact(tmp_path, tiny_runs):
    """Mask R-CNN (iteration loop): killed after iter_2.pth, resumed to
    iteration 4, equals an uninterrupted 4-iteration run tensor for tensor
    (the dataloader skip must not shift the generators)."""
    det = 'configs/detection/mask-rcnn_vit-tiny_gmae-pre_voc-coco.py'
    opts = [
        f"pretrained={tiny_runs['gmae'] / 'epoch_1.pth'}", 'max_iters=4',
        'train_cfg.val_interval=100', 'default_hooks.checkpoint.interval=2'
    ]
    full = tmp_path / 'full'
    train([det, '--work-dir', str(full), '--cfg-options', *opts])
    cut = tmp_path / 'cut'
    code, _ = train([
        config(tmp_path, det, "dict(type='KillAtIterHook', at=3)"),
        '--work-dir',
        str(cut), '--cfg-options', *opts
    ],
                    check=False)
    assert code != 0 and (cut / 'iter_2.pth').exists()
    _, out = train(
        [det, '--work-dir',
         str(cut), '--resume', '--cfg-options', *opts])
    assert 'random generator states restored' in out
    a, b = _weights(full / 'iter_4.pth'), _weights(cut / 'iter_4.pth')
    different = [k for k in a if not torch.equal(a[k], b[k])]
    assert not different, different[:5]


def test_a_frozen_rank_is_named_after_the_timeout(tmp_path, data_root):
    wd = tmp_path / 'wd'
    proc_env = dict(
        PYTHON=sys.executable,
        OMP_NUM_THREADS='1',
        PORT=str(29400 + os.getpid() % 90))
    cfg = config(tmp_path, 'configs/gmae_pretrain_vit_tiny.py',
                 "dict(type='StopRankHook', rank=1, at=2)")
    t0 = time.time()
    try:
        proc = run_status([
            'bash', 'tools/dist_train.sh', cfg, '2', '--work-dir',
            str(wd), '--cfg-options', *FAST,
            'train_dataloader.dataset.times=4', 'train_cfg.max_epochs=1',
            'env_cfg.dist_cfg.timeout=15'
        ],
                          env_extra=proc_env,
                          timeout=300)
    finally:
        pid = wd / 'stopped.pid'
        if pid.exists():
            try:
                os.kill(int(pid.read_text()), signal.SIGKILL)
            except ProcessLookupError:
                pass
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'process-group timeout of 15 s' in out
    assert 'rank 1 (pid' in out and 'last answered' in out
    assert time.time() - t0 < 240


def test_fb_full_checkpoint_continues_pretraining(tmp_path, data_root):
    """facebookresearch/mae's full pretraining checkpoint (its architecture
    at the tiny config's sizes) through load_from: loads strictly, trains."""
    from tests.reference.fb_mae import FBMaskedAutoencoderViT
    fb = FBMaskedAutoencoderViT(
        img_size=64,
        patch_size=8,
        embed_dim=128,
        depth=4,
        num_heads=4,
        decoder_embed_dim=64,
        decoder_depth=2,
        decoder_num_heads=4,
        norm_pix_loss=True)
    path = tmp_path / 'mae_pretrain_full.pth'
    torch.save({'model': fb.state_dict()}, path)
    wd = tmp_path / 'wd'
    _, out = train([
        'configs/mae_pretrain_vit_tiny.py', '--work-dir',
        str(wd), '--cfg-options', f'load_from={path}', *FAST,
        'train_cfg.max_epochs=1'
    ])
    assert f'Load checkpoint from {path}' in out
    assert 'Loads checkpoint by gmae_bench backend' in out
    assert (wd / 'epoch_1.pth').exists()
