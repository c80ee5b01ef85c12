"""Read what a run left in its work dir: config, task, method, metrics,
loss curve and GMAE settings (k, c). Used by tools/compare.py.

Every file is read with its path in the error: a garbled ``scalars.json``,
``test_metrics.json`` or ``zero_shot.json`` raises :class:`ResultFileError`
naming the file, the line and what is wrong (a last ``scalars.json`` line
cut short by a killed run is skipped with a warning).
"""
import glob
import json
import os.path as osp
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple

# Published ViT-B numbers (GMAE paper tables, ViT-B, GMAE and MAE 400
# epochs, except the ADE20K MAE row, which is the MAE paper's 1600-epoch
# model). None: not published.
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
    # masked-patch MSE in [0, 1] pixel space: 'mse_pixels' when the
    # prediction is in pixels by itself (GMAE, MAE without norm_pix);
    # 'mse_pixels_true_stats' for norm_pix MAE, whose prediction needs each
    # hidden patch's true mean / std to become pixels (not comparable)
    'pretrain': ['mse_pixels', 'mse_pixels_true_stats'],
}
NOTES = {
    'mse_pixels_true_stats':
    'MAE norm_pix mapped to pixels with each hidden patch\'s true mean '
    'and std: not comparable with GMAE',
}
# zero-shot: (metric, MAE baseline, GMAE readout, model-free reference)
ZERO_SHOT = [('fg_iou', 'mae_recon_2means', 'gmae_layers', 'center_prior')] + [
    (f'edges_{m}', 'mae_recon_sobel', 'gmae_layers', 'image_sobel')
    for m in ('ODS', 'OIS', 'AP')
]
# mmdet reports AP in [0, 1]; tables use percent like the paper
PERCENT = ('coco/bbox_mAP', 'coco/segm_mAP')


class ResultFileError(ValueError):
    """A result file that cannot be read; the message names it."""


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
    notes: List[str] = field(default_factory=list)

    @property
    def pair_key(self) -> str:
        """Same for a GMAE run and its MAE twins (with and without
        norm_pix)."""
        return self.name.replace('mae-pixel', 'mae').replace('gmae', 'mae')


def method_of(name: str) -> str:
    return 'gmae' if 'gmae' in name else 'mae'


def arch_of(name: str) -> str:
    for a in ('vit-b', 'vit_b', 'vit-tiny', 'vit_tiny', 'vit-l', 'vit_l'):
        if a in name:
            return a.replace('_', '-')
    return 'other'


def read_json(path: str) -> Any:
    """``json.load`` whose errors name the file."""
    try:
        with open(path) as f:
            return json.load(f)
    except json.JSONDecodeError as e:
        raise ResultFileError(
            f'{path} is not valid JSON ({e.msg}, line {e.lineno} column '
            f'{e.colno}); re-run the tool that wrote it or remove it') from e
    except UnicodeDecodeError as e:
        raise ResultFileError(f'{path} is not a text file ({e})') from e


def require(data: Any, keys: Tuple[str, ...], path: str) -> None:
    """Raise :class:`ResultFileError` unless ``data`` is a dict with
    ``keys``."""
    if not isinstance(data, dict):
        raise ResultFileError(
            f'{path}: expected a JSON object, got {type(data).__name__}')
    missing = [k for k in keys if k not in data]
    if missing:
        raise ResultFileError(f'{path} lacks the key(s) {missing} (found '
                              f'{sorted(data)}); was it written by an '
                              'older or another tool?')


def _scalars(work_dir: str) -> List[dict]:
    """Rows of every ``vis_data/scalars.json`` of the run, oldest first
    (resumed runs append later rows)."""
    files = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    rows = []
    for path in files:
        with open(path, errors='replace') as fh:
            lines = [(i, x) for i, x in enumerate(fh, 1) if x.strip()]
        for pos, (lineno, line) in enumerate(lines):
            try:
                row = json.loads(line)
            except json.JSONDecodeError as e:
                if pos == len(lines) - 1:  # cut short by a killed run
                    warnings.warn(f'{path}: last line {lineno} is '
                                  'incomplete (a killed run?); skipped')
                    continue
                raise ResultFileError(
                    f'{path}: line {lineno} is not valid JSON ({e.msg}); '
                    'fix or remove that line') from e
            if not isinstance(row, dict):
                raise ResultFileError(
                    f'{path}: line {lineno} is not a JSON object')
            rows.append(row)
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


