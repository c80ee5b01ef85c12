import pytest
import torch

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


def test_render_clock_counts_the_render_backward_inside_a_step(tiny_gmae_cfg):
    from tests.helpers import build
    model = build(tiny_gmae_cfg)
    from gmae_bench.benchmark import RenderClock
    clock = RenderClock(model.head, 'cpu')
    loss = model.loss(torch.randn(2, 3, 32, 32))['loss']
    after_forward = clock.seconds
    assert after_forward > 0  # the render call itself
    loss.backward()
    assert clock.seconds > after_forward  # the hooks timed its backward
