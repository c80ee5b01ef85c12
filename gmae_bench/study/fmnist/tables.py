"""The Fashion-MNIST study's tables: rows of the main, fewer-labels,
learning-curve, ablation, zero-shot and differences tables.

Every cell is ``mean ± sample std (n)`` over the seeds that finished; a
cell with n = 1 has no std. Accuracies are top-1 in %, reconstruction errors
are masked-patch MSE in [0, 1] pixels, zero-shot scores are in %.
"""
from collections import defaultdict
from typing import Dict, List, Optional

from ..core.stats import RULE
from ..core.tables import (Stat, cell, difference_row, select as _select,
                           stat)
from .plan import (ABLATIONS, CURVE_METHODS, DEFAULT_ROW, PAPER_ABLATION,
                   SCALES, label_kind, pretrain_name)
from .probes import FIXED_K, FIXED_LR, is_current, protocol1_scores

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
PAIR_NOTE = (
    'Each ablation (one run, seed 0) stands beside the default run of the '
    'same seed (not the mean of three): one run each, so a difference '
    'claims nothing beyond the two numbers (statistics rule: no interval '
    'with one run on a side). '
    f'Probes under protocol 1 (linear probe at lr {FIXED_LR:g}, k-NN at '
    f'k = {FIXED_K}, nothing chosen), which every run of this table was '
    'scored with, so the default row may differ from the main table\'s '
    'protocol-2 columns; the raw-pixel line is scored the same way.')


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
    'training images, GMAE rendering on black as the items lie, the three '
    'grey channels normalised alike; probes scored on 2,000 test images): '
    'it shows the pipeline and the comparison, not a result. The study: '
    'docs/results.md.\n')


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


def ablation_rows(results: List[dict],
                  raw: Optional[dict] = None) -> List[Dict[str, object]]:
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
    fixed = (raw or {}).get('protocol1') or []
    if rows and fixed:  # the line every encoder must cross, protocol 1
        row = {'ablation': 'no encoder', 'setting': RAW_PIXELS}
        for col, k, _ in ABLATION_COLUMNS:
            row[col] = stat([p.get(k) for p in fixed]) if k in PROBE_KEYS \
                else None
        row['paper ft / lin'] = ''
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




# Which main rows a seed pairs (measured: tests/test_study/test_pairing.py):
# MAE / MAE-pixel and GMAE white / black share the encoder's initialisation,
# the data order and the masks; GMAE and MAE share only the data order
# (GMAE's decoder draws from the generator first), so their differences are
# unpaired. Every other pair is unpaired.
PAIRED = {('mae_pretrain_fmnist', 'mae-pixel_pretrain_fmnist'),
          ('gmae_pretrain_fmnist_black', 'gmae_pretrain_fmnist')}
DIFFERENCES = [  # label, kind, a, b (a - b)
    ('GMAE - MAE', 'pretrain', 'gmae_pretrain_fmnist', 'mae_pretrain_fmnist'),
    ('GMAE (black) - MAE', 'pretrain', 'gmae_pretrain_fmnist_black',
     'mae_pretrain_fmnist'),
    ('GMAE (black) - GMAE (white)', 'pretrain', 'gmae_pretrain_fmnist_black',
     'gmae_pretrain_fmnist'),
    ('MAE - MAE-pixel', 'pretrain', 'mae_pretrain_fmnist',
     'mae-pixel_pretrain_fmnist'),
    ('GMAE - MAE-pixel', 'pretrain', 'gmae_pretrain_fmnist',
     'mae-pixel_pretrain_fmnist'),
]
DIFF_METRICS = [('linear top-1', 'linear', 2), ('k-NN top-1', 'knn', 2),
                ('fine-tune top-1', 'finetune', 2),
                ('recon MSE', 'recon_mse', 4),
                ('fg IoU, depth layers', 'fg_iou/layers', 1)]
DIFF_NOTE = f'Statistics rule: {RULE}.'


def _by_seed(results: List[dict], kind: str, name: str,
             key: str) -> Dict[int, float]:
    if key == 'finetune':
        kind = 'finetune'
    return {r['seed']: _value(r, key) for r in _select(results, kind, name)}


def difference_rows(results: List[dict],
                    raw: Optional[dict] = None) -> List[Dict[str, str]]:
    """Differences of the main rows under the statistics rule, each
    encoder against the raw pixels, and the fewer-label fine-tunings
    against the from-scratch recipe of its own."""
    rows = []
    for label, kind, a, b in DIFFERENCES:
        for metric, key, digits in DIFF_METRICS:
            if key == 'recon_mse' and 'mae_pretrain_fmnist' in (a, b):
                continue  # norm_pix MSE uses the true patch statistics
            row = difference_row(label, metric,
                                 _by_seed(results, kind, a, key),
                                 _by_seed(results, kind, b, key),
                                 (a, b) in PAIRED or (b, a) in PAIRED, digits)
            rows += [row] if row else []
    if raw:
        pixels = dict(enumerate(raw.get('linear') or []))
        for label, kind, name in MAIN_ROWS:
            if kind != 'pretrain':
                continue
            row = difference_row(f'{label} - raw pixels', 'linear top-1',
                                 _by_seed(results, kind, name, 'linear'),
                                 pixels, False, 2)
            rows += [row] if row else []
    for fraction in ('1pct', '10pct'):
        kind = f'finetune-{fraction}'
        scratch = {r['seed']: r.get('finetune')
                   for r in _select(results, kind, 'scratch-own')}
        for label, k, name in MAIN_ROWS:
            if k != 'pretrain':
                continue
            enc = {r['seed']: r.get('finetune')
                   for r in _select(results, kind, name)}
            row = difference_row(
                f'{label} - scratch (own recipe)',
                f'fine-tune top-1, {fraction.replace("pct", " %")}', enc,
                scratch, False, 2)
            rows += [row] if row else []
    return rows


DEPTH_FILE = 'study_depth.json'  # tools/study_depth.py, per GMAE run
DEPTH_COLUMNS = [  # column, key of depth_statistics, digits
    ('near 1/8 grey', 'near_grey', 3),
    ('near 1/8 opacity', 'near_opacity', 2),
    ('far 1/8 grey', 'far_grey', 3),
    ('far 1/8 opacity', 'far_opacity', 2),
    ('near group, share of pixels', 'near_share', 2),
    ('IoU near group', 'near_iou', 2),
    ('IoU far group', 'far_iou', 2),
    ('IoU coverage', 'coverage_iou', 2),
]


def depth_rows(entries: List[dict]) -> List[Dict[str, object]]:
    """The depth table from ``study_depth.json`` entries: one row per
    run, then the mean ± std of each name with several seeds."""
    rows, by_name = [], {}
    for e in sorted(entries, key=lambda e: (e['kind'], e['name'], e['seed'])):
        by_name.setdefault((e['kind'], e['name']), []).append(e)
        row = {'run': f'{e["kind"]}/{e["name"]}/seed{e["seed"]}'}
        row.update({c: f'{e[k]:.{n}f}' for c, k, n in DEPTH_COLUMNS})
        rows.append(row)
    for (kind, name), group in by_name.items():
        if len(group) > 1:
            row = {'run': f'**{kind}/{name}, mean**'}
            row.update({
                c: cell(stat([e[k] for e in group]), n)
                for c, k, n in DEPTH_COLUMNS
            })
            rows.append(row)
    return rows
