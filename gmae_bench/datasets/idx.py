"""IDX files (the (Fashion-)MNIST format), read and checked.

One reader for every place that needs the arrays: the study's evaluations
and the scenes generator. A file that is missing, truncated or not IDX is
named with its path and what to do, instead of a reshape error later.
"""
import os.path as osp
from typing import Tuple

import numpy as np

# third byte of the magic number -> element type (IDX format)
_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: '>i2', 0x0C: '>i4',
          0x0D: '>f4', 0x0E: '>f8'}
FASHION_MNIST_FILES = {
    'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
}
FASHION_MNIST_CLASSES = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress',
                         'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag',
                         'Ankle boot')


class IdxError(ValueError):
    """An IDX file is missing, truncated or not an IDX file."""


def read_idx(path: str) -> np.ndarray:
    """The array stored in one IDX file (a fresh, writable copy)."""
    fix = ('delete it and run scripts/setup_env.sh (scripts/prepare_data.py) '
           'to install it again')
    if not osp.isfile(path):
        raise IdxError(f'IDX file {path} not found: run scripts/setup_env.sh '
                       '(scripts/prepare_data.py) or pass the folder that '
                       'holds the Fashion-MNIST IDX files')
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _TYPES:
        raise IdxError(f'{path} is not an IDX file (bad magic number): {fix}')
    ndim = data[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        raise IdxError(f'{path} has a truncated IDX header: {fix}')
    shape = tuple(
        int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim))
    dtype = np.dtype(_TYPES[data[2]])
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(data) != expected:
        raise IdxError(f'{path} holds {len(data)} bytes, but its header '
                       f'(shape {shape}) needs {expected}: the file is '
                       f'{"truncated" if len(data) < expected else "too long"}'
                       f'; {fix}')
    return np.frombuffer(data, dtype, offset=header).reshape(shape).copy()


def load_fashion_mnist(data_root: str,
                       split: str) -> Tuple[np.ndarray, np.ndarray]:
    """Images [N, 28, 28] uint8 and labels [N] int64 of one split."""
    if split not in FASHION_MNIST_FILES:
        raise ValueError(f'split must be one of {sorted(FASHION_MNIST_FILES)}'
                         f', got {split!r}')
    img_path, lab_path = (
        osp.join(data_root, f) for f in FASHION_MNIST_FILES[split])
    images, labels = read_idx(img_path), read_idx(lab_path)
    if images.ndim != 3 or labels.ndim != 1:
        raise IdxError(f'{img_path} / {lab_path}: expected images [N, H, W] '
                       f'and labels [N], got {images.shape} and '
                       f'{labels.shape}')
    if len(images) != len(labels):
        raise IdxError(f'{img_path} holds {len(images)} images but '
                       f'{lab_path} {len(labels)} labels')
    if labels.size and (labels.min() < 0 or labels.max() >= 10):
        raise IdxError(f'{lab_path} holds labels outside 0..9')
    return images.astype(np.uint8), labels.astype(np.int64)
