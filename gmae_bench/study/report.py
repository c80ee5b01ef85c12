"""Tables (Markdown, CSV) and figures of a study work dir; called by
``tools/compare.py`` when the folder holds a ``study.json``.

Every cell is ``mean ± sample std (n)`` over the seeds that finished; a
cell with n = 1 has no std. Accuracies are top-1 in %, reconstruction errors
are masked-patch MSE in [0, 1] pixels, zero-shot scores are in %.
"""
import csv
import glob
import io
import json
import os
import os.path as osp
import statistics
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..engine.atomic_io import write_figure_atomic, write_text_atomic
from .plan import (ABLATIONS, CURVE_METHODS, DEFAULT_ROW, PAPER_ABLATION,
                   SCALES, label_kind, plan, pretrain_name)
from .probes import FIXED_K, FIXED_LR, is_current, protocol1_scores

Stat = Optional[Tuple[float, Optional[float], int]]

MAIN_ROWS = [  # label, kind, name
    ('MAE (norm_pix)', 'pretrain', 'mae_pretrain_fmnist'),
    ('MAE-pixel', 'pretrain', 'mae-pixel_pretrain_fmnist'),
    ('GMAE', 'pretrain', 'gmae_pretrain_fmnist'),
    # the background ablation has three seeds: a main row of its own
    ('GMAE, black background', 'pretrain', 'gmae_pretrain_fmnist_black'),
    ('random-init encoder', 'random', 'random'),
    ('supervised from scratch', 'finetune', 'scratch'),
    ('supervised from scratch, own recipe', 'finetune', 'scratch-own'),
]
# zero-shot columns name their readout; every row of a column uses it
# (the reconstruction readout for every method, GMAE's depth layers in
# columns of their own; OIS / AP in the zero-shot table)
MAIN_COLUMNS = [  # column, key in study_eval.json (zero_shot/...), digits
    ('linear top-1', 'linear', 2),
    ('k-NN top-1', 'knn', 2),
    ('fine-tune top-1', 'finetune', 2),
    ('recon MSE', 'recon_mse', 4),
    ('fg IoU, recon 2-means', 'fg_iou/recon_2means', 1),
    ('edge ODS, recon Sobel', 'edges_ODS/recon_sobel', 1),
    ('fg IoU, depth layers', 'fg_iou/layers', 1),
    ('edge ODS, depth layers', 'edges_ODS/layers', 1),
]
ABLATION_COLUMNS = [('linear top-1', 'linear', 2), ('k-NN top-1', 'knn', 2),
                    ('recon MSE', 'recon_mse', 4),
                    ('fg IoU, recon 2-means', 'fg_iou/recon_2means', 1),
                    ('fg IoU, depth layers', 'fg_iou/layers', 1),
                    ('edge ODS, depth layers', 'edges_ODS/layers', 1)]
# a difference of two single runs spreads about sqrt(2) x one run's std
PAIR_NOTE = (
    'Each ablation (one run, seed 0) stands beside the default run of the '
    'same seed (not the mean of three): with one run on each side, a '
    'difference is resolved only beyond about 1.4 x the seed std of one '
    'run (main table), about 1.2 linear-probe points or 0.0004 MSE here. '
    f'Probes under protocol 1 (linear probe at lr {FIXED_LR:g}, k-NN at '
    f'k = {FIXED_K}, nothing chosen), which every run of this table was '
    'scored with, so the default row may differ from the main table\'s '
    'protocol-2 columns.')


def read_results(work_dir: str) -> List[dict]:
    """Every ``study_eval.json`` under ``work_dir``."""
    out = []
    for path in sorted(
            glob.glob(
                osp.join(work_dir, '*', '*', 'seed*', 'study_eval.json'))):
        with open(path) as f:
            try:
                r = json.load(f)
            except json.JSONDecodeError as e:
                raise ValueError(f'{path} is not valid JSON ({e.msg}); '
                                 'remove it and run the study again') from e
        r['path'] = osp.dirname(path)
        out.append(r)
    return out


