"""Instance scores of the scenes study: FG-ARI, occlusion order, the
model-free components readout."""
import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from gmae_bench.zero_shot.instances import (adjusted_rand_index,
                                            connected_components, fg_ari,
                                            occlusion_accuracy)


@pytest.mark.parametrize('seed', range(5))
def test_ari_equals_sklearn(seed):
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 4, 200)
    b = np.where(rng.random(200) < 0.6, a, rng.integers(0, 6, 200))
    assert adjusted_rand_index(a, b) == pytest.approx(
        adjusted_rand_score(a, b), abs=1e-12)


def test_ari_is_invariant_to_renaming_and_perfect_when_equal():
    a = np.array([1, 1, 2, 2, 3, 3])
    assert adjusted_rand_index(a, 10 - a) == 1.0
    assert adjusted_rand_index(a, np.zeros(6)) == pytest.approx(0.0)


def test_fg_ari_ignores_the_background():
    inst = np.array([[0, 0, 1, 1], [0, 0, 2, 2]])
    pred = np.array([[5, 6, 7, 7], [8, 9, 3, 3]])  # background split apart
    assert fg_ari(pred, inst) == 1.0
    assert np.isnan(fg_ari(pred, np.zeros_like(inst)))


def test_occlusion_accuracy_counts_order_and_ties():
    inst = np.array([[1, 1, 2, 2, 3, 3]])
    depth = np.array([[5., 5., 1., 1., 5., 5.]])  # 2 nearer than 1 and 3
    assert occlusion_accuracy(depth, inst, [(2, 1), (1, 2), (3, 1)]) == [
        1.0, 0.0, 0.5
    ]
    assert occlusion_accuracy(depth, inst, [(4, 1)]) == []  # 4 not visible


def test_touching_items_merge_in_components():
    img = np.zeros((5, 8))
    img[1:4, 1:3] = 0.5
    img[1:4, 3:5] = 0.9  # touches the first
    img[1:4, 6:8] = 0.7
    lab = connected_components(img, 0.1)
    assert lab.max() == 2 and lab[2, 1] == lab[2, 4] != lab[2, 6]
