"""The configs under the OpenMMLab packages' own tools (``<package>/.mim/
tools/train.py`` and ``test.py``, what ``mim train`` runs): tiny pretraining
with mmpretrain's, then fine-tuning + test (mmpretrain), Mask R-CNN + test
(mmdet) and UperNet + test (mmseg) from the checkpoint mmpretrain's tool
wrote (a stock mmengine checkpoint: message hub, numpy seed), on CPU."""
import importlib
import json
import sys
from pathlib import Path

import pytest

from tests.helpers import run_tool

pytestmark = pytest.mark.slow


def tool(package: str, name: str) -> str:
    root = Path(importlib.import_module(package).__file__).parent
    return str(root / '.mim' / 'tools' / f'{name}.py')


def stock(package, name, *args):
    return run_tool([sys.executable, tool(package, name), *args])


def metrics(work_dir: Path) -> dict:
    """The last validation / test scalars mmengine logged."""
    out = {}
    for f in sorted(work_dir.glob('*/*.json')) + sorted(
            work_dir.glob('*/vis_data/scalars.json')):
        for line in f.read_text().splitlines():
            if line.strip():
                out.update(json.loads(line))
    return out


def pretrained(ckpt) -> list:
    # the stock tools do not re-evaluate top-level variables: name the key
    return [f'model.backbone.init_cfg.checkpoint={ckpt}']


@pytest.fixture(scope='module')
def stock_ckpt(tmp_path_factory) -> Path:
    wd = tmp_path_factory.mktemp('stock_pretrain')
    stock('mmpretrain', 'train', 'configs/mae_pretrain_vit_tiny.py',
          '--work-dir', str(wd), '--cfg-options',
          'train_dataloader.dataset.times=1', 'train_cfg.max_epochs=1')
    ckpt = wd / 'epoch_1.pth'
    assert ckpt.is_file() and not Path(str(ckpt) + '.sha256').exists()
    return ckpt


def test_finetune_and_test_under_mmpretrain(stock_ckpt, tmp_path):
    cfg = 'configs/classification/vit-tiny_mae-pre_fashion-mnist.py'
    stock('mmpretrain', 'train',
          cfg, '--work-dir', str(tmp_path), '--cfg-options',
          *pretrained(stock_ckpt), 'train_dataloader.dataset.indices=256',
          'val_dataloader.dataset.indices=128', 'train_cfg.max_epochs=1')
    stock('mmpretrain', 'test', cfg, str(tmp_path / 'epoch_1.pth'),
          '--work-dir', str(tmp_path / 'test'), '--cfg-options',
          'test_dataloader.dataset.indices=128')
    assert 'accuracy/top1' in metrics(tmp_path / 'test')


def test_mask_rcnn_and_test_under_mmdet(stock_ckpt, tmp_path):
    cfg = 'configs/detection/mask-rcnn_vit-tiny_mae-pre_voc-coco.py'
    stock('mmdet', 'train', cfg, '--work-dir', str(tmp_path), '--cfg-options',
          *pretrained(stock_ckpt), 'train_cfg.max_iters=2',
          'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2')
    stock('mmdet', 'test', cfg, str(tmp_path / 'iter_2.pth'), '--work-dir',
          str(tmp_path / 'test'))
    assert 'coco/bbox_mAP' in metrics(tmp_path / 'test')


def test_upernet_and_test_under_mmseg(stock_ckpt, tmp_path):
    cfg = 'configs/segmentation/upernet_vit-tiny_mae-pre_voc.py'
    stock('mmseg', 'train', cfg, '--work-dir', str(tmp_path), '--cfg-options',
          *pretrained(stock_ckpt), 'train_cfg.max_iters=2',
          'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2')
    stock('mmseg', 'test', cfg, str(tmp_path / 'iter_2.pth'), '--work-dir',
          str(tmp_path / 'test'))
    assert 'mIoU' in metrics(tmp_path / 'test')
