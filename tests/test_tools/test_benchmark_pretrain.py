import pytest

from tools import benchmark_pretrain

pytestmark = pytest.mark.slow


def test_prints_ratios_measured_side_by_side(capsys):
    res = benchmark_pretrain.main([
        '--arch', 'tiny', '--img-size', '32', '--patch-size', '8',
        '--num-queries', '16', '--batch-size', '2', '--steps', '2', '--warmup',
        '0'
    ])
    out = capsys.readouterr().out
    assert 'ratio GMAE/MAE step time' in out and 'render share' in out
    assert res['gmae_over_mae'] > 0 and 0 < res['render_share'] < 1.5
