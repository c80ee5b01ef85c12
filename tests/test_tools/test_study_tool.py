"""scripts/study.sh's tool end to end at the ci scale: every run trains or
evaluates, every table cell exists and is finite, a second call skips all."""
import csv
import json
import math
import sys

import pytest

from gmae_bench.study import SCALES, plan
from tests.helpers import DATA, run_tool


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
    report = wd / 'report'
    for name in ('tables.md', 'main.csv', 'ablation.csv', 'zero_shot.csv',
                 'results.json', 'main_bars.png', 'ablation_bars.png',
                 'loss_curves.png', 'samples.png'):
        assert (report / name).is_file(), name
    main = {r['model']: r for r in _cells(report / 'main.csv')}
    expected = {  # which cells each main row has
        'MAE (norm_pix)': 'all',
        'MAE-pixel': 'all',
        'GMAE': 'all',
        'random-init encoder': ('linear top-1', 'k-NN top-1'),
        'supervised from scratch': ('fine-tune top-1', ),
    }
    for model, cols in expected.items():
        row = main[model]
        keys = [
            k for k in row if k != 'model' and not k.endswith((' std', ' n'))
        ]
        for k in keys if cols == 'all' else cols:
            assert math.isfinite(float(row[k])), (model, k, row[k])
            assert row[f'{k} n'] == '1'
    for row in _cells(report / 'ablation.csv'):
        for k in ('linear top-1', 'k-NN top-1', 'recon MSE', 'edge ODS'):
            assert math.isfinite(float(row[k])), (row['setting'], k)
    zs = _cells(report / 'zero_shot.csv')
    assert len(zs) == 6 and all(math.isfinite(float(r['fg_iou'])) for r in zs)
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
