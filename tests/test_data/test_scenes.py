"""Fashion-MNIST scenes: IDX reading, deterministic generation, annotations
consistent with the pixels, bad input named, nothing half-written."""
import json
import shutil

import numpy as np
import pytest
from PIL import Image

from gmae_bench.datasets import scenes
from gmae_bench.datasets.idx import IdxError, load_fashion_mnist, read_idx
from tests.helpers import DATA, ROOT

FMNIST = DATA / 'fashion_mnist'
SMALL = scenes.SceneSpec('small', train=24, test=12)


def _write_idx(path, array):
    code = {np.dtype(np.uint8): 0x08}[array.dtype]
    header = bytes([0, 0, code, array.ndim]) + b''.join(
        int(s).to_bytes(4, 'big') for s in array.shape)
    path.write_bytes(header + array.tobytes())


def _fake_fmnist(folder, n=40, seed=0):
    """Small IDX files cut from the real ones (real items, fewer of them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for split, (img, lab) in {
            'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
            'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')
    }.items():
        images, labels = load_fashion_mnist(str(FMNIST), split)
        _write_idx(folder / img, images[:n])
        _write_idx(folder / lab, labels[:n].astype(np.uint8))
    return folder


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setitem(scenes.SIZES, 'small', SMALL)
    return 'small'


def test_read_idx_matches_the_real_files():
    images, labels = load_fashion_mnist(str(FMNIST), 'test')
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (10000, ) and set(np.unique(labels)) == set(
        range(10))
    assert images.flags.writeable


@pytest.mark.parametrize('damage', ['truncate', 'magic', 'missing', 'long'])
def test_bad_idx_file_is_named(tmp_path, damage):
    src = tmp_path / 'f' / 't10k-images-idx3-ubyte'
    _fake_fmnist(tmp_path / 'f', n=5)
    data = src.read_bytes()
    if damage == 'truncate':
        src.write_bytes(data[:-10])
    elif damage == 'magic':
        src.write_bytes(b'\x12\x34' + data[2:])
    elif damage == 'long':
        src.write_bytes(data + b'\0')
    else:
        src.unlink()
    with pytest.raises(IdxError, match=str(src)):
        read_idx(str(src))


def test_generation_is_deterministic_and_consistent(tmp_path, small):
    src = _fake_fmnist(tmp_path / 'fmnist')
    a = scenes.generate(str(src), str(tmp_path / 'a'), small, log=print)
    b = scenes.generate(str(src), str(tmp_path / 'b'), small, log=print)
    assert a['digest'] == b['digest'] and len(a['digest']) == 64
    folder = tmp_path / 'a' / small
    from pycocotools.coco import COCO
    for split in scenes.SPLITS:
        coco = COCO(str(folder / 'annotations' / f'{split}.json'))
        raw = json.loads((folder / 'annotations' / f'{split}.json').read_text())
        assert len(raw['images']) == getattr(SMALL, split)
        assert [c['name'] for c in raw['categories']][0] == 'T-shirt/top'
        for im in raw['images']:
            name = im['file_name']
            image = np.array(Image.open(folder / split / 'images' / name))
            inst = np.array(Image.open(folder / split / 'instances' / name))
            sem = np.array(Image.open(folder / split / 'semantic' / name))
            anns = coco.loadAnns(coco.getAnnIds(imgIds=im['id']))
            assert 1 <= len(anns) <= SMALL.max_items
            assert (image[inst == 0] == 0).all()  # background is black
            assert sorted(a['depth'] for a in anns) == list(range(len(anns)))
            for a in anns:
                visible = inst == a['depth'] + 1
                assert (coco.annToMask(a).astype(bool) == visible).all()
                assert a['area'] == visible.sum() and a['iscrowd'] == 0
                assert (sem[visible] == a['category_id']).all()
                assert a['visible_fraction'] >= scenes.MIN_VISIBLE
                ys, xs = np.nonzero(visible)
                assert a['bbox'] == [
                    xs.min(), ys.min(), xs.max() - xs.min() + 1,
                    ys.max() - ys.min() + 1
                ]
            depth = {a['id']: a['depth'] for a in anns}
            for front, back in im['occlusions']:
                assert depth[front] > depth[back]
    # no item in both splits: train scenes use train items only
    train = json.loads((folder / 'annotations/train.json').read_text())
    assert max(a['item'] for a in train['annotations']) < 40


def test_changed_or_removed_file_is_named(tmp_path, small):
    src = _fake_fmnist(tmp_path / 'fmnist')
    scenes.generate(str(src), str(tmp_path / 's'), small)
    folder = tmp_path / 's' / small
    png = folder / 'test' / 'semantic' / '000003.png'
    arr = np.array(Image.open(png))
    arr[0, 0] = 7
    Image.fromarray(arr).save(png)
    with pytest.raises(scenes.SceneDataError, match='000003.png'):
        scenes.generate(str(src), str(tmp_path / 's'), small)
    png.unlink()
    with pytest.raises(scenes.SceneDataError, match='000003.png'):
        scenes.verify(str(folder))
    ann = folder / 'annotations' / 'train.json'
    ann.write_text(ann.read_text().replace('"iscrowd":0', '"iscrowd":1', 1))
    with pytest.raises(scenes.SceneDataError, match='train.json'):
        scenes.verify(str(folder))


def test_truncated_idx_leaves_nothing_half_written(tmp_path, small):
    src = _fake_fmnist(tmp_path / 'fmnist')
    f = src / 'train-labels-idx1-ubyte'
    f.write_bytes(f.read_bytes()[:-3])
    root = tmp_path / 'scenes'
    with pytest.raises(IdxError, match='train-labels-idx1-ubyte'):
        scenes.generate(str(src), str(root), small)
    assert not root.exists() or list(root.iterdir()) == []


def test_interrupted_generation_is_cleaned_up(tmp_path, small, monkeypatch):
    src = _fake_fmnist(tmp_path / 'fmnist')
    root = tmp_path / 'scenes'

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(scenes, '_bbox', boom)
    with pytest.raises(KeyboardInterrupt):
        scenes.generate(str(src), str(root), small)
    assert list(root.iterdir()) == []  # no temporary folder, no final one


def test_installed_sets_match_the_documented_checksums():
    """scripts/prepare_data.py generated data/fmnist_scenes/{tiny,cpu}; their
    checksums are the ones docs/data.md records."""
    doc = (ROOT / 'docs' / 'data.md').read_text()
    for size in ('tiny', 'cpu'):
        manifest = scenes.verify(str(DATA / 'fmnist_scenes' / size))
        assert manifest['digest'] in doc, size
        assert manifest['spec'] == json.loads(
            json.dumps(scenes.asdict(scenes.SIZES[size])))


def test_other_parameters_are_refused(tmp_path, small, monkeypatch):
    src = _fake_fmnist(tmp_path / 'fmnist')
    scenes.generate(str(src), str(tmp_path / 's'), small)
    monkeypatch.setitem(scenes.SIZES, 'small',
                        scenes.SceneSpec('small', train=24, test=12, seed=1))
    with pytest.raises(scenes.SceneDataError, match='other parameters'):
        scenes.generate(str(src), str(tmp_path / 's'), small)
    shutil.rmtree(tmp_path / 's')
