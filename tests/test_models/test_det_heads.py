"""Mask R-CNN on CPU with a box in the LSJ padding: the ViT-B config's test
pipeline on a non-square real photo, proposals forced into the padding."""
from pathlib import Path

import pytest
import torch
from mmengine.structures import InstanceData

from gmae_bench.runtime import load_config
from tests.helpers import DATA, ROOT

VIT_B = ROOT / 'configs/detection/mask-rcnn_vit-b-p16_gmae-pre_coco.py'
PHOTO = DATA / 'voc_coco/2011_000006.jpg'  # 500 x 375: 1024 x 768 inside


def _lsj_sample():
    """The ViT-B config's test pipeline (resize to 1024, pad to 1024 x
    1024) on a real photo, annotations left out."""
    from mmcv.transforms import Compose
    from mmdet.utils import register_all_modules
    register_all_modules()
    cfg = load_config(str(VIT_B))
    steps = [
        t for t in cfg.test_dataloader.dataset.pipeline
        if t['type'] != 'LoadAnnotations'
    ]
    return Compose(steps)(dict(img_path=str(PHOTO), img_id=6))


def _roi_head(kind: str):
    """The tiny detection config's RoI head with the box head's output
    forced: class 0 certain, zero regression (boxes = proposals)."""
    from mmdet.registry import MODELS

    import gmae_bench.models.det_heads  # noqa: F401
    cfg = load_config(
        str(ROOT /
            'configs/detection/mask-rcnn_vit-tiny_gmae-pre_voc-coco.py'))
    head_cfg = cfg.model.roi_head.to_dict()
    head_cfg.update(type=kind, test_cfg=cfg.model.test_cfg.rcnn)
    head = MODELS.build(head_cfg).eval()
    C = head.bbox_head.num_classes

    def forced(x):
        n = x.shape[0]
        cls = torch.full((n, C + 1), -10.)
        cls[:, 0] = 10.
        return cls, torch.zeros(n, 4 * C)

    head.bbox_head.forward = forced
    return head


def _predict(head, sample):
    feats = tuple(
        torch.randn(1, 256, 1024 // s, 1024 // s) for s in (4, 8, 16, 32, 64))
    # one proposal on the photo, one wholly in the padding below it
    proposals = InstanceData(
        bboxes=torch.tensor([[100., 100., 300., 300.], [10., 800., 50.,
                                                        900.]]),
        scores=torch.ones(2),
        labels=torch.zeros(2, dtype=torch.long))
    with torch.no_grad():
        return head.predict(
            feats, [proposals], [sample['data_samples']], rescale=True)[0]


def test_lsj_metas_are_the_padded_square():
    meta = _lsj_sample()['data_samples'].metainfo
    assert meta['ori_shape'] == (375, 500)
    assert tuple(meta['img_shape']) == (1024, 1024)  # mmdet's Pad


def test_plain_roi_head_crashes_on_cpu():
    """The failure the guard exists for (mmdet pastes masks with
    skip_empty=True on CPU)."""
    with pytest.raises(RuntimeError, match='inconsistent with step sign'):
        _predict(_roi_head('StandardRoIHead'), _lsj_sample())


def test_content_roi_head_drops_the_padding_box_and_keeps_the_other():
    sample = _lsj_sample()
    res = _predict(_roi_head('gmae_bench.ContentRoIHead'), sample)
    scale = 1024 / 500
    b = res.bboxes  # the tiny config keeps every class's box (score_thr 0)
    assert len(b) and bool(((b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1])).all())
    assert float(b[:, 3].max()) <= 375 and float(b[:, 2].max()) <= 500
    sure = res[res.scores > 0.5]
    assert len(sure) == 1  # the box in the padding is gone
    torch.testing.assert_close(sure.bboxes[0],
                               torch.tensor([100., 100., 300., 300.]) / scale)
    assert res.masks.shape == (len(b), 375, 500)
    assert res.masks.dtype == torch.bool
    # COCO metrics are produced from it
    from mmdet.evaluation import CocoMetric
    metric = CocoMetric(
        ann_file=str(DATA / 'voc_coco/annotations.json'),
        metric=['bbox', 'segm'])
    import json
    cats = json.loads((DATA / 'voc_coco/annotations.json').read_text())
    metric.dataset_meta = dict(classes=[
        c['name'] for c in cats['categories'] if c['name'] != '_background_'
    ])
    img_id = next(i['id'] for i in cats['images']
                  if Path(i['file_name']).name == PHOTO.name)
    pred = dict(
        img_id=img_id,
        ori_shape=(375, 500),
        pred_instances=dict(
            bboxes=res.bboxes,
            scores=res.scores,
            labels=res.labels,
            masks=res.masks))
    metric.process({}, [pred])
    out = metric.evaluate(1)
    assert 'coco/bbox_mAP' in out and 'coco/segm_mAP' in out


def test_partly_padded_box_is_clipped_to_the_content():
    from gmae_bench.models.det_heads import content_shape
    meta = _lsj_sample()['data_samples'].metainfo
    assert content_shape(meta) == (768, 1024)
    assert content_shape(dict(img_shape=(64, 48))) == (64, 48)
