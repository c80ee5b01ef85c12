"""A detection run's test predictions, kept in COCO results format
(gzip-compressed), and re-scoring them with pycocotools without the
checkpoint.

mmdet's ``CocoMetric`` writes ``<prefix>.bbox.json`` and
``<prefix>.segm.json`` when its ``outfile_prefix`` is set; the study
compresses them to ``predictions.{bbox,segm}.json.gz`` beside the run's
``study_eval.json``. :func:`rescore` evaluates them against the test
annotations with the same ``COCOeval`` call mmdet makes, so its APs equal
the run's to mmdet's precision (each AP rounded to 0.001, i.e. 0.1 in %).
"""
import contextlib
import gzip
import io
import json
import os
import os.path as osp
from typing import Dict, List, Optional

from ...engine.atomic_io import write_bytes_atomic
from ..core.store import StudyError

PREFIX = 'predictions'
IOU_TYPES = ('bbox', 'segm')
# COCOeval.stats order, as mmdet's CocoMetric names them
STAT_NAMES = ('mAP', 'mAP_50', 'mAP_75', 'mAP_s', 'mAP_m', 'mAP_l')
MAX_DETS = (100, 300, 1000)  # CocoMetric's proposal_nums


def compress_predictions(prefix: str) -> Dict[str, object]:
    """Gzip ``<prefix>.{bbox,segm}.json`` in place (the plain files are
    removed once the compressed ones are written); returns the files and
    their sizes, for the run's result."""
    out: Dict[str, object] = {}
    for iou in IOU_TYPES:
        plain = f'{prefix}.{iou}.json'
        packed = plain + '.gz'
        if osp.isfile(plain):
            with open(plain, 'rb') as f:
                data = f.read()
            buf = io.BytesIO()
            # mtime 0: the same predictions give the same bytes
            with gzip.GzipFile(fileobj=buf, mode='wb', mtime=0) as gz:
                gz.write(data)
            write_bytes_atomic(buf.getvalue(), packed)
            os.remove(plain)
        if not osp.isfile(packed):
            raise StudyError(
                f'{packed} was not written: the test config\'s '
                'test_evaluator must be a CocoMetric with outfile_prefix '
                f'(the study sets it to {prefix})')
        out[iou] = dict(file=osp.basename(packed),
                        bytes=os.path.getsize(packed))
    return out


def read_predictions(run_dir: str, iou: str) -> List[dict]:
    """The kept COCO results of one IoU type of a run folder."""
    path = osp.join(run_dir, f'{PREFIX}.{iou}.json.gz')
    if not osp.isfile(path):
        raise StudyError(
            f'{path} not found: this run kept no predictions (runs before '
            'predictions were kept cannot be re-scored; run it again)')
    with gzip.open(path, 'rt') as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as e:
            raise StudyError(f'{path} is not valid JSON ({e.msg})') from e


def rescore(run_dir: str, ann_file: str,
            iou_types=IOU_TYPES) -> Dict[str, Optional[float]]:
    """COCO AP (in %, rounded as mmdet rounds) of a run's kept predictions
    against ``ann_file``: ``{bbox_mAP, bbox_mAP_50, ..., segm_mAP_l}``
    (None where COCOeval has no ground truth in an area range)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(ann_file)
    out: Dict[str, Optional[float]] = {}
    for iou in iou_types:
        preds = read_predictions(run_dir, iou)
        if not preds:  # nothing above the score threshold: mmdet's -1
            out.update({f'{iou}_{n}': None for n in STAT_NAMES})
            continue
        if iou == 'segm':
            # COCO.loadRes derives segm boxes from the masks; mmdet keeps
            # its own, which loadRes would otherwise replace
            preds = [dict(p) for p in preds]
            for p in preds:
                p.pop('bbox', None)
        with contextlib.redirect_stdout(io.StringIO()):
            dt = gt.loadRes(preds)
            ev = COCOeval(gt, dt, iou)
            # as mmdet's CocoMetric sets them
            ev.params.catIds = gt.getCatIds()
            ev.params.imgIds = gt.getImgIds()
            ev.params.maxDets = list(MAX_DETS)
            ev.evaluate()
            ev.accumulate()
            ev.summarize()
        for name, value in zip(STAT_NAMES, ev.stats[:6]):
            value = round(float(value), 3)  # mmdet's precision
            out[f'{iou}_{name}'] = 100 * value if value >= 0 else None
    return out
