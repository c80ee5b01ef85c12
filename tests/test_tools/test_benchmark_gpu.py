"""tools/benchmark_gpu.py (what scripts/gpu_check.sh prints), exercised on
the CPU with the tiny twins so that its code runs on every CI run."""
import pytest

from tools import benchmark_gpu

pytestmark = pytest.mark.slow


def test_benchmark_gpu_table_on_cpu_twins(tmp_path):
    out = tmp_path / 'gpu_check.md'
    rows = benchmark_gpu.main([
        '--device', 'cpu', '--tiny', '--batch-size', '2', '--steps', '1',
        '--out',
        str(out)
    ])
    names = [name for name, _ in rows]
    assert names == [
        'MAE pretrain step', 'GMAE pretrain step',
        'Mask R-CNN ViTDet iteration', 'UperNet iteration'
    ]
    gmae = dict(rows)['GMAE pretrain step']
    assert 0 < gmae['render_share'] < 1 and gmae['step_s'] > 0
    text = out.read_text()
    assert text.startswith('device: CPU') and '| GMAE pretrain step | 2 |' \
        in text
