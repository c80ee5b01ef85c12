"""Tables (Markdown, CSV) and figures of a scenes-study work dir; called by
``tools/compare.py`` when the folder's ``study.json`` names the scenes
study.

Every cell is ``mean ± sample std (n)`` over the seeds that finished. AP is
COCO's (in %), mIoU / aAcc mmseg's (in %), FG-ARI, figure-ground IoU and
occlusion order in %, reconstruction error masked-patch MSE in [0, 1]
pixels.
"""
import json
import os
import os.path as osp
from typing import Dict, List

import numpy as np

from ...datasets.idx import FASHION_MNIST_CLASSES
from ...engine.atomic_io import write_figure_atomic, write_text_atomic
from ..core.stats import RULE
from ..core.store import read_json_file
from ..core.tables import (COST_DIGITS, cost_rows, difference_row, markdown,
                           read_results, stat, write_csv)
from .plan import ENCODERS, LABELS
from .study import SAMPLES

TASK_COLUMNS = [  # column, kind, key, digits
    ('box AP', 'det', 'bbox_mAP', 1),
    ('box AP50', 'det', 'bbox_mAP_50', 1),
    ('box AP75', 'det', 'bbox_mAP_75', 1),
    ('mask AP', 'det', 'segm_mAP', 1),
    ('mask AP50', 'det', 'segm_mAP_50', 1),
    ('mask AP75', 'det', 'segm_mAP_75', 1),
    ('mIoU', 'seg', 'mIoU', 1),
    ('aAcc', 'seg', 'aAcc', 1),
]
ROW_ORDER = list(ENCODERS) + ['gmae-white']
# zero-shot rows: label, pretraining name (None: references), readout
ZERO_SHOT_ROWS = [
    ('GMAE depth layers', 'gmae', 'layers'),
    ('GMAE coverage (opacity > 0.5)', 'gmae', 'coverage'),
    ('GMAE reconstruction', 'gmae', 'recon'),
    ('MAE reconstruction', 'mae', 'recon'),
    ('MAE-pixel reconstruction', 'mae-pixel', 'recon'),
    ('GMAE-white depth layers (ablation)', 'gmae-white', 'layers'),
    ('GMAE-white coverage (ablation)', 'gmae-white', 'coverage'),
    ('GMAE-white reconstruction (ablation)', 'gmae-white', 'recon'),
    ('image itself (model-free; Sobel for edges)', None, 'image'),
    ('larger visible area in front (model-free)', None, 'area'),
    ('chance', None, 'chance'),
]
ZERO_SHOT_COLUMNS = ('FG-ARI', 'fg IoU', 'occlusion order',
                     'order, changed pixels', 'item pixels changed',
                     'edge ODS', 'edge OIS', 'edge AP')
# readout -> the zero_shot keys of its columns (None: not this readout's)
READOUT_KEYS = {
    'layers': ('fg_ari/layers', None, 'order/layers', 'order/layers_changed',
               'coverage/layers_changed', 'edges_ODS/layers',
               'edges_OIS/layers', 'edges_AP/layers'),
    'coverage': (None, 'fg_iou/coverage', None, None, None, None, None,
                 None),
    'recon': ('fg_ari/recon_components', 'fg_iou/recon_threshold', None,
              None, None, 'edges_ODS/recon_sobel', 'edges_OIS/recon_sobel',
              'edges_AP/recon_sobel'),
    'image': ('fg_ari/image_components', 'fg_iou/image_threshold', None,
              None, None, 'edges_ODS/image_sobel', 'edges_OIS/image_sobel',
              'edges_AP/image_sobel'),
    'area': (None, None, 'order/larger_area_front', None, None, None, None,
             None),
    'chance': (None, None, 'order/chance', None, None, None, None, None),
}


# MAE and MAE-pixel of one seed share the encoder's initialisation, data
# order and masks (their pretrainings are paired); GMAE's is not paired with
# them and random init has no pretraining: those differences are unpaired
PAIRED = {('mae', 'mae-pixel')}
DIFFERENCES = [('gmae', 'mae'), ('gmae', 'random'), ('mae', 'random'),
               ('mae-pixel', 'random'), ('mae', 'mae-pixel')]
DIFF_METRICS = [('box AP', 'det', 'bbox_mAP'), ('mask AP', 'det', 'segm_mAP'),
                ('mIoU', 'seg', 'mIoU')]
DENSE_FILE = 'dense_probe.json'  # tools/dense_probe.py, in the work dir
DENSE_PAIRS = [('gmae', 'mae'), ('gmae', 'random'), ('mae', 'random'),
               ('mae-pixel', 'random'), ('mae', 'mae-pixel')]
DIFF_NOTE = (f'Statistics rule: {RULE}. AP as mmdet rounds it (0.1 points); '
             'paired: MAE and MAE-pixel only (their pretrainings share the '
             'seed\'s initialisation, data order and masks).')


def _runs(results, kind, name):
    return [r for r in results if r['kind'] == kind and r['name'] == name]