PROBE_KEYS = ('linear', 'knn')
LABEL_SETTINGS = ('1%', '10%', 'all')


def _value(r: dict, key: str) -> Optional[float]:
    """A study_eval.json value by column key; ``metric/readout`` keys are
    zero-shot scores of that one readout. Probe scores of an encoder
    measured under an earlier probe protocol or over other grids count as
    missing: a column never mixes protocols."""
    if key in PROBE_KEYS and r.get('kind') != 'finetune' and not is_current(
            r):
        return None
    if key in r:
        return r[key]
    if '/' in key:
        return (r.get('zero_shot') or {}).get(key)
    return None


def stat(values: Sequence[float]) -> Stat:
    values = [v for v in values if v is not None]
    if not values:
        return None
    std = statistics.stdev(values) if len(values) > 1 else None
    return statistics.fmean(values), std, len(values)


def cell(s: Stat, digits: int = 2) -> str:
    if s is None:
        return '–'
    mean, std, n = s
    if std is None:
        return f'{mean:.{digits}f} (n=1)'
    return f'{mean:.{digits}f} ± {std:.{digits}f} (n={n})'


def _select(results, kind, name):
    return [r for r in results if r['kind'] == kind and r['name'] == name]


# MAE with norm_pix predicts normalised patches: its reconstruction is mapped
# back to pixels with each hidden patch's true mean and std (handed to it),
# so its MSE is not comparable with GMAE's or MAE-pixel's
TRUE_STATS_NOTE = ('MAE (norm_pix): reconstruction mapped to pixels with '
                   "each hidden patch's true mean / std, not comparable")


RAW_PIXELS = 'raw pixels (784, no encoder)'
CURVE_NOTE = (
    'Seed 0 only, one run per length, each with its own schedule (warm-up '
    'and cosine over its own epochs), not checkpoints of one run; the '
    'raw-pixel line is in the main table. recon MSE of MAE (norm_pix) as '
    'there.')
LABELS_NOTE = (
    'Columns name the share of the train labels. Probe values (the linear '
    'probe\'s learning rate, k of the k-NN) are chosen on a validation '
    'split carved from the train split and the test split is scored once '
    'with them; with all labels the chosen probe is refitted on the whole '
    'train split, with 1 % / 10 % it is fitted on a class-balanced subset '
    'of the other train images, the same subset for every row and for the '
    'fine-tunings of that column. Fine-tuning uses the fixed recipe '
    '(nothing chosen on any split): FB-MAE\'s for the pretrained encoders '
    '(on all labels the main table\'s 2 epochs) and for "supervised from '
    'scratch" (the same recipe and epochs from a random init); "own '
    'recipe" is MAE\'s from-scratch recipe (no layer decay, weight decay '
    '0.3) for twice the epochs.')
DEMO_NOTE = (
    '\nA demo-length run (MAE and GMAE, 2 epochs on 20,000 Fashion-MNIST '
    'training images; probes scored on 2,000 test images): it shows the '
    'pipeline and the comparison, not a result. The study: docs/results.md.'
    '\n')


def main_rows(results: List[dict],
              raw: Optional[dict] = None) -> List[Dict[str, Stat]]:
    """One row per main model that has at least one finished run, and the
    raw-pixel probes (``raw``: the study index's ``raw_pixels``)."""
    rows = []
    for label, kind, name in MAIN_ROWS:
        sel = _select(results, kind, name)
        if kind == 'pretrain':  # fine-tuning of the same pretraining
            ft = _select(results, 'finetune', name)
        else:
            ft = sel if kind == 'finetune' else []
        row = {'model': label}
        for col, key, _ in MAIN_COLUMNS:
            src = ft if key == 'finetune' else (
                [] if kind == 'finetune' else sel)
            row[col] = stat([_value(r, key) for r in src])
        if any(v is not None for k, v in row.items() if k != 'model'):
            rows.append(row)
    if raw:
        row = {'model': RAW_PIXELS}
        for col, key, _ in MAIN_COLUMNS:
            value = raw.get(key)
            row[col] = stat(value if isinstance(value, list) else
                            [value]) if value is not None else None
        rows.append(row)
    return rows


