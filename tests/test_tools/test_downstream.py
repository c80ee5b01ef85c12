"""Pretraining checkpoint -> classification / detection / segmentation, each
end to end on real images (Fashion-MNIST, labelme's VOC photos), a few
iterations on CPU, with the real metric written to the work dir."""
import json
import os
import sys
from pathlib import Path

import pytest
import torch

from tests.helpers import run_tool as run

pytestmark = pytest.mark.slow


def train(config, work_dir, *options):
    return run([
        sys.executable, 'tools/train.py', config, '--work-dir',
        str(work_dir), '--cfg-options', *options
    ])


def last_scalars(work_dir: Path) -> dict:
    files = sorted(work_dir.glob('*/vis_data/scalars.json'))
    assert files, f'no scalars.json in {work_dir}'
    rows = [json.loads(x) for x in files[-1].read_text().splitlines()]
    merged = {}
    for r in rows:
        merged.update(r)
    return merged


@pytest.fixture(scope='module')
def gmae_ckpt(tiny_runs) -> Path:
    return tiny_runs['gmae'] / 'epoch_1.pth'


CLS = 'configs/classification/vit-tiny_gmae-pre_fashion-mnist.py'
DET = 'configs/detection/mask-rcnn_vit-tiny_gmae-pre_voc-coco.py'
SEG = 'configs/segmentation/upernet_vit-tiny_gmae-pre_voc.py'
ITERS2 = [
    'train_cfg.max_iters=2', 'train_cfg.val_interval=2',
    'default_hooks.checkpoint.interval=2'
]


@pytest.fixture(scope='module')
def cls_run(gmae_ckpt, tmp_path_factory):
    wd = tmp_path_factory.mktemp('cls')
    out = train(CLS, wd, f'pretrained={gmae_ckpt}',
                'train_dataloader.dataset.indices=256',
                'val_dataloader.dataset.indices=128', 'train_cfg.max_epochs=1')
    return wd, out


@pytest.fixture(scope='module')
def det_run(gmae_ckpt, tmp_path_factory):
    wd = tmp_path_factory.mktemp('det')
    train(DET, wd, f'pretrained={gmae_ckpt}', *ITERS2)
    return wd


@pytest.fixture(scope='module')
def seg_run(gmae_ckpt, tmp_path_factory):
    wd = tmp_path_factory.mktemp('seg')
    train(SEG, wd, f'pretrained={gmae_ckpt}', *ITERS2)
    return wd


def test_classification_finetune_reports_top1(cls_run):
    wd, out = cls_run
    assert 'loaded 52 backbone tensors' in out
    top1 = last_scalars(wd)['accuracy/top1']
    assert 0.0 <= top1 <= 100.0


def test_linear_probe_keeps_the_encoder_frozen(gmae_ckpt, tmp_path):
    wd = tmp_path / 'lin'
    train('configs/classification/vit-tiny_linear_gmae-pre_fashion-mnist.py',
          wd, f'pretrained={gmae_ckpt}',
          'train_dataloader.dataset.indices=256',
          'val_dataloader.dataset.indices=128', 'train_cfg.max_epochs=1')
    assert 'accuracy/top1' in last_scalars(wd)
    pre = torch.load(gmae_ckpt, weights_only=True)['state_dict']
    post = torch.load(wd / 'epoch_1.pth', weights_only=True)['state_dict']
    for key in ('backbone.blocks.3.mlp.fc2.weight', 'backbone.cls_token',
                'backbone.norm.weight'):
        assert torch.equal(pre[key], post[key]), key
    assert not torch.equal(post['head.fc.weight'],
                           torch.zeros_like(post['head.fc.weight']))


def test_detection_mask_rcnn_reports_coco_ap(det_run):
    scalars = last_scalars(det_run)
    for key in ('coco/bbox_mAP', 'coco/segm_mAP'):
        assert 0.0 <= scalars[key] <= 1.0
    assert (det_run / 'iter_2.pth').exists()


def test_detection_with_dist_train_two_cpu_processes(gmae_ckpt, tmp_path):
    wd = tmp_path / 'det_dist'
    out = run([
        'bash', 'tools/dist_train.sh', DET, '2', '--work-dir',
        str(wd), '--cfg-options', f'pretrained={gmae_ckpt}', *ITERS2
    ],
              env_extra=dict(
                  PYTHON=sys.executable,
                  OMP_NUM_THREADS='1',
                  PORT=str(29600 + os.getpid() % 300)))
    assert 'GPU number: 2' in out
    assert 'coco/bbox_mAP' in last_scalars(wd)


