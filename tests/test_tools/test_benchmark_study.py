"""tools/benchmark_study.py measures both paths side by side on CPU."""
import math

import pytest

from tests.helpers import DATA


@pytest.mark.slow
def test_benchmark_study_reports_ratio_and_data_share():
    from tools import benchmark_study
    res = benchmark_study.main([
        '--iters', '5', '--repeats', '1', '--batch-size', '32', '--skip', '1',
        '--data',
        str(DATA / 'fashion_mnist')
    ])
    assert res['runner_images_per_s'] > 0 and res['bare_images_per_s'] > 0
    assert math.isclose(res['ratio'],
                        res['runner_images_per_s'] / res['bare_images_per_s'])
    assert 0 <= res['data_share'] < 1