def _probe_runs(r: dict) -> List[dict]:
    """The :func:`probe_protocol` results of one encoder run, or of the
    raw pixels (one per seed); none from an earlier protocol."""
    if not is_current(r):
        return []
    probes = r.get('probes') or []
    return probes if isinstance(probes, list) else [probes]


def _chosen(runs: List[dict], setting: str) -> str:
    """The learning rates and k chosen on the validation split, as
    ``lr 0.1 / k 20`` (several values: every one, most often first)."""
    parts = []
    for key, name in (('linear_lr', 'lr'), ('knn_k', 'k')):
        values = [p[setting][key] for p in runs if setting in p]
        counts = sorted(set(values), key=lambda v: (-values.count(v), v))
        parts.append(f'{name} ' + ', '.join(f'{v:g}' for v in counts))
    return ' / '.join(parts)


def label_rows(results: List[dict],
               raw: Optional[dict] = None) -> List[Dict[str, object]]:
    """Linear probe, k-NN and fine-tuning with 1 %, 10 % and all of the
    train labels (probe values chosen on the validation split, named per
    setting), one row per main encoder, the from-scratch recipe and the
    raw pixels."""
    sources = []  # label, encoder results, fine-tuned name
    for label, kind, name in MAIN_ROWS:
        if kind == 'finetune':
            sources.append((label, [], name))
        else:
            sources.append((label, _select(results, kind, name),
                            name if kind == 'pretrain' else None))
    if raw:
        sources.append((RAW_PIXELS, [raw], None))
    rows = []
    for label, sel, ft_name in sources:
        runs = [p for r in sel for p in _probe_runs(r)]
        row: Dict[str, object] = {'model': label}
        for setting in LABEL_SETTINGS:
            for probe, name in (('linear', 'linear'), ('knn', 'k-NN')):
                values = [p[setting][probe] for p in runs if setting in p]
                if probe == 'knn' and sel and sel[0] is raw:
                    values = values[:1]  # deterministic: one value
                row[f'{name}, {setting}'] = stat(values)
            kind = 'finetune' if setting == 'all' else label_kind(
                float(setting.rstrip('%')) / 100)
            ft = _select(results, kind, ft_name) if ft_name else []
            row[f'fine-tune, {setting}'] = stat([r.get('finetune')
                                                 for r in ft])
        if all(v is None for k, v in row.items() if k != 'model'):
            continue
        for setting in LABEL_SETTINGS:
            row[f'chosen, {setting}'] = _chosen(runs, setting) if runs else ''
        rows.append(row)
    return rows


def curve_rows(results: List[dict],
               scale: Optional[str]) -> List[Dict[str, object]]:
    """The learning curve: MAE and GMAE (seed 0) after the scale's epochs
    of pretraining and after each longer run (``pretrain-x<F>``), with the
    probes of the main table."""
    if scale not in SCALES:
        return []
    epochs = SCALES[scale].pretrain_epochs
    rows = []
    names = [pretrain_name(m) for m in CURVE_METHODS]
    for label, _, name in [r for r in MAIN_ROWS if r[2] in names]:
        runs = [r for r in results if r.get('seed') == 0
                and r['name'] == name and r['kind'].startswith('pretrain')]
        factor = {r['kind']: int(r['kind'].partition('-x')[2] or 1)
                  for r in runs}
        for r in sorted(runs, key=lambda r: factor[r['kind']]):
            probes = (_probe_runs(r) or [{}])[0]
            rows.append({
                'model': label,
                'epochs': str(epochs * factor[r['kind']]),
                'linear top-1': stat([_value(r, 'linear')]),
                'k-NN top-1': stat([_value(r, 'knn')]),
                'linear, 1%': stat([probes.get('1%', {}).get('linear')]),
                'k-NN, 1%': stat([probes.get('1%', {}).get('knn')]),
                'recon MSE': stat([r.get('recon_mse')]),
            })
    return rows if any(r['epochs'] != str(epochs) for r in rows) else []


