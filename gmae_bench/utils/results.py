"""Read what a run left in its work dir: config, task, method, metrics,
loss curve and GMAE settings (k, c). Used by tools/compare.py."""
import glob
import json
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

# Published ViT-B numbers (METHOD.md 3.2 / 3.1; GMAE and MAE 400 epochs,
# except the ADE20K MAE row, which is the MAE paper's 1600-epoch model).
# None: not published.
PAPER: Dict[Tuple[str, str], Dict[str, Optional[float]]] = {
    ('cls_ft', 'accuracy/top1'): dict(mae=83.0, gmae=83.2),
    ('cls_linear', 'accuracy/top1'): dict(mae=None, gmae=61.9),
    ('det', 'coco/bbox_mAP'): dict(mae=50.6, gmae=50.2),
    ('det', 'coco/segm_mAP'): dict(mae=45.0, gmae=44.5),
    ('seg', 'mIoU'): dict(mae=48.1, gmae=None),
}
METRICS = {
    'cls_ft': ['accuracy/top1'],
    'cls_linear': ['accuracy/top1'],
    'det': ['coco/bbox_mAP', 'coco/segm_mAP'],
    'seg': ['mIoU'],
    # masked-patch MSE in [0, 1] pixel space (the MAE training loss uses
    # norm_pix targets and is not comparable)
    'pretrain': ['mse_pixels'],
}
# zero-shot: (metric, MAE baseline, GMAE readout, model-free reference)
ZERO_SHOT = [('fg_iou', 'mae_recon_2means', 'gmae_layers', 'center_prior')] + [
    (f'edges_{m}', 'mae_recon_sobel', 'gmae_layers', 'image_sobel')
    for m in ('ODS', 'OIS', 'AP')
]
# mmdet reports AP in [0, 1]; tables use percent like the paper
PERCENT = ('coco/bbox_mAP', 'coco/segm_mAP')


@dataclass
class Run:
    """One finished (or running) experiment."""
    work_dir: str
    name: str  # config name, e.g. 'vit-b-p16_gmae-pre_in1k'
    method: str  # 'mae' | 'gmae'
    task: str  # pretrain | cls_ft | cls_linear | det | seg | zero_shot
    arch: str  # 'vit-b' | 'vit-tiny' | ...
    metrics: Dict[str, float] = field(default_factory=dict)
    loss_curve: List[Tuple[int, float]] = field(default_factory=list)
    settings: Dict[str, float] = field(default_factory=dict)

    @property
    def pair_key(self) -> str:
        """Same for a GMAE run and its MAE twin."""
        return self.name.replace('gmae', 'mae')


def method_of(name: str) -> str:
    return 'gmae' if 'gmae' in name else 'mae'


def arch_of(name: str) -> str:
    for a in ('vit-b', 'vit_b', 'vit-tiny', 'vit_tiny', 'vit-l', 'vit_l'):
        if a in name:
            return a.replace('_', '-')
    return 'other'


def _scalars(work_dir: str) -> List[dict]:
    files = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    rows = []
    for f in files:  # oldest first: resumed runs append later rows
        with open(f) as fh:
            rows += [json.loads(line) for line in fh if line.strip()]
    return rows


def _task(cfg, name: str) -> str:
    if cfg.model.type.endswith('MaskedAutoencoder'):
        return 'pretrain'
    scope = cfg.get('default_scope')
    if scope == 'mmdet':
        return 'det'
    if scope == 'mmseg':
        return 'seg'
    frozen = cfg.model.backbone.get('frozen_stages', -1) >= 0
    return 'cls_linear' if frozen or 'linear' in name else 'cls_ft'


def read_work_dir(work_dir: str) -> Optional[Run]:
    """The run in ``work_dir`` or None if it holds no dumped config /
    zero-shot result."""
    zs = osp.join(work_dir, 'zero_shot.json')
    if osp.isfile(zs):
        with open(zs) as f:
            data = json.load(f)
        metrics = {f'fg_iou/{m}': v for m, v in data['fg_iou'].items()}
        for m, scores in data['edges'].items():
            metrics.update({f'edges_{k}/{m}': v for k, v in scores.items()})
        name = osp.basename(osp.normpath(work_dir))
        return Run(work_dir, name, 'gmae', 'zero_shot', 'other', metrics)
    configs = sorted(glob.glob(osp.join(work_dir, '*.py')))
    if not configs:
        return None
    from mmengine.config import Config
    path = configs[0]
    name = osp.splitext(osp.basename(path))[0]
    cfg = Config.fromfile(path, import_custom_modules=False)
    task = _task(cfg, name)
    rows = _scalars(work_dir)
    metrics, curve = {}, []
    if task == 'pretrain':
        key = 'mse_pixels' if any('mse_pixels' in r for r in rows) else None
        curve = [(r.get('iter', r.get('step')), r[key]) for r in rows
                 if key and key in r]
        if curve:
            tail = [v for _, v in curve[-5:]]
            metrics[key] = sum(tail) / len(tail)
    else:
        for r in rows:
            metrics.update({k: r[k] for k in METRICS[task] if k in r})
    test = osp.join(work_dir, 'test_metrics.json')
    if osp.isfile(test):
        with open(test) as f:
            metrics.update(json.load(f)['metrics'])
    for k in PERCENT:
        if k in metrics:
            metrics[k] = 100.0 * metrics[k]
    settings = {}
    if task == 'pretrain' and cfg.model.decoder.get('num_queries'):
        settings = dict(
            k=cfg.model.decoder.num_queries,
            c=cfg.model.head.get('scale_max', 1.0))
    return Run(work_dir, name, method_of(name), task, arch_of(name), metrics,
               curve, settings)


def find_runs(paths: List[str]) -> List[Run]:
    """Runs in the given work dirs, or in their immediate sub-folders."""
    runs = []
    for p in paths:
        if not osp.isdir(p):
            raise FileNotFoundError(f'work dir not found: {p}')
        run = read_work_dir(p)
        if run is not None:
            runs.append(run)
            continue
        for sub in sorted(glob.glob(osp.join(p, '*', ''))):
            run = read_work_dir(sub)
            if run is not None:
                runs.append(run)
    return runs
