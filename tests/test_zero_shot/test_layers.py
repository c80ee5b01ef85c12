import pytest
import torch

from gmae_bench.render import Gaussians, Scene, gmae_camera
from gmae_bench.zero_shot import (depth_layers, depth_order, first_k, id_edges,
                                  layer_edges, layer_groups, visible_layer_map)


def scene(specs):
    """Gaussians from (x, y, z, scale, colour) tuples, opaque, one image."""
    f = lambda v: torch.tensor([v], dtype=torch.float64)  # noqa: E731
    return Gaussians(
        means=f([[x, y, z] for x, y, z, _, _ in specs]),
        quats=f([[1., 0., 0., 0.]] * len(specs)),
        scales=f([[s, s, s] for _, _, _, s, _ in specs]),
        opacities=torch.full((1, len(specs)), 0.99, dtype=torch.float64),
        colors=f([list(c) for *_, c in specs]))


CAM = Scene(gmae_camera(32, 32, size_by_depth=False))


def test_depth_order_nearest_first():
    g = scene([(0, 0, 0.5, .1, (1, 0, 0)), (0, 0, -0.5, .1, (0, 1, 0)),
               (0, 0, 0.0, .1, (0, 0, 1))])
    assert depth_order(g, CAM).tolist() == [[1, 2, 0]]


def test_layer_groups_partition_in_order():
    order = torch.arange(10).view(1, 10)
    groups = layer_groups(order, 3)
    assert [g.shape[1] for g in groups] == [4, 3, 3]
    assert torch.equal(torch.cat(groups, 1), order)
    with pytest.raises(ValueError, match='num_layers'):
        layer_groups(order, 11)


def test_first_k_with_all_gaussians_is_the_full_render():
    g = scene([(-.5, 0, 0.2, .15, (1, 0, 0)), (.5, 0, -0.2, .15, (0, 1, 0))])
    renders = first_k(g, CAM, ks=(1, 32))
    assert sorted(renders) == [1, 2]
    torch.testing.assert_close(renders[2], CAM.render(g).image)
    # the single nearest Gaussian is the green one (z = -0.2)
    only = renders[1][0, :, 16, 24]
    assert only[1] > 0.9 and only[0] < 0.1


def test_depth_layers_render_each_group_alone():
    g = scene([(-.5, 0, 0.5, .15, (1, 0, 0)), (.5, 0, -0.5, .15, (0, 1, 0))])
    near, far = depth_layers(g, CAM, 2)
    assert near[0, 1, 16, 24] > 0.9 and near[0, 0, 16, 8] > 0.99  # white
    assert far[0, 0, 16, 8] > 0.9 and far[0, 1, 16, 8] < 0.1


def test_visible_layer_map_and_edges():
    # a big far red blob, a small near green blob on top of its centre
    g = scene([(0, 0, 0.5, .3, (1, 0, 0)), (0, 0, -0.5, .08, (0, 1, 0))])
    ids = visible_layer_map(g, CAM, 2, tau=0.05)[0]
    assert ids[16, 16] == 0  # the near green blob is what one sees
    assert ids[16, 24] == 1  # the red blob around it
    assert ids[0, 0] == 2  # nothing: background
    edges = id_edges(ids[None], 2)[0]
    assert edges[16, 16] == 0 and edges.max() > 0
    ring = edges > 0
    assert ring[16, 10:23].any() and not ring[0:3, 0:3].any()
    soft = layer_edges(g, CAM, (2, 4))
    assert soft.shape == (1, 32, 32) and 0 <= soft.min() <= soft.max() <= 1
