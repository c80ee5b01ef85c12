"""The scenes study's plan: every encoder through both tasks for every seed,
downstream runs after their pretraining, configs that exist."""
import pytest

from gmae_bench.study.scenes_plan import (ENCODERS, SCALES, TASKS,
                                          SceneRun, plan)
from tests.helpers import ROOT


@pytest.mark.parametrize('scale', sorted(SCALES))
def test_plan_covers_every_cell(scale):
    s = SCALES[scale]
    runs = plan(s)
    assert len(runs) == len(set(runs))
    for seed in s.seeds:
        for name in ENCODERS:
            for task in TASKS:
                assert SceneRun(task, name, seed) in runs
            if name != 'random':
                assert SceneRun('pretrain', name, seed) in runs
    for seed in s.ablation_seeds:
        assert SceneRun('pretrain', 'gmae-white', seed) in runs
    for i, run in enumerate(runs):
        dep = run.pretraining()
        if dep is not None:
            assert runs.index(dep) < i
        assert (ROOT / run.config()).is_file(), run


def test_cpu_scale_has_three_seeds_of_every_main_row():
    assert SCALES['cpu'].seeds == (0, 1, 2)
    assert SCALES['gpu'].seeds == (0, 1, 2)
