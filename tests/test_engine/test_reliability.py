"""Atomic writes, checkpoint discovery, image decoding, early config and
data checks, strict checkpoint loading."""
import os

import numpy as np
import pytest
import torch
from PIL import Image

from gmae_bench.datasets import ImageDecodeError, LoadImage
from gmae_bench.engine.atomic_io import AtomicLocalBackend
from gmae_bench.utils.checkpoint import CheckpointError, latest_checkpoint
from tests.helpers import TINY_VIT, build


# --- atomic writes --------------------------------------------------------
def test_atomic_put_replaces_whole_file(tmp_path):
    b = AtomicLocalBackend()
    b.put(b'old', tmp_path / 'ckpt.pth')
    b.put(b'new contents', tmp_path / 'ckpt.pth')
    assert (tmp_path / 'ckpt.pth').read_bytes() == b'new contents'
    # no temporary left; the content hash beside it
    assert sorted(os.listdir(tmp_path)) == ['ckpt.pth', 'ckpt.pth.sha256']


def test_crash_during_write_keeps_the_old_file(tmp_path, monkeypatch):
    b = AtomicLocalBackend()
    b.put(b'good checkpoint', tmp_path / 'ckpt.pth')

    def boom(fd):
        raise OSError('disk full (simulated)')

    monkeypatch.setattr(os, 'fsync', boom)
    with pytest.raises(OSError, match='disk full'):
        b.put(b'half written', tmp_path / 'ckpt.pth')
    assert (tmp_path / 'ckpt.pth').read_bytes() == b'good checkpoint'
    assert sorted(os.listdir(tmp_path)) == ['ckpt.pth', 'ckpt.pth.sha256']


def test_mmengine_checkpoints_go_through_the_atomic_backend(tmp_path):
    from mmengine.fileio import get_file_backend

    from gmae_bench.engine import install_safe_io
    install_safe_io()
    assert isinstance(
        get_file_backend(str(tmp_path / 'x.pth')), AtomicLocalBackend)


# --- finding the checkpoint to resume from --------------------------------
def test_latest_checkpoint_skips_a_truncated_last_one(tmp_path):
    torch.save({'a': torch.zeros(1)}, tmp_path / 'epoch_1.pth')
    torch.save({'a': torch.ones(1)}, tmp_path / 'epoch_2.pth')
    (tmp_path / 'epoch_3.pth').write_bytes(b'PK\x03\x04trunc')  # killed
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_3.pth'))
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_2.pth')
    assert latest_checkpoint(str(tmp_path / 'empty')) is None


# --- image decoding --------------------------------------------------------
@pytest.mark.parametrize('mode', ['L', 'LA', 'RGBA', 'P', 'I;16', 'RGB'])
def test_load_image_gives_3_channel_bgr(tmp_path, mode):
    rgb = np.zeros((6, 5, 3), np.uint8)
    rgb[..., 0] = 255  # red (survives palette quantisation)
    img = Image.fromarray(rgb)
    if mode == 'I;16':
        img = Image.fromarray(
            (np.arange(30).reshape(6, 5) * 1000).astype(np.uint16))
    elif mode != 'RGB':
        img = img.convert(mode)
    img.save(tmp_path / 'x.png')
    out = LoadImage()(dict(img_path=str(tmp_path / 'x.png')))
    assert out['img'].shape == (6, 5, 3) and out['img'].dtype == np.uint8
    assert out['img_shape'] == (6, 5)
    if mode in ('RGB', 'RGBA', 'P'):
        assert out['img'][0, 0].tolist() == [0, 0, 255]  # BGR


def test_corrupt_truncated_and_missing_images_are_named(tmp_path):
    (tmp_path / 'junk.jpg').write_bytes(b'this is not an image')
    Image.fromarray(
        np.random.default_rng(0).integers(
            0, 255, (64, 64, 3), dtype=np.uint8)).save(tmp_path / 'ok.jpg')
    data = (tmp_path / 'ok.jpg').read_bytes()
    (tmp_path / 'cut.jpg').write_bytes(data[:len(data) // 2])
    for name in ('junk.jpg', 'cut.jpg', 'gone.jpg'):
        with pytest.raises(ImageDecodeError, match=name):
            LoadImage()(dict(img_path=str(tmp_path / name)))


# --- early checks on configs, data and checkpoints -------------------------
def test_missing_data_root_names_the_config_key():
    from mmengine.config import Config

    from gmae_bench.runtime import check_data_paths
    cfg = Config(
        dict(
            train_dataloader=dict(
                dataset=dict(
                    type='RepeatDataset',
                    times=2,
                    dataset=dict(
                        type='CustomDataset', data_root='no/such/dir')))))
    with pytest.raises(
            FileNotFoundError,
            match=r"train_dataloader\.dataset\.dataset\.data_root"
            r"='no/such/dir'"):
        check_data_paths(cfg, ('train', ))


def test_config_typo_names_the_key_and_class():
    with pytest.raises(TypeError, match="arhc"):
        build(dict(TINY_VIT, arhc='base'))
    with pytest.raises(KeyError, match='ViTT'):
        build(dict(TINY_VIT, type='gmae_bench.ViTT'))


def test_strict_load_hook_names_file_and_keys():
    from types import SimpleNamespace

    from gmae_bench.engine import StrictLoadHook
    model = build(dict(TINY_VIT))
    runner = SimpleNamespace(
        model=model, cfg=dict(load_from='other_model.pth'))
    ok = dict(state_dict=model.state_dict())
    StrictLoadHook().after_load_checkpoint(runner, ok)  # fits: silent
    bad = dict(state_dict={'conv.weight': torch.zeros(1)})
    with pytest.raises(CheckpointError, match='other_model.pth.*missing'):
        StrictLoadHook().after_load_checkpoint(runner, bad)
