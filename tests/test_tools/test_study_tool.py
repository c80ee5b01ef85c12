"""scripts/study.sh's tool end to end at the ci scale: every run trains or
evaluates, every table cell exists and is finite, a second call skips all."""
import csv
import json
import math
import sys

import pytest

from gmae_bench.study.fmnist import SCALES, plan
from tests.helpers import DATA, ROOT, run_status, run_tool


def _cells(path):
    with open(path) as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_study_ci_end_to_end(tmp_path):
    wd = tmp_path / 'study'
    out = run_tool([
        sys.executable, 'tools/study.py', '--scale', 'ci', '--jobs', '2',
        '--work-dir',
        str(wd), '--data',
        str(DATA / 'fashion_mnist')
    ],
                   timeout=900)
    assert f'[study] {len(plan(SCALES["ci"]))} run(s) done' in out, out[-3000:]
    assert out.count('Warning') <= 3, out[-3000:]  # a handful at most
    report = wd / 'report'
    for name in ('tables.md', 'main.csv', 'ablation.csv', 'zero_shot.csv',
                 'costs.csv', 'results.json', 'main_bars.png', 'ablation_bars.png',
                 'loss_curves.png', 'learning_curve.png', 'samples.png'):
        assert (report / name).is_file(), name
    main = {r['model']: r for r in _cells(report / 'main.csv')}
    mae_cols = ('linear top-1', 'k-NN top-1', 'fine-tune top-1',
                'recon MSE', 'fg IoU, recon 2-means', 'edge ODS, recon Sobel')
    expected = {  # which cells each main row has
        'MAE (norm_pix)': mae_cols,
        'MAE-pixel': mae_cols,
        'GMAE': 'all',  # the depth-layer columns too
        'random-init encoder': ('linear top-1', 'k-NN top-1'),
        'supervised from scratch': ('fine-tune top-1', ),
        'raw pixels (784, no encoder)': ('linear top-1', 'k-NN top-1'),
    }
    for model, cols in expected.items():
        row = main[model]
        keys = [
            k for k in row if k != 'model' and not k.endswith((' std', ' n'))
        ]
        if model.startswith('MAE'):  # GMAE's own readout stays empty
            assert row['fg IoU, depth layers'] == ''
        for k in keys if cols == 'all' else cols:
            assert math.isfinite(float(row[k])), (model, k, row[k])
            assert row[f'{k} n'] == '1' or model.startswith('raw'), (model,
                                                                     k)
    # the second pass: fewer labels (probes chosen on validation, the
    # fine-tunings beside them) and the learning curve
    labels = {r['model']: r for r in _cells(report / 'labels.csv')}
    for model in ('MAE (norm_pix)', 'GMAE',
                  'supervised from scratch, own recipe'):
        assert math.isfinite(float(labels[model]['fine-tune, 10%']))
    for model in ('GMAE', 'raw pixels (784, no encoder)'):
        for k in ('linear, 1%', 'k-NN, 10%', 'linear, all'):
            assert math.isfinite(float(labels[model][k])), (model, k)
        assert labels[model]['chosen, all'].startswith('lr ')
    curve = _cells(report / 'curve.csv')
    assert [(r['model'], r['epochs']) for r in curve] == [
        ('MAE (norm_pix)', '2'), ('MAE (norm_pix)', '4'), ('GMAE', '2'),
        ('GMAE', '4')]
    assert all(math.isfinite(float(r['linear top-1'])) for r in curve)
    ablation = _cells(report / 'ablation.csv')
    for row in ablation:
        raw = row['setting'] == 'raw pixels (784, no encoder)'
        for k in ('linear top-1', 'k-NN top-1') if raw else (
                'linear top-1', 'k-NN top-1', 'recon MSE',
                'edge ODS, depth layers'):
            assert math.isfinite(float(row[k])), (row['setting'], k)
    assert ablation[-1]['setting'] == 'raw pixels (784, no encoder)'
    # every difference of the main rows under the statistics rule
    diffs = _cells(report / 'differences.csv')
    assert {r['verdict'] for r in diffs} <= {'one run each', 'resolved',
                                             'unresolved'}
    assert any(r['difference'] == 'GMAE - MAE' for r in diffs)
    zs = _cells(report / 'zero_shot.csv')
    assert len(zs) == 8 and all(math.isfinite(float(r['fg_iou'])) for r in zs)
    index = json.loads((wd / 'study.json').read_text())
    assert index['scale'] == 'ci' and index['sessions'][0]['revision']
    assert 0 <= index['background']['border_nonzero'] <= 1
    again = run_tool([
        sys.executable, 'tools/study.py', '--scale', 'ci', '--work-dir',
        str(wd), '--data',
        str(DATA / 'fashion_mnist')
    ])
    assert '[study] 0 run(s) done' in again
    (wd / 'report' / 'tables.md').unlink()
    run_tool([
        sys.executable, 'tools/study.py', '--scale', 'ci', '--work-dir',
        str(wd), '--data',
        str(DATA / 'fashion_mnist'), '--report-only'
    ])
    assert (wd / 'report' / 'tables.md').is_file()
    # what GMAE's depth order holds, per finished GMAE pretraining
    depth = run_tool([
        sys.executable, 'tools/study_depth.py', '--scale', 'ci',
        '--work-dir', str(wd), '--data', str(DATA / 'fashion_mnist'),
        '--only', 'pretrain/gmae_pretrain_fmnist', '--images', '8'
    ])
    rows = [line for line in depth.splitlines()
            if line.startswith('| pretrain/gmae_pretrain_fmnist/seed')]
    assert len(rows) == len(SCALES['ci'].main_seeds), depth
    kept = json.loads((wd / 'pretrain/gmae_pretrain_fmnist/seed0/'
                       'study_depth.json').read_text())
    assert kept['images'] == 8 and len(kept['weights']['sha256']) == 64
    assert all(0 <= float(v) <= 1 for v in rows[0].split('|')[2:-1]), depth
    missing = run_status([
        sys.executable, 'tools/study_depth.py', '--scale', 'ci',
        '--work-dir', str(wd), '--data', str(DATA / 'fashion_mnist'),
        '--only', 'pretrain/mae_pretrain_fmnist'
    ])
    assert missing.returncode != 0
    assert 'no finished GMAE pretraining' in missing.stderr, missing.stderr