COST_DIGITS = {'train s': 0, 'eval s': 0, 'retrain s': 0}


def cost_rows(results: List[dict],
              groups: Sequence[Tuple[str, str]],
              total: bool = False) -> List[Dict[str, object]]:
    """Wall seconds of the finished runs per ``(kind, name)`` group, from
    their ``study_time.json``: mean training, evaluation and, where a
    later checkout trained a run again, retraining; ``total`` adds the
    sums over every run (each run on one core: core-seconds)."""
    rows, sums = [], {'train s': [], 'eval s': [], 'retrain s': []}
    for kind, name in groups:
        times = []
        for r in _select(results, kind, name):
            p = osp.join(r['path'], 'study_time.json')
            if osp.isfile(p):
                with open(p) as f:
                    times.append(json.load(f))
        if not times:
            continue
        row: Dict[str, object] = {'run': f'{kind} / {name}',
                                  'runs': str(len(times))}
        for col in sums:
            values = [t.get(col.replace(' ', '_')) for t in times]
            row[col] = stat(values)
            sums[col] += [v for v in values if v is not None]
        row['threads'] = str(sorted({t.get('threads') for t in times}))
        rows.append(row)
    if total and rows:
        row = {'run': '**sum over the runs**',
               'runs': str(sum(int(r['runs']) for r in rows))}
        row.update({col: f'{sum(v):.0f}' for col, v in sums.items()})
        row['threads'] = ''
        rows.append(row)
    return rows


def ablation_rows(results: List[dict]) -> List[Dict[str, object]]:
    """The paper's ablation groups, each beside the default runs of the
    seeds the ablations ran with (paired by seed, not the mean of all
    seeds); none when no ablation ran (the demo scale)."""
    rows = []
    if not any(r.get('ablation') for r in results):
        return rows
    groups = defaultdict(list)
    for key, (group, label) in ABLATIONS.items():
        groups[group].append((key, label))
    for group, items in groups.items():
        keys = {k for k, _ in items}
        seeds = sorted(
            {r['seed']
             for r in results if r.get('ablation') in keys})
        if not seeds:  # this group has not run yet
            continue
        shown = ('seeds ' if len(seeds) > 1 else 'seed ') + ', '.join(
            str(s) for s in seeds)
        entries = [('default', DEFAULT_ROW[group], 'gmae_pretrain_fmnist')]
        entries += [(k, l, f'gmae_pretrain_fmnist_{k}') for k, l in items]
        for key, label, name in entries:
            sel = [
                r for r in _select(results, 'pretrain', name)
                if r['seed'] in seeds
            ]
            if key == 'default':
                label = f'{label[:-1]}, {shown})'
            row = {'ablation': group, 'setting': label}
            for col, k, _ in ABLATION_COLUMNS:
                row[col] = stat([
                    protocol1_scores(r).get(k)
                    if k in PROBE_KEYS else _value(r, k) for r in sel
                ])
            ft, lin = PAPER_ABLATION[key]
            row['paper ft / lin'] = (f'{ft} / {lin}'
                                     if ft is not None else 'not published')
            rows.append(row)
    return rows


