"""Tables (Markdown, CSV) and figures of a Fashion-MNIST study work dir;
called by ``tools/compare.py`` when the folder holds a ``study.json``."""
import json
import os
import os.path as osp
from typing import List, Optional, Tuple

from ...engine.atomic_io import write_text_atomic
from ..core.store import read_json_file
from ..core.tables import (COST_DIGITS, cost_rows, markdown, read_results,
                           write_csv)
from . import figures
from .plan import SCALES, plan
from .tables import (ABLATION_COLUMNS, CURVE_NOTE, DEMO_NOTE, DIFF_NOTE,
                     DEPTH_FILE, LABELS_NOTE, MAIN_COLUMNS, PAIR_NOTE,
                     TRUE_STATS_NOTE, ablation_rows, curve_rows, depth_rows,
                     difference_rows, label_rows, main_rows, zero_shot_rows)


def _groups(scale: Optional[str]) -> List[Tuple[str, str]]:
    """The (kind, name) groups of a scale's runs, in the plan's order."""
    if scale not in SCALES:
        return []
    return list(dict.fromkeys((r.kind, r.name) for r in plan(SCALES[scale])))


def _depth_entries(results: List[dict]) -> List[dict]:
    """The ``study_depth.json`` of every run that has one."""
    return [
        read_json_file(osp.join(r['path'], DEPTH_FILE)) for r in results
        if osp.isfile(osp.join(r['path'], DEPTH_FILE))
    ]


def write_report(work_dir: str, out: str) -> List[str]:
    """All tables and figures of a study work dir; returns the paths."""
    index_path = osp.join(work_dir, 'study.json')
    with open(index_path) as f:
        index = json.load(f)
    results = read_results(work_dir)
    os.makedirs(out, exist_ok=True)
    written = []
    tables = [
        ('main', main_rows(results, index.get('raw_pixels')), {
            c: d
            for c, _, d in MAIN_COLUMNS
        }),
        ('differences', difference_rows(results, index.get('raw_pixels')),
         {}),
        ('labels', label_rows(results, index.get('raw_pixels')), {}),
        ('curve', curve_rows(results, index.get('scale')), {
            'recon MSE': 4
        }),
        ('ablation', ablation_rows(results, index.get('raw_pixels')), {
            c: d
            for c, _, d in ABLATION_COLUMNS
        }),
        ('zero_shot', zero_shot_rows(results, index.get('references',
                                                        {})), {}),
        ('depth', depth_rows(_depth_entries(results)), {}),
        ('costs', cost_rows(results, _groups(index.get('scale')), total=True),
         COST_DIGITS),
    ]
    md = [f'# Study results ({index["scale"]} scale)\n']
    if index['scale'] == 'demo':
        md.append(DEMO_NOTE)
    for name, rows, digits in tables:
        if not rows:  # e.g. no ablation at the demo scale
            continue
        md += [f'\n## {name}\n\n', markdown(rows, digits)]
        if name == 'main':
            md.append(f'\nrecon MSE of {TRUE_STATS_NOTE}.\n')
        if name == 'differences':
            md.append(f'\n{DIFF_NOTE}\n')
        if name == 'labels':
            md.append(f'\n{LABELS_NOTE}\n')
        if name == 'curve':
            md.append(f'\n{CURVE_NOTE}\n')
        if name == 'ablation':
            md.append(f'\n{PAIR_NOTE}\n')
            md.append('\nrecon MSE of the per-patch normalised row: mapped '
                      "to pixels with each hidden patch's true mean / std "
                      '(as norm_pix MAE), not comparable with the others.\n')
        p = osp.join(out, f'{name}.csv')
        write_csv(rows, p)
        written.append(p)
    p = osp.join(out, 'tables.md')
    write_text_atomic(''.join(md), p)
    rows_of = {name: rows for name, rows, _ in tables}
    written.append(p)
    drawers = {
        'main_bars.png': lambda p: figures.plot_main(rows_of['main'], p),
        'ablation_bars.png': lambda p: figures.plot_ablation(
            rows_of['ablation'], p),
        'loss_curves.png': lambda p: figures.plot_curves(results, p),
        'learning_curve.png': lambda p: figures.plot_learning_curve(
            rows_of['curve'], rows_of['labels'], p),
        'samples.png': lambda p: figures.plot_samples(results, p),
    }
    for name, make in drawers.items():
        p = osp.join(out, name)
        if make(p):
            written.append(p)
    summary = dict(
        scale=index['scale'],
        sessions=index.get('sessions', []),
        background=index.get('background'),
        references=index.get('references'),
        raw_pixels=index.get('raw_pixels'),
        runs=index.get('runs', {}),
        results=[{
            k: v
            for k, v in r.items() if k != 'path'
        }
                 | {
                     'run': osp.relpath(r['path'], work_dir)
                 } for r in results])
    p = osp.join(out, 'results.json')
    write_text_atomic(json.dumps(summary, indent=1) + '\n', p)
    written.append(p)
    return written
