"""The real data installed by scripts/prepare_data.py is what we expect."""
import json

import numpy as np
from PIL import Image


def test_photos_are_real_rgb_images(data_root):
    photos = sorted((data_root / 'photos/train').glob('*.png'))
    assert len(photos) >= 20
    for p in photos:
        img = Image.open(p)
        assert img.mode == 'RGB' and min(img.size) >= 64, p.name
        assert np.asarray(img).std() > 10, p.name  # not blank


def test_foreground_masks_match_their_photos(data_root):
    index = json.loads((data_root / 'masks/index.json').read_text())
    assert len(index) == 6
    for item in index:
        img = Image.open(data_root / 'masks' / f"{item['name']}.png")
        fg = np.asarray(
            Image.open(data_root / 'masks' / f"{item['name']}_fg.png")) > 0
        assert fg.shape == (img.size[1], img.size[0])
        assert 0.05 < fg.mean() < 0.95
    quokka = next(i for i in index if i['name'] == 'quokka')
    assert abs(quokka['fg_fraction'] - 0.303) < 0.01  # docs/data.md: 30.3 %


def test_voc_coco_annotations(data_root):
    from pycocotools.coco import COCO
    coco = COCO(str(data_root / 'voc_coco/annotations.json'))
    assert len(coco.getImgIds()) == 3 and len(coco.getAnnIds()) == 12
    assert min(coco.getAnnIds()) >= 1  # COCOeval reads id 0 as unmatched
    assert all(
        coco.annToMask(a).sum() > 0 for a in coco.loadAnns(coco.getAnnIds()))
    for img in coco.loadImgs(coco.getImgIds()):
        stem = img['file_name'].rsplit('.', 1)[0]
        cls = np.asarray(
            Image.open(data_root / 'voc_coco' / f'{stem}_class.png'))
        assert cls.shape == (img['height'], img['width'])
        assert set(np.unique(cls)) <= set(range(21)) | {255}


def test_fashion_mnist_idx_files(data_root):
    root = data_root / 'fashion_mnist'
    labels = np.frombuffer((root / 'train-labels-idx1-ubyte').read_bytes()[8:],
                           np.uint8)
    images = (root / 'train-images-idx3-ubyte').read_bytes()
    assert len(labels) == 60000 and len(images) == 16 + 60000 * 28 * 28
    assert (np.bincount(labels) == 6000).all()
