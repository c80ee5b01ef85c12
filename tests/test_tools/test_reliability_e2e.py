"""Crash + resume gives the same weights; bad input stops with a clear
error and loses nothing (real photos, tiny models, CPU)."""
import os
import random
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from tests.helpers import run_status

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
FAST = [
    'train_dataloader.dataset.times=1', 'train_cfg.max_epochs=3',
    'default_hooks.checkpoint.interval=1',
    'default_hooks.checkpoint.max_keep_ckpts=5'
]


def train(args, check=True):
    proc = run_status([sys.executable, 'tools/train.py', *args])
    out = proc.stdout + proc.stderr
    if check:
        assert proc.returncode == 0, out[-4000:]
    return proc.returncode, out


def with_hooks(tmp_path, *hooks: str) -> str:
    """A config = the tiny GMAE config + test hooks (tests/helper_hooks)."""
    cfg = tmp_path / 'with_hooks.py'
    cfg.write_text(f"_base_ = '{ROOT}/configs/gmae_pretrain_vit_tiny.py'\n"
                   "custom_imports = dict(imports=['gmae_bench.models', "
                   "'gmae_bench.engine', 'tests.helper_hooks'], "
                   "allow_failed_imports=False)\n"
                   f"custom_hooks = [{', '.join(hooks)}]\n")
    return str(cfg)


def weights(path):
    return torch.load(
        path, map_location='cpu', weights_only=False)['state_dict']


def test_killed_then_resumed_run_equals_uninterrupted_run(tmp_path, data_root):
    """6 iterations in 3 epochs; kill at a random iteration after the first
    checkpoint, resume, compare every final weight bit for bit."""
    full = tmp_path / 'full'
    train([
        'configs/gmae_pretrain_vit_tiny.py', '--work-dir',
        str(full), '--cfg-options', *FAST
    ])
    kill_at = random.Random(os.getpid()).randint(3, 6)
    crashed = tmp_path / 'crashed'
    code, out = train([
        with_hooks(tmp_path, f"dict(type='KillAtIterHook', "
                   f'at={kill_at})'), '--work-dir',
        str(crashed), '--cfg-options', *FAST
    ],
                      check=False)
    assert code != 0, f'the run was not killed at iteration {kill_at}'
    assert not (crashed / 'epoch_3.pth').exists()
    code, out = train([
        'configs/gmae_pretrain_vit_tiny.py', '--work-dir',
        str(crashed), '--resume', '--cfg-options', *FAST
    ])
    assert 'random generator states restored' in out
    a, b = weights(full / 'epoch_3.pth'), weights(crashed / 'epoch_3.pth')
    assert a.keys() == b.keys()
    different = [k for k in a if not torch.equal(a[k], b[k])]
    assert not different, f'killed at {kill_at}: {different[:5]}'


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(
        tmp_path, data_root):
    wd = tmp_path / 'nan'
    code, out = train([
        with_hooks(tmp_path, "dict(type='NaNAtIterHook', "
                   'at=4)'), '--work-dir',
        str(wd), '--cfg-options', *FAST
    ],
                      check=False)
    assert code != 0
    assert 'NonFiniteLossError: training loss is nan at iteration 4' in out
    assert f'Last good checkpoint: {wd}/epoch_1.pth' in out
    assert not (wd / 'epoch_2.pth').exists()
    good = weights(wd / 'epoch_1.pth')
    assert all(
        torch.isfinite(v).all() for v in good.values()
        if v.is_floating_point())


def test_missing_data_root_is_named_before_anything_runs(tmp_path):
    code, out = train([
        'configs/gmae_pretrain_vit_b.py', '--work-dir',
        str(tmp_path / 'wd'), '--cfg-options',
        'train_dataloader.dataset.data_root=no/imagenet/'
    ],
                      check=False)
    assert code != 0
    assert ("train_dataloader.dataset.data_root='no/imagenet/' does not "
            'exist') in out


def _folder(tmp_path, data_root, extra):
    """A photo folder: 20 real photos plus the given extra files."""
    root = tmp_path / 'photos'
    (root / 'train').mkdir(parents=True)
    for p in sorted((data_root / 'photos/train').glob('*.png'))[:20]:
        (root / 'train' / p.name).write_bytes(p.read_bytes())
    for name, write in extra.items():
        write(root / 'train' / name)
    return root


def test_grey_rgba_and_palette_photos_train(tmp_path, data_root):
    src = np.asarray(
        Image.open(
            next((data_root / 'photos/train').glob('skimage_chelsea.png'))))
    root = _folder(
        tmp_path, data_root, {
            'grey.png': lambda p: Image.fromarray(src).convert('L').save(p),
            'rgba.png': lambda p: Image.fromarray(src).convert('RGBA').save(p),
            'palette.png': lambda p: Image.fromarray(src).convert('P').save(p)
        })
    train([
        'configs/gmae_pretrain_vit_tiny.py', '--work-dir',
        str(tmp_path / 'wd'), '--cfg-options', *FAST, 'train_cfg.max_epochs=1',
        f'train_dataloader.dataset.dataset.'
        f'data_root={root}'
    ])
    assert (tmp_path / 'wd/epoch_1.pth').exists()


def test_corrupt_image_is_named(tmp_path, data_root):
    root = _folder(
        tmp_path, data_root,
        {'broken.png': lambda p: p.write_bytes(b'\x89PNG\r\n\x1a\n garbage')})
    code, out = train([
        'configs/gmae_pretrain_vit_tiny.py', '--work-dir',
        str(tmp_path / 'wd'), '--cfg-options', *FAST,
        f'train_dataloader.dataset.dataset.data_root={root}'
    ],
                      check=False)
    assert code != 0 and 'cannot decode image' in out and 'broken.png' in out


def test_resuming_another_models_checkpoint_is_refused(tiny_runs, tmp_path):
    mae_ckpt = tiny_runs['mae'] / 'epoch_1.pth'
    code, out = train([
        'configs/gmae_pretrain_vit_tiny.py', '--work-dir',
        str(tmp_path / 'wd'), '--resume',
        str(mae_ckpt), '--cfg-options', *FAST
    ],
                      check=False)
    assert code != 0 and 'CheckpointError' in out and str(mae_ckpt) in out
    assert 'does not fit MaskedAutoencoder' in out


def test_config_typo_is_named(tmp_path):
    code, out = train([
        'configs/gmae_pretrain_vit_tiny.py', '--work-dir',
        str(tmp_path / 'wd'), '--cfg-options', 'model.backbone.arhc=base'
    ],
                      check=False)
    assert code != 0 and "model.backbone.arhc: 'arhc' is not a key of " \
        "model.backbone (gmae_bench.ViT); did you mean 'arch'?" in out
