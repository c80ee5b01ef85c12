"""The scenes study's plan: every encoder through both tasks for every seed,
downstream runs after their pretraining, configs that exist."""
import pytest

from gmae_bench.study.scenes.plan import (ENCODERS, SCALES, TASKS,
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


def test_scenes_study_estimates_time_left_from_finished_runs(tmp_path):
    """The study's progress line reads the scene runs as it reads the
    Fashion-MNIST ones (a finished pretraining costs its own time)."""
    import json

    from gmae_bench.study.scenes import ScenesStudy
    from tests.helpers import DATA
    study = ScenesStudy('ci', str(tmp_path), str(DATA / 'fmnist_scenes'))
    runs = study.plan()
    done = runs[0]
    assert done.is_pretrain and done.epoch_factor == 1
    assert not [r for r in runs if r.kind != 'pretrain' and r.is_pretrain]
    wd = tmp_path / done.kind / done.name / f'seed{done.seed}'
    wd.mkdir(parents=True)
    study.finished = lambda run: run == done  # no result file needed
    (wd / 'study_time.json').write_text(
        json.dumps(dict(train_s=100.0, eval_s=20.0)))
    text = study.progress()
    assert text.startswith(f'1/{len(runs)} runs done'), text
    assert f'about {round(120 * (len(runs) - 1) / 60)} min left' in text