def zero_shot_rows(results: List[dict],
                   references: Dict[str, float]) -> List[Dict[str, object]]:
    rows = []
    readouts = [('GMAE depth layers', 'gmae_pretrain_fmnist', 'layers',
                 'layers'),
                ('GMAE reconstruction (2-means / Sobel)',
                 'gmae_pretrain_fmnist', 'recon_2means', 'recon_sobel')]
    for label, _, name in MAIN_ROWS[:2]:
        readouts.append((f'{label} reconstruction (2-means / Sobel)', name,
                         'recon_2means', 'recon_sobel'))
    black = 'gmae_pretrain_fmnist_black'
    readouts += [('GMAE, black background: depth layers', black, 'layers',
                  'layers'),
                 ('GMAE, black background: reconstruction (2-means / '
                  'Sobel)', black, 'recon_2means', 'recon_sobel')]
    metrics = ['fg_iou', 'edges_ODS', 'edges_OIS', 'edges_AP']
    for label, name, fg, edge in readouts:
        sel = _select(results, 'pretrain', name)
        row = {'readout': label}
        for m in metrics:
            k = f'{m}/{fg if m == "fg_iou" else edge}'
            row[m] = stat([(r.get('zero_shot') or {}).get(k) for r in sel])
        if sel:  # a method that ran
            rows.append(row)
    refs = [('centre prior (model-free)', 'center_prior', None),
            ('image 2-means / Sobel (model-free; ground truth comes from '
             'the image)', 'image_2means', 'image_sobel')]
    for label, fg, edge in refs:
        row = {'readout': label}
        for m in metrics:
            k = f'{m}/{fg if m == "fg_iou" else edge}'
            v = references.get(k)
            row[m] = (v, None, 1) if v is not None else None
        rows.append(row)
    return rows


def markdown(rows: List[dict], digits: Dict[str, int]) -> str:
    cols = list(rows[0])
    lines = ['| ' + ' | '.join(cols) + ' |', '|' + '---|' * len(cols)]
    for row in rows:
        lines.append('| ' + ' | '.join(
            cell(row[c], digits.get(c, 2)) if isinstance(row[c], tuple) or
            (row[c] is None) else str(row[c]) for c in cols) + ' |')
    return '\n'.join(lines) + '\n'


def write_csv(rows: List[dict], path: str) -> None:
    cols = list(rows[0])
    header = []
    for c in cols:
        if any(isinstance(r[c], tuple) or r[c] is None for r in rows):
            header += [c, f'{c} std', f'{c} n']
        else:
            header.append(c)
    lines = []
    for r in rows:
        out = []
        for c in cols:
            v = r[c]
            if isinstance(v, tuple) or (v is None and f'{c} std' in header):
                mean, std, n = v or (None, None, None)
                out += [mean, std, n]
            else:
                out.append(v)
        lines.append(['' if x is None else x for x in out])
    buf = io.StringIO(newline='')
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(lines)
    write_text_atomic(buf.getvalue(), path)


# ----------------------------------------------------------------------
# figures
# ----------------------------------------------------------------------
def _finish(plt, fig, path: str, drawn: bool) -> bool:
    """Write a figure that has something drawn, close it either way."""
    if drawn:
        write_figure_atomic(fig, path)
    plt.close(fig)
    return drawn


def plot_main(rows: List[dict], path: str) -> bool:
    from ..visualization import pyplot
    plt = pyplot()
    cols = ['linear top-1', 'k-NN top-1', 'fine-tune top-1']
    if not rows:
        return False
    fig, ax = plt.subplots(figsize=(7, 3.6))
    width = 0.8 / len(rows)
    drawn = False
    for i, row in enumerate(rows):
        xs, ys, es = [], [], []
        for j, c in enumerate(cols):
            if row[c] is not None:
                xs.append(j + (i - (len(rows) - 1) / 2) * width)
                ys.append(row[c][0])
                es.append(row[c][1] or 0.0)
        if xs:
            drawn = True
            ax.bar(xs, ys, width, yerr=es, capsize=2, label=row['model'])
    ax.set_xticks(range(len(cols)), cols)
    ax.set_ylabel('Fashion-MNIST test top-1 (%)')
    lo = min((r[c][0] for r in rows for c in cols if r[c]), default=0)
    ax.set_ylim(max(0, lo - 10), 100)
    # above the bars: the accuracies sit well below 100 %
    ax.legend(fontsize=7, loc='upper center', ncol=3)
    ax.set_title('mean ± std over pretraining seeds', fontsize=9)
    fig.tight_layout()
    return _finish(plt, fig, path, drawn)


