import numpy as np
import pytest

from gmae_bench.zero_shot.baselines import (center_prior, pick_figure,
                                            sobel_edges, two_means)
from gmae_bench.zero_shot.metrics import (average_precision, boundary_eval,
                                          id_boundaries, iou)


def square(size=200, lo=50, hi=150):
    ids = np.zeros((size, size), int)
    ids[lo:hi, lo:hi] = 1
    return ids


def test_iou():
    a, b = np.zeros((4, 4), bool), np.zeros((4, 4), bool)
    a[:2], b[1:3] = True, True
    assert iou(a, b) == pytest.approx(4 / 12)
    assert iou(a, a) == 1.0 and iou(a & False, b & False) == 1.0


def test_id_boundaries_are_one_pixel_outlines():
    b = id_boundaries(square(10, 3, 7))  # a 4x4 square at rows/cols 3..6
    # one pixel per label change: column 2 and 6, row 2 and 6 of the
    # square's span, the corner (6, 6) counted once
    assert b.sum() == 4 * 4 - 1
    assert b[3, 2] and b[2, 3] and b[6, 6] and not b[5, 5] and not b[3, 3]


def test_perfect_edges_score_one():
    gt = id_boundaries(square())
    res = boundary_eval([gt.astype(float)], [gt])
    assert res['ODS'] == pytest.approx(1.0) and res['OIS'] == pytest.approx(
        1.0)
    assert res['AP'] == pytest.approx(1.0, abs=0.02)


def test_tolerance_accepts_small_shifts_only():
    gt = id_boundaries(square())  # diagonal 283 px -> tolerance 2.1 px
    near = id_boundaries(square(lo=51, hi=151)).astype(float)
    far = id_boundaries(square(lo=60, hi=160)).astype(float)
    assert boundary_eval([near], [gt])['ODS'] == pytest.approx(1.0)
    assert boundary_eval([far], [gt])['ODS'] < 0.2


def test_no_edges_score_zero_and_soft_maps_rank():
    gt = id_boundaries(square())
    assert boundary_eval([np.zeros(gt.shape)], [gt])['ODS'] == 0.0
    rng = np.random.default_rng(0)
    noisy = 0.4 * rng.random(gt.shape) + 0.6 * gt  # true edges rank higher
    res = boundary_eval([noisy], [gt])
    assert res['ODS'] > 0.9 and res['AP'] > 0.8


def test_average_precision_of_a_step_curve():
    p, r = np.array([1.0, 1.0, 0.5]), np.array([0.25, 0.5, 1.0])
    assert average_precision(p, r) == pytest.approx(0.5 + 0.25)


def test_pick_figure_prefers_the_region_off_the_border():
    inner = square(20, 5, 15).astype(bool)
    assert np.array_equal(pick_figure([inner, ~inner]), inner)
    assert not pick_figure([np.ones((4, 4), bool)]).any()  # covers all


def test_two_means_center_prior_and_sobel():
    img = np.zeros((20, 20, 3))
    img[5:15, 5:15] = 1.0
    a, b = two_means(img)
    assert {a.sum(), b.sum()} == {100, 300}
    assert 0.3 < center_prior(30, 40).mean() < 0.4
    e = sobel_edges(img)
    assert e.max() == 1.0 and e[10, 10] == 0 and e[5, 10] > 0.5
