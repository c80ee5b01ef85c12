"""Ground truth from the images themselves, on real Fashion-MNIST."""
import numpy as np
import pytest

from gmae_bench.study.core.measure import to_pixels
from gmae_bench.study.fmnist.data import (background_stats, ground_truth,
                                          load_split, silhouette)
from tests.helpers import DATA


def test_silhouette_fills_holes_and_drops_specks():
    img = np.zeros((10, 10), np.uint8)
    img[2:8, 2:8] = 200
    img[4:6, 4:6] = 0  # a hole inside the item
    img[0, 9] = 3  # a speck in the background
    fg = silhouette(img)
    assert fg[4, 4] and not fg[0, 9] and fg.sum() == 36
    stats = background_stats(img[None])
    assert stats['border_nonzero'] == 1.0
    assert stats['images_with_specks'] == 1.0
    assert stats['speck_pixel_share'] == pytest.approx(1 / 33)
    assert stats['filled_hole_share'] == pytest.approx(4 / 36)


def test_real_split_and_ground_truth():
    images, labels = load_split(str(DATA / 'fashion_mnist'), 'test')
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert set(np.unique(labels)) == set(range(10))
    fg, edges = ground_truth(images[:50])
    assert fg.shape == edges.shape == (50, 28, 28)
    # a boundary pixel is in the figure or left of / above it
    assert (edges <= fg | np.roll(fg, -1, 1) | np.roll(fg, -1, 2)).all()
    assert edges.any(axis=(1, 2)).all()
    share = fg.mean()
    assert 0.2 < share < 0.8  # items fill a good part of the frame
    px = to_pixels(images[:2])
    assert px.shape == (2, 3, 28, 28) and float(px.max()) <= 1.0
    assert (px[:, 0] == px[:, 2]).all()


def test_missing_files_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='t10k-images-idx3-ubyte'):
        load_split(str(tmp_path), 'test')
    with pytest.raises(ValueError, match='split'):
        load_split(str(tmp_path), 'val')