def test_segmentation_upernet_reports_miou_and_test_tool(seg_run):
    assert 0.0 <= last_scalars(seg_run)['mIoU'] <= 100.0
    run([
        sys.executable, 'tools/test.py', SEG,
        str(seg_run / 'iter_2.pth'), '--work-dir',
        str(seg_run)
    ])
    result = json.loads((seg_run / 'test_metrics.json').read_text())
    assert set(result['metrics']) >= {'mIoU', 'aAcc', 'mAcc'}
    assert result['data']['type'] == 'BaseSegDataset'
    assert result['data']['images'] == 3  # labelme's 3 VOC photos


# --- the toolboxes' high-level inferencers on produced checkpoints --------
def _photo(data_root) -> str:
    return str(sorted((data_root / 'voc_coco').glob('*.jpg'))[0])


def test_image_classification_inferencer(cls_run, data_root, tmp_path):
    from mmpretrain.apis import ImageClassificationInferencer
    wd, _ = cls_run
    inf = ImageClassificationInferencer(
        CLS, pretrained=str(wd / 'epoch_1.pth'), device='cpu')
    import numpy as np
    from PIL import Image
    grey = np.asarray(Image.open(_photo(data_root)).convert('L'))
    for item in (_photo(data_root), grey):  # a file and an array
        res = inf(item, show_dir=str(tmp_path / 'vis'))[0]
        assert 0 <= res['pred_label'] < 10
        assert 0.0 <= res['pred_score'] <= 1.0
    assert list((tmp_path / 'vis').glob('*.png'))


def test_det_inferencer(det_run, data_root, tmp_path):
    from mmdet.apis import DetInferencer
    inf = DetInferencer(DET, weights=str(det_run / 'iter_2.pth'), device='cpu')
    res = inf(_photo(data_root), out_dir=str(tmp_path), pred_score_thr=0.0)
    pred = res['predictions'][0]
    assert len(pred['bboxes']) == len(pred['scores']) > 0
    assert list((tmp_path / 'vis').glob('*.jpg'))


def test_seg_inferencer(seg_run, data_root, tmp_path):
    from mmseg.apis import MMSegInferencer
    inf = MMSegInferencer(
        SEG, weights=str(seg_run / 'iter_2.pth'), device='cpu')
    res = inf(_photo(data_root), out_dir=str(tmp_path))
    assert res['predictions'].shape == image_hw(_photo(data_root))
    assert list((tmp_path / 'vis').glob('*'))


def image_hw(path):
    from PIL import Image
    w, h = Image.open(path).size
    return (h, w)


def test_coco_metric_scores_ground_truth_as_perfect(data_root):
    """The evaluation path itself: the GT boxes and masks as predictions
    give AP 1.0 on the labelme COCO file (pycocotools)."""
    pytest.importorskip('mmdet')
    import numpy as np
    import pycocotools.mask as mask_util
    from mmdet.evaluation import CocoMetric
    from pycocotools.coco import COCO
    ann = str(data_root / 'voc_coco/annotations.json')
    coco = COCO(ann)
    classes = [
        c['name'] for c in sorted(
            coco.loadCats(coco.getCatIds()), key=lambda c: c['id'])
    ]
    metric = CocoMetric(ann_file=ann, metric=['bbox', 'segm'])
    metric.dataset_meta = dict(classes=classes)
    cat_ids = sorted(coco.getCatIds())
    for img_id in coco.getImgIds():
        anns = coco.loadAnns(coco.getAnnIds(imgIds=img_id))
        info = coco.loadImgs(img_id)[0]
        boxes = np.array([[
            a['bbox'][0], a['bbox'][1], a['bbox'][0] + a['bbox'][2],
            a['bbox'][1] + a['bbox'][3]
        ] for a in anns])
        masks = np.stack([coco.annToMask(a) for a in anns]).astype(bool)
        pred = dict(
            bboxes=torch.tensor(boxes, dtype=torch.float),
            scores=torch.ones(len(anns)),
            labels=torch.tensor(
                [cat_ids.index(a['category_id']) for a in anns]),
            masks=torch.from_numpy(masks))
        metric.process({}, [
            dict(
                img_id=img_id,
                pred_instances=pred,
                ori_shape=(info['height'], info['width']))
        ])
    res = metric.evaluate(size=len(coco.getImgIds()))
    assert res['coco/bbox_mAP'] == pytest.approx(1.0, abs=1e-3)
    assert res['coco/segm_mAP'] == pytest.approx(1.0, abs=1e-3)
    del mask_util
