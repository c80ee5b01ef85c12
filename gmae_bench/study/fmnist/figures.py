"""The Fashion-MNIST study's figures: bars of the main and ablation
tables, loss curves, the learning curve and the samples grid."""
import os.path as osp
from typing import List

import numpy as np

from ..core.tables import finish_figure as _finish
from .tables import MAIN_ROWS, RAW_PIXELS


def plot_main(rows: List[dict], path: str) -> bool:
    from ...visualization import pyplot
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
    from ...visualization import pyplot
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
    from ...runtime.results import read_work_dir
    from ...visualization import pyplot
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
    from ...visualization import pyplot
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
    from ...visualization import pyplot
    rows = []
    for label, _, name in [r for r in MAIN_ROWS if r[1] == 'pretrain']:
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