def dense_rows(dense: dict) -> List[dict]:
    """The frozen dense probe's mIoU per encoder (mean over seeds) and its
    differences under the statistics rule."""
    entries = dense.get('entries', [])
    rows = []
    for name in ROW_ORDER:
        sel = [e for e in entries if e['encoder'] == name]
        if sel:
            rows.append({
                'encoder': LABELS[name],
                'linear per-pixel probe, mIoU': stat([e['mIoU'] for e in sel]),
                'seeds': ', '.join(str(e['seed']) for e in sel),
                'lr chosen': ', '.join(f'{e["lr"]:g}' for e in sel),
            })
    for a, b in DENSE_PAIRS:
        row = difference_row(
            f'{LABELS[a]} - {LABELS[b]}', 'dense probe mIoU',
            {e['seed']: e['mIoU'] for e in entries if e['encoder'] == a},
            {e['seed']: e['mIoU'] for e in entries if e['encoder'] == b},
            (a, b) in PAIRED, 1)
        if row and rows:
            rows.append({
                'encoder': row['difference'],
                'linear per-pixel probe, mIoU': row['mean [95 % CI]'],
                'seeds': row['n'],
                'lr chosen': f'{row["test"]}: {row["verdict"]}',
            })
    return rows


def difference_rows(results: List[dict]) -> List[dict]:
    """Differences of the encoders downstream, under the statistics rule."""
    rows = []
    for a, b in DIFFERENCES:
        for metric, kind, key in DIFF_METRICS:
            row = difference_row(
                f'{LABELS[a]} - {LABELS[b]}', metric,
                {r['seed']: r.get(key) for r in _runs(results, kind, a)},
                {r['seed']: r.get(key) for r in _runs(results, kind, b)},
                (a, b) in PAIRED, 1)
            rows += [row] if row else []
    return rows


def task_rows(results: List[dict]) -> List[dict]:
    rows = []
    for name in ROW_ORDER:
        row: Dict[str, object] = {'encoder': LABELS[name]}
        for col, kind, key, _ in TASK_COLUMNS:
            row[col] = stat([r.get(key) for r in _runs(results, kind, name)])
        if name != 'random':
            row['recon MSE'] = stat([
                r.get('recon_mse') for r in _runs(results, 'pretrain', name)
            ])
        else:
            row['recon MSE'] = None
        if any(isinstance(v, tuple) for k, v in row.items() if k != 'encoder'):
            rows.append(row)
    return rows


def zero_shot_rows(results: List[dict], references: dict) -> List[dict]:
    rows = []
    for label, name, readout in ZERO_SHOT_ROWS:
        if name is None:
            sources = [references] if references else []
        else:
            sources = [
                r.get('zero_shot') or {}
                for r in _runs(results, 'pretrain', name)
            ]
        if not sources:
            continue
        keys = READOUT_KEYS[readout]
        row: Dict[str, object] = {'readout': label}
        for col, key in zip(ZERO_SHOT_COLUMNS, keys):
            row[col] = stat([s.get(key) for s in sources]) if key else None
        if any(isinstance(v, tuple) for v in row.values()):
            rows.append(row)
    return rows


# ----------------------------------------------------------------------
# figures
# ----------------------------------------------------------------------
def _load(results, kind, name):
    sel = [r for r in _runs(results, kind, name) if r['seed'] == 0]
    path = osp.join(sel[0]['path'], 'samples.npz') if sel else None
    return np.load(path) if path and osp.isfile(path) else None


def _ids_rgb(ids: np.ndarray, background: int) -> np.ndarray:
    """Colour an id map (background black)."""
    rng = np.random.default_rng(3)
    colours = rng.uniform(0.25, 1.0, size=(max(int(ids.max()) + 1, 32), 3))
    out = colours[ids]
    out[ids == background] = 0
    return out


def plot_layers(results: List[dict], path: str) -> bool:
    """Rows: input, masked input, each reconstruction (visible patches
    pasted), GMAE's depth layers, the true instances; columns: test
    scenes (seed 0)."""
    rows = []
    for name in ('mae', 'mae-pixel', 'gmae', 'gmae-white'):
        s = _load(results, 'pretrain', name)
        if s is None:
            continue
        if not rows:
            rows += [('input', s['image'].transpose(0, 2, 3, 1)),
                     ('masked (0.75)', s['masked'].transpose(0, 2, 3, 1)),
                     ('true instances',
                      np.stack([_ids_rgb(i, 0) for i in s['instances']]))]
        rows.append((f'{LABELS[name]}\n(pasted)',
                     s['pasted'].transpose(0, 2, 3, 1)))
        if 'layers' in s.files:
            layers = s['layers']
            n = int(layers.max())
            rows.append((f'{LABELS[name]}\ndepth layers',
                         np.stack([_ids_rgb(m, n) for m in layers])))
    if not rows:
        return False
    return _grid(rows, path)


