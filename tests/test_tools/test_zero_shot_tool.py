"""tools/zero_shot.py and tools/compare.py on real photos with tiny models."""
import json
import sys

import pytest

from tests.helpers import run_status, run_tool

pytestmark = pytest.mark.slow


@pytest.fixture(scope='module')
def zero_shot_dir(tiny_runs, tmp_path_factory, data_root):
    out = tmp_path_factory.mktemp('zero_shot_tiny')
    run_tool([
        sys.executable, 'tools/zero_shot.py', '--gmae',
        'configs/gmae_pretrain_vit_tiny.py',
        str(tiny_runs['gmae'] / 'epoch_1.pth'), '--mae',
        'configs/mae_pretrain_vit_tiny.py',
        str(tiny_runs['mae'] / 'epoch_1.pth'), '--data',
        str(data_root / 'masks'), '--out',
        str(out), '--layers', '4', '8'
    ])
    return out


def test_zero_shot_writes_scores_and_pictures(zero_shot_dir):
    res = json.loads((zero_shot_dir / 'zero_shot.json').read_text())
    assert res['n_images'] == 6 and len(res['per_image']) == 6
    assert set(
        res['fg_iou']) == {'gmae_layers', 'center_prior', 'mae_recon_2means'}
    assert all(0 <= v <= 1 for v in res['fg_iou'].values())
    for method in ('gmae_layers', 'mae_recon_sobel', 'image_sobel'):
        assert set(res['edges'][method]) == {'ODS', 'OIS', 'AP'}
        assert all(0 <= v <= 1 for v in res['edges'][method].values())
    # a model-free edge detector finds some true edges on real photos
    assert res['edges']['image_sobel']['ODS'] > 0.05
    pics = sorted((zero_shot_dir / 'vis').glob('*.png'))
    assert len(pics) == 6 and all(p.stat().st_size > 5000 for p in pics)


def test_zero_shot_rejects_an_mae_as_gmae(tiny_runs, tmp_path, data_root):
    proc = run_status([
        sys.executable, 'tools/zero_shot.py', '--gmae',
        'configs/mae_pretrain_vit_tiny.py',
        str(tiny_runs['mae'] / 'epoch_1.pth'), '--out',
        str(tmp_path)
    ])
    assert proc.returncode != 0 and 'not a GMAE config' in proc.stderr


def test_compare_real_runs(tiny_runs, zero_shot_dir, tmp_path):
    out = tmp_path / 'cmp'
    stdout = run_tool([
        sys.executable, 'tools/compare.py',
        str(tiny_runs['mae']),
        str(tiny_runs['mae-pixel']),
        str(tiny_runs['gmae']),
        str(zero_shot_dir), '--out',
        str(out)
    ])
    md = (out / 'compare.md').read_text()
    assert md in stdout
    row = next(line for line in md.splitlines() if '| mse_pixels |' in line)
    cells = [c.strip() for c in row.strip('|').split('|')]
    mae, gmae, delta = (float(c) for c in cells[3:6])
    assert delta == pytest.approx(gmae - mae, abs=0.02)
    assert 'MAE = mae-pixel_pretrain_vit_tiny' in row
    assert '| mse_pixels_true_stats |' in md
    assert 'fg_iou' in md and 'edges_ODS' in md
    assert (out / 'compare.csv').exists() and (out /
                                               'loss_curves.png').exists()
