"""LoadRandomResizedCrop: the crop boxes of mmpretrain's RandomResizedCrop
(same draws for a seed; the same distribution as torchvision's), the
pixels of decode + crop + bicubic resize, and LoadImage's guarantees on
odd and broken files."""
import math

import numpy as np
import pytest
import torch
from PIL import Image

from gmae_bench.datasets import (ImageDecodeError, LoadRandomResizedCrop,
                                 crop_box)

SIZES = [(375, 500), (500, 375), (333, 500), (100, 1000), (1000, 90)]


def test_boxes_are_mmpretrains_for_a_seed():
    from mmpretrain.datasets.transforms import RandomResizedCrop
    rrc = RandomResizedCrop(224, crop_ratio_range=(0.2, 1.0))
    for h, w in SIZES:
        img = np.zeros((h, w, 3), np.uint8)
        for seed in range(50):
            np.random.seed(seed)
            ours = crop_box(h, w, (0.2, 1.0))
            np.random.seed(seed)
            theirs = rrc.rand_crop_params.__wrapped__(rrc, img)
            assert tuple(map(int, ours)) == tuple(map(int, theirs))


@pytest.mark.parametrize('h,w', [(375, 500), (100, 1000)])
def test_box_distribution_matches_torchvision(h, w):
    """Area fraction in the range, log aspect ratio in (3/4, 4/3), the
    central-crop fallback: KS distance to torchvision's sampler."""
    from scipy.stats import ks_2samp
    from torchvision.transforms import RandomResizedCrop
    n = 4000
    np.random.seed(0)
    ours = [crop_box(h, w, (0.2, 1.0)) for _ in range(n)]
    torch.manual_seed(0)
    img = torch.zeros(3, h, w)
    tv = [
        RandomResizedCrop.get_params(img, (0.2, 1.0), (3 / 4, 4 / 3))
        for _ in range(n)
    ]
    stats = lambda boxes: (  # noqa: E731
        np.array([bh * bw / (h * w) for _, _, bh, bw in boxes]),
        np.array([math.log(bw / bh) for _, _, bh, bw in boxes]),
        np.array([t / max(h - bh, 1) for t, _, bh, _ in boxes]))
    for a, b in zip(stats(ours), stats(tv)):
        assert ks_2samp(a, b).statistic < 0.05
    area, log_ratio, _ = stats(ours)
    fitted = area >= 0.2 - 2 / min(h, w)  # rounding
    assert (np.abs(log_ratio[fitted]) <= math.log(4 / 3) + 0.02).all()
    if (h, w) == (100, 1000):  # often no fit: central crop at 4/3
        assert abs(
            np.mean(np.isclose(log_ratio, math.log(133 / 100), atol=0.02)) -
            np.mean(
                np.isclose([math.log(b[3] / b[2]) for b in tv],
                           math.log(133 / 100),
                           atol=0.02))) < 0.05


def _jpeg(path, h=375, w=500, seed=0):
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (h // 25, w // 25, 3), dtype=np.uint8)
    img = Image.fromarray(base).resize((w, h), Image.BICUBIC)
    img.save(path, quality=90)
    return np.asarray(img)


def test_pixels_match_decode_crop_and_pil_bicubic(tmp_path):
    path = tmp_path / 'x.jpg'
    _jpeg(path)
    t = LoadRandomResizedCrop(224, (0.2, 1.0))
    np.random.seed(3)
    out = t(dict(img_path=str(path)))['img'][..., ::-1]  # BGR -> RGB
    np.random.seed(3)
    top, left, h, w = crop_box(375, 500, (0.2, 1.0))
    ref = np.asarray(
        Image.open(path).convert('RGB').crop(
            (left, top, left + w, top + h)).resize((224, 224), Image.BICUBIC))
    diff = np.abs(out.astype(int) - ref.astype(int))
    assert diff.mean() < 0.5 and np.percentile(diff, 99) <= 2


def test_same_seed_same_crop_and_draft_on_big_images(tmp_path, data_root):
    path = tmp_path / 'big.jpg'
    photo = sorted((data_root / 'photos/train').glob('*.png'))[0]
    Image.open(photo).convert('RGB').resize((2000, 1500), Image.BICUBIC).save(
        path, quality=90)
    t = LoadRandomResizedCrop(64, (0.9, 1.0))
    np.random.seed(7)
    a = t(dict(img_path=str(path)))['img']
    np.random.seed(7)
    b = t(dict(img_path=str(path)))['img']
    assert np.array_equal(a, b) and a.shape == (64, 64, 3)
    # decoded at 1/8 (crop >= 8 x 64 px): close to a full decode (DCT
    # scaling differs from decoding + filtering at full size by a few grey
    # levels on photos)
    full = LoadRandomResizedCrop(64, (0.9, 1.0), draft=False)
    np.random.seed(7)
    c = full(dict(img_path=str(path)))['img']
    assert np.abs(a.astype(int) - c.astype(int)).mean() < 3


@pytest.mark.parametrize('mode', ['L', 'LA', 'RGBA', 'P', 'I;16', 'CMYK'])
def test_odd_modes_give_3_channel_bgr(tmp_path, mode):
    rgb = np.zeros((60, 50, 3), np.uint8)
    rgb[..., 0] = 255
    img = Image.fromarray(rgb)
    if mode == 'I;16':
        img = Image.fromarray(
            (np.arange(3000).reshape(60, 50) * 20).astype(np.uint16))
    elif mode != 'RGB':
        img = img.convert(mode)
    path = tmp_path / ('x.jpg' if mode in ('L', 'CMYK') else 'x.png')
    img.save(path)
    out = LoadRandomResizedCrop(16)(dict(img_path=str(path)))
    assert out['img'].shape == (16, 16, 3) and out['img'].dtype == np.uint8
    assert out['ori_shape'] == (60, 50)
    if mode in ('RGBA', 'P'):
        assert out['img'][8, 8].tolist() == [0, 0, 255]  # red, as BGR


def test_broken_files_are_named(tmp_path):
    _jpeg(tmp_path / 'ok.jpg')
    data = (tmp_path / 'ok.jpg').read_bytes()
    (tmp_path / 'cut.jpg').write_bytes(data[:len(data) // 2])
    (tmp_path / 'junk.jpg').write_bytes(b'this is not an image')
    (tmp_path / 'nohead.jpg').write_bytes(data[:300])
    t = LoadRandomResizedCrop(32)
    for name in ('cut.jpg', 'junk.jpg', 'nohead.jpg', 'gone.jpg'):
        with pytest.raises(ImageDecodeError, match=name):
            t(dict(img_path=str(tmp_path / name)))


def test_argument_ranges_are_named():
    for bad in (dict(scale=0), dict(crop_ratio_range=(0.5, 0.2)),
                dict(interpolation='area')):
        with pytest.raises(ValueError):
            LoadRandomResizedCrop(**bad)


def test_read_only_input_resizes_without_a_warning():
    """A read-only array (a view of a PIL image's buffer) is copied before
    torch sees it: no "array is not writable" warning on every run (torch
    warns once per process, so a fresh one checks)."""
    import subprocess
    import sys
    code = ('import numpy as np\n'
            'from gmae_bench.datasets.crop import resize_uint8\n'
            'img = np.zeros((10, 12, 3), np.uint8)\n'
            'img.flags.writeable = False\n'
            'assert resize_uint8(img, 4).shape == (4, 4, 3)\n')
    proc = subprocess.run([sys.executable, '-c', code],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'not writable' not in proc.stderr, proc.stderr[-2000:]