def plot_tasks(results: List[dict], path: str) -> bool:
    """Rows: each encoder's Mask R-CNN boxes and masks, and its UperNet
    class map (seed 0), on the same test scenes, under the input and the
    true instances."""
    rows = []
    pre = None
    for name in ROW_ORDER:
        pre = pre if pre is not None else _load(results, 'pretrain', name)
    for name in ROW_ORDER:
        d = _load(results, 'det', name)
        if d is not None:
            rows.append((f'{LABELS[name]}\nMask R-CNN (score >= 0.3)',
                         _detections(d, SAMPLES)))
        s = _load(results, 'seg', name)
        if s is not None:
            rows.append((f'{LABELS[name]}\nUperNet',
                         np.stack([_ids_rgb(m, 0) for m in s['semantic']])))
    if not rows:
        return False
    if pre is not None:
        rows = [('input', pre['image'].transpose(0, 2, 3, 1)),
                ('true instances',
                 np.stack([_ids_rgb(i, 0) for i in pre['instances']]))] + rows
    return _grid(rows, path, detections=True)


def _detections(d, n: int) -> list:
    """Per image (``n`` of them) a dict of the boxes / labels / masks
    kept for the figure (drawn by _grid); an image may have none."""
    out = []
    for i in range(n):
        k = d['image'] == i
        out.append(dict(boxes=d['boxes'][k], labels=d['labels'][k],
                        masks=d['masks'][k], scores=d['scores'][k]))
    return out


def _grid(rows, path: str, detections: bool = False) -> bool:
    from ...visualization import pyplot
    plt = pyplot()
    n = max(len(r[1]) for r in rows)
    fig, axes = plt.subplots(
        len(rows), n, figsize=(n * 1.0, len(rows) * 1.05), squeeze=False)
    for i, (label, imgs) in enumerate(rows):
        for j in range(n):
            ax = axes[i, j]
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(label, fontsize=5, rotation=0, ha='right',
                              va='center')
            if j >= len(imgs):
                continue
            img = imgs[j]
            if isinstance(img, dict):
                canvas = np.zeros((64, 64, 3)) if not len(img['masks']) else \
                    np.zeros(img['masks'].shape[1:] + (3, ))
                for m in img['masks']:
                    canvas[m] = 0.5 * canvas[m] + 0.5 * np.array(
                        [0.2, 0.8, 1.0])
                ax.imshow(canvas)
                for (x0, y0, x1, y1), lab in zip(img['boxes'], img['labels']):
                    ax.add_patch(
                        plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False,
                                      lw=0.6, ec='yellow'))
                    ax.text(x0, y0, FASHION_MNIST_CLASSES[int(lab)][:5],
                            fontsize=3, color='yellow', va='bottom')
            else:
                ax.imshow(np.clip(img, 0, 1))
    fig.tight_layout(pad=0.2)
    write_figure_atomic(fig, path, dpi=150)
    return True


def _dense(work_dir: str) -> dict:
    path = osp.join(work_dir, DENSE_FILE)
    return read_json_file(path) if osp.isfile(path) else {}


# ----------------------------------------------------------------------
def write_report(work_dir: str, out: str) -> List[str]:
    """All tables and figures of a scenes-study work dir; returns paths."""
    with open(osp.join(work_dir, 'study.json')) as f:
        index = json.load(f)
    results = read_results(work_dir)
    os.makedirs(out, exist_ok=True)
    written = []
    data = index.get('data', {})
    md = [f'# Scenes study results ({index["scale"]} scale)\n\n'
          f'Data: Fashion-MNIST scenes `{data.get("set")}`, checksum '
          f'`{data.get("digest")}`.\n']
    tables = [
        ('tasks', task_rows(results),
         dict({c: d for c, _, _, d in TASK_COLUMNS}, **{'recon MSE': 4})),
        ('differences', difference_rows(results), {}),
        ('dense_probe', dense_rows(_dense(work_dir)),
         {'linear per-pixel probe, mIoU': 1}),
        ('zero_shot', zero_shot_rows(results, index.get('references', {})),
         {}),
        ('costs',
         cost_rows(results, [(kind, name) for kind in ('pretrain', 'det', 'seg')
                             for name in ROW_ORDER]), COST_DIGITS),
    ]
    for name, rows, digits in tables:
        if not rows:
            continue
        md += [f'\n## {name}\n\n', markdown(rows, digits)]
        if name == 'differences':
            md.append(f'\n{DIFF_NOTE}\n')
        p = osp.join(out, f'scenes_{name}.csv')
        write_csv(rows, p)
        written.append(p)
    p = osp.join(out, 'tables.md')
    write_text_atomic(''.join(md), p)
    written.append(p)
    for name, make in (('scenes_layers.png', plot_layers),
                       ('scenes_tasks.png', plot_tasks)):
        p = osp.join(out, name)
        if make(results, p):
            written.append(p)
    summary = dict(
        study='scenes',
        scale=index['scale'],
        data=data,
        sessions=index.get('sessions', []),
        references=index.get('references'),
        results=[{k: v for k, v in r.items() if k != 'path'}
                 | {'run': osp.relpath(r['path'], work_dir)}
                 for r in results])
    p = osp.join(out, 'results.json')
    write_text_atomic(json.dumps(summary, indent=1) + '\n', p)
    written.append(p)
    return written