def plot_ablation(rows: List[dict], path: str) -> bool:
    from ..visualization import pyplot
    plt = pyplot()
    groups = list(dict.fromkeys(r['ablation'] for r in rows))
    if not groups:
        return False
    fig, axes = plt.subplots(1, len(groups), figsize=(3.2 * len(groups), 3.4))
    axes = np.atleast_1d(axes)
    drawn = False
    for ax, group in zip(axes, groups):
        sel = [r for r in rows if r['ablation'] == group]
        for off, col in ((-0.2, 'linear top-1'), (0.2, 'k-NN top-1')):
            xs = [i + off for i, r in enumerate(sel) if r[col]]
            ys = [r[col][0] for r in sel if r[col]]
            es = [r[col][1] or 0.0 for r in sel if r[col]]
            if xs:
                drawn = True
                ax.bar(xs, ys, 0.4, yerr=es, capsize=2, label=col)
        paper = [r['paper ft / lin'] for r in sel]
        lin = [float(p.split('/')[1]) if '/' in p else np.nan for p in paper]
        if not all(np.isnan(lin)):
            tw = ax.twinx()
            tw.plot(range(len(sel)), lin, 'k^', label='paper linear (ViT-B)')
            tw.set_ylabel('paper linear top-1 (%)', fontsize=7)
            tw.tick_params(labelsize=7)
        ax.set_xticks(
            range(len(sel)),
            [r['setting'].replace(' (default)', '*') for r in sel],
            rotation=30,
            ha='right',
            fontsize=7)
        vals = [
            r[c][0] for r in sel for c in ('linear top-1', 'k-NN top-1')
            if r[c]
        ]
        if vals:
            ax.set_ylim(max(0, min(vals) - 5), min(100, max(vals) + 3))
        ax.set_title(group, fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].set_ylabel('ours: top-1 (%)', fontsize=8)
    axes[0].legend(fontsize=6, loc='lower left')
    fig.tight_layout()
    return _finish(plt, fig, path, drawn)


def plot_curves(results: List[dict], path: str) -> bool:
    from ..runtime.results import read_work_dir
    from ..visualization import pyplot
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 4))
    drawn = False
    for r in results:
        if r['kind'] != 'pretrain' or r['seed'] != 0:
            continue
        run = read_work_dir(r['path'])
        if run is None or not run.loss_curve:
            continue
        x, y = zip(*run.loss_curve)
        main = r['ablation'] is None
        label = r['name'].replace('_pretrain_fmnist', '')
        if 'mse_pixels_true_stats' in run.metrics:
            label += ' (norm_pix, true patch stats)'
        ax.plot(
            x,
            y,
            lw=1.4 if main else 0.8,
            ls='-' if main else ':',
            label=label)
        drawn = True
    ax.set_xlabel('iteration')
    ax.set_ylabel('masked-patch MSE, [0, 1] pixels')
    ax.set_yscale('log')
    if drawn:
        ax.legend(fontsize=6, ncol=2)
    ax.set_title('pretraining reconstruction error (seed 0)', fontsize=9)
    fig.tight_layout()
    return _finish(plt, fig, path, drawn)