def _read_zero_shot(work_dir: str, path: str) -> Run:
    data = read_json(path)
    require(data, ('fg_iou', 'edges'), path)
    metrics = {f'fg_iou/{m}': v for m, v in data['fg_iou'].items()}
    for m, scores in data['edges'].items():
        if not isinstance(scores, dict):
            raise ResultFileError(f'{path}: edges.{m} is not an object')
        metrics.update({f'edges_{k}/{m}': v for k, v in scores.items()})
    name = osp.basename(osp.normpath(work_dir))
    return Run(work_dir, name, 'gmae', 'zero_shot', 'other', metrics)


OWN_CONFIGS = ('train_config.py', 'test_config.py')


def read_work_dir(work_dir: str) -> Optional[Run]:
    """The run in ``work_dir`` or None if it holds no dumped config /
    zero-shot result."""
    zs = osp.join(work_dir, 'zero_shot.json')
    if osp.isfile(zs):
        return _read_zero_shot(work_dir, zs)
    configs = sorted(glob.glob(osp.join(work_dir, '*.py')))
    # mmengine's dump carries the config's name; tools/train.py's and
    # tools/test.py's own copies stand in only when it is missing
    dumped = [p for p in configs if osp.basename(p) not in OWN_CONFIGS]
    own = [osp.join(work_dir, n) for n in OWN_CONFIGS if
           osp.join(work_dir, n) in configs]
    if not dumped and not own:
        return None
    from mmengine.config import Config
    path = (dumped or own)[0]
    name = osp.splitext(osp.basename(path))[0] if dumped else osp.basename(
        osp.normpath(work_dir))
    try:
        cfg = Config.fromfile(path, import_custom_modules=False)
        task = _task(cfg, name)
    except Exception as e:  # a broken dumped config
        raise ResultFileError(f'{path}: cannot read the dumped config '
                              f'({type(e).__name__}: {e})') from e
    rows = _scalars(work_dir)
    metrics, curve, notes = {}, [], []
    if task == 'pretrain':
        norm_pix = bool(cfg.model.get('head', {}).get('norm_pix'))
        key = 'mse_pixels_true_stats' if norm_pix else 'mse_pixels'
        # logs written before the metric had its own name call it mse_pixels
        logged = key if any(key in r for r in rows) else 'mse_pixels'
        curve = [(r.get('iter', r.get('step')), r[logged]) for r in rows
                 if logged in r]
        if curve:
            tail = [v for _, v in curve[-5:]]
            metrics[key] = sum(tail) / len(tail)
    else:
        for r in rows:
            metrics.update({k: r[k] for k in METRICS[task] if k in r})
    test = osp.join(work_dir, 'test_metrics.json')
    if osp.isfile(test):
        data = read_json(test)
        require(data, ('metrics', ), test)
        if not data['metrics']:
            notes.append(data.get('note') or f'{test} holds no metrics')
        metrics.update(data['metrics'])
    for k in PERCENT:
        if k in metrics:
            metrics[k] = 100.0 * metrics[k]
    settings = {}
    if task == 'pretrain' and cfg.model.decoder.get('num_queries'):
        settings = dict(
            k=cfg.model.decoder.num_queries,
            c=cfg.model.head.get('scale_max', 1.0))
    return Run(work_dir, name, method_of(name), task, arch_of(name), metrics,
               curve, settings, notes)


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


SPLIT_NAMES = ('train', 'val', 'validation', 'test')


def split_of_files(cfg) -> Optional[str]:
    """The split a dataset's annotation file or image folder is named after
    (``annotations/test.json`` -> test, ``images/validation`` ->
    validation), None when neither is."""
    prefix = cfg.get('data_prefix') or {}
    paths = [cfg.get('ann_file') or '']
    paths += [v for v in prefix.values() if isinstance(v, str)]
    for path in paths:
        parts = path.replace('\\', '/').split('/')
        parts = [osp.splitext(q)[0] for q in parts]
        for name in reversed([q for q in parts if q]):
            if name in SPLIT_NAMES:
                return name
    return None


def describe_test_set(dataset, cfg) -> dict:
    """What a test run scored: the split and the number of images (for
    ``test_metrics.json``). mmpretrain 1.2.0's (Fashion-)MNIST reads the
    test files when ``test_mode`` is set, whatever ``split`` says, so the
    split is taken from the files it read."""
    inner = getattr(dataset, 'dataset', dataset)  # a wrapper's dataset
    split = cfg.get('split')
    if type(inner).__name__ in ('MNIST', 'FashionMNIST'):
        split = 'test' if inner.test_mode else 'train'
    if split is None:  # COCO / mmseg sets: named by their files
        split = split_of_files(cfg)
    return dict(
        type=type(inner).__name__,
        split=split,
        images=len(dataset),
        ann_file=cfg.get('ann_file') or None,
        data_prefix=cfg.get('data_prefix') or None)