@pytest.mark.slow
def test_scenes_study_ci_end_to_end(tmp_path):
    """The scenes study on the tiny scene set: every pretraining, Mask
    R-CNN and UperNet run trains and tests, every cell of the main rows
    exists and is finite, a second call skips all; a checkout that kept
    only the small files retrains a missing pretraining checkpoint before
    its downstream run."""
    from gmae_bench.study.scenes.plan import SCALES as SCENE_SCALES
    from gmae_bench.study.scenes.plan import plan as scenes_plan
    wd = tmp_path / 'scenes'
    cmd = [
        sys.executable, 'tools/study.py', '--study', 'scenes', '--scale',
        'ci', '--jobs', '2', '--work-dir',
        str(wd), '--data',
        str(DATA / 'fmnist_scenes')
    ]
    out = run_tool(cmd, timeout=900)
    runs = scenes_plan(SCENE_SCALES['ci'])
    assert f'[study] {len(runs)} run(s) done' in out, out[-3000:]
    assert out.count('Warning') <= 3, out[-3000:]  # a handful at most
    report = wd / 'report'
    for name in ('tables.md', 'scenes_tasks.csv', 'scenes_zero_shot.csv',
                 'scenes_costs.csv', 'results.json', 'scenes_layers.png',
                 'scenes_tasks.png'):
        assert (report / name).is_file(), name
    rows = {r['encoder']: r for r in _cells(report / 'scenes_tasks.csv')}
    assert set(rows) == {
        'MAE (norm_pix)', 'MAE-pixel', 'GMAE (black background)',
        'random-init encoder'
    }
    for enc, row in rows.items():
        for col in ('box AP', 'box AP50', 'box AP75', 'mask AP', 'mask AP50',
                    'mask AP75', 'mIoU', 'aAcc'):
            assert math.isfinite(float(row[col])), (enc, col, row[col])
            assert row[f'{col} n'] == '1'
    zs = {r['readout']: r for r in _cells(report / 'scenes_zero_shot.csv')}
    for readout, cols in {
            'GMAE depth layers': ('FG-ARI', 'occlusion order',
                                  'item pixels changed', 'edge ODS',
                                  'edge AP'),
            'GMAE coverage (opacity > 0.5)': ('fg IoU', ),
            'MAE reconstruction': ('FG-ARI', 'fg IoU', 'edge ODS'),
            'image itself (model-free; Sobel for edges)': ('FG-ARI', 'fg IoU',
                                                           'edge ODS'),
            'larger visible area in front (model-free)':
            ('occlusion order', ),
    }.items():
        for col in cols:
            assert math.isfinite(float(zs[readout][col])), (readout, col)
    index = json.loads((wd / 'study.json').read_text())
    assert index['study'] == 'scenes' and index['data']['set'] == 'tiny'
    det = json.loads((wd / 'det/gmae/seed0/study_eval.json').read_text())
    assert det['split'] == 'test' and det['images'] == 48
    # provenance: the weights it started from (their hash is the kept
    # weights'), the config it trained with apart from the test's, and its
    # predictions, which re-score to the same APs without the checkpoint
    from gmae_bench.utils.checkpoint import file_sha256
    assert det['pretrained']['file'] == 'pretrain/gmae/seed0/weights.pth'
    assert det['pretrained']['sha256'] == file_sha256(
        wd / 'pretrain/gmae/seed0/weights.pth')
    run_dir = wd / 'det/gmae/seed0'
    train_cfg = (run_dir / 'train_config.py').read_text()
    assert 'max_iters = 2' in train_cfg and 'weights.pth' in train_cfg
    assert train_cfg != (run_dir / 'test_config.py').read_text()
    assert set(det['predictions']) == {'bbox', 'segm'}
    rescored = run_status([sys.executable, 'tools/rescore.py', str(run_dir)])
    assert rescored.returncode == 0, rescored.stdout + rescored.stderr
    assert '| bbox_mAP |' in rescored.stdout
    # the results page's marked blocks get the report's tables (a copy of
    # the real page: every block it has names a table the report makes)
    # frozen dense probes of every encoder, kept in the work dir
    probe = run_tool([
        sys.executable, 'tools/dense_probe.py', '--scale', 'ci',
        '--work-dir', str(wd), '--data', str(DATA / 'fmnist_scenes'),
        '--train', '48', '--val', '16', '--epochs', '2'
    ])
    dense = json.loads((wd / 'dense_probe.json').read_text())
    assert {e['encoder'] for e in dense['entries']} == {
        'mae', 'mae-pixel', 'gmae', 'random'}, probe
    assert all(0 <= e['mIoU'] <= 100 for e in dense['entries'])
    page = tmp_path / 'results_scenes.md'
    page.write_text((ROOT / 'docs/results_scenes.md').read_text())
    again = run_tool(cmd + ['--page', str(page)])
    assert '[study] 0 run(s) done' in again
    assert 'filled 5 table(s)' in again, again[-3000:]
    tables = (report / 'tables.md').read_text()
    filled = page.read_text()
    task_rows = tables.split('## tasks')[1].split('\n## ')[0]
    for line in task_rows.splitlines():
        if line.startswith('| GMAE (black background) |'):
            assert line in filled
    assert filled.count('(n=1)') > 20  # the ci runs' cells, one seed each
    # a fresh checkout: small files only (no checkpoints), one result gone
    for ckpt in wd.rglob('*.pth'):
        ckpt.unlink()
    (wd / 'seg/gmae/seed0/study_eval.json').unlink()
    again = run_tool(cmd, timeout=900)
    assert 'pretrain/gmae/seed0: weights not here' in again, again[-3000:]
    assert '[study] 1 run(s) done' in again