def plot_learning_curve(curve: List[dict], labels: List[dict],
                        path: str) -> bool:
    """Linear probe and k-NN against pretraining epochs (the curve table),
    with all labels and with 1 %, the raw pixels' probes as the line to
    cross."""
    from ..visualization import pyplot
    if not curve:
        return False
    plt = pyplot()
    raw = next((r for r in labels if r['model'] == RAW_PIXELS), {})
    panels = (('all labels', ('linear top-1', 'k-NN top-1'),
               ('linear, all', 'k-NN, all')),
              ('1 % of the labels', ('linear, 1%', 'k-NN, 1%'),
               ('linear, 1%', 'k-NN, 1%')))
    styles = (('-', 'linear'), ('--', 'k-NN'))  # line style per probe
    models = list(dict.fromkeys(r['model'] for r in curve))
    fig, axes = plt.subplots(1, 2, figsize=(8, 3.4))
    drawn = False
    for ax, (title, cols, raw_cols) in zip(axes, panels):
        for i, model in enumerate(models):
            rows = [r for r in curve if r['model'] == model]
            for col, (ls, probe) in zip(cols, styles):
                pts = [(int(r['epochs']), r[col][0]) for r in rows if r[col]]
                if pts:
                    x, y = zip(*pts)
                    ax.plot(x, y, ls=ls, marker='o', color=f'C{i}',
                            label=f'{model}, {probe}')
                    drawn = True
        for col, (ls, probe) in zip(raw_cols, styles):
            if raw.get(col):
                ax.axhline(raw[col][0], ls=ls, color='0.5', lw=1,
                           label=f'raw pixels, {probe}')
        ax.set_xlabel('pretraining epochs')
        ax.set_title(title, fontsize=9)
    axes[0].set_ylabel('Fashion-MNIST test top-1 (%)')
    axes[0].legend(fontsize=6)
    fig.suptitle('learning curve (seed 0, one run per length)', fontsize=9)
    fig.tight_layout()
    return _finish(plt, fig, path, drawn)


def plot_samples(results: List[dict], path: str) -> bool:
    """Rows: input, masked input, each method's reconstruction (visible
    patches pasted from the input, as FB-MAE's visualisation), GMAE's
    nearest-K renders; columns: test images."""
    from ..visualization import pyplot
    rows = []
    for label, _, name in MAIN_ROWS[:3]:
        sel = [
            r for r in results
            if r['kind'] == 'pretrain' and r['name'] == name and r['seed'] == 0
        ]
        f = osp.join(sel[0]['path'], 'samples.npz') if sel else None
        if not f or not osp.isfile(f):
            continue
        s = np.load(f)
        if not rows:
            rows += [('input', s['image']), ('masked (0.75)', s['masked'])]
        # as FB-MAE shows it: the visible patches from the input, the
        # prediction in the masked ones (MAE is never trained on the rest)
        rows.append((f'{label}\n(visible pasted)', s['pasted']))
        firsts = sorted((int(k.split('_')[1]), k) for k in s.files
                        if k.startswith('first_'))
        for k, key in firsts:
            rows.append((f'GMAE nearest {k}', s[key]))
    if not rows:
        return False
    plt = pyplot()
    n = rows[0][1].shape[0]
    fig, axes = plt.subplots(len(rows), n, figsize=(n * 0.9, len(rows) * 0.95))
    for i, (label, imgs) in enumerate(rows):
        for j in range(n):
            ax = axes[i, j]
            ax.imshow(np.clip(imgs[j].transpose(1, 2, 0), 0, 1))
            ax.set_xticks([])
            ax.set_yticks([])
            if j == 0:
                ax.set_ylabel(
                    label, fontsize=6, rotation=0, ha='right', va='center')
    fig.tight_layout(pad=0.2)
    return _finish(plt, fig, path, True)


def _groups(scale: Optional[str]) -> List[Tuple[str, str]]:
    """The (kind, name) groups of a scale's runs, in the plan's order."""
    if scale not in SCALES:
        return []
    return list(dict.fromkeys((r.kind, r.name) for r in plan(SCALES[scale])))


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
        ('labels', label_rows(results, index.get('raw_pixels')), {}),
        ('curve', curve_rows(results, index.get('scale')), {
            'recon MSE': 4
        }),
        ('ablation', ablation_rows(results), {
            c: d
            for c, _, d in ABLATION_COLUMNS
        }),
        ('zero_shot', zero_shot_rows(results, index.get('references',
                                                        {})), {}),
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
    figures = {
        'main_bars.png': lambda p: plot_main(rows_of['main'], p),
        'ablation_bars.png': lambda p: plot_ablation(rows_of['ablation'], p),
        'loss_curves.png': lambda p: plot_curves(results, p),
        'learning_curve.png': lambda p: plot_learning_curve(
            rows_of['curve'], rows_of['labels'], p),
        'samples.png': lambda p: plot_samples(results, p),
    }
    for name, make in figures.items():
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
