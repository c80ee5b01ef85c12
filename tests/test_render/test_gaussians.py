import torch

from gmae_bench.render import gaussians_from_raw, shoemake_quaternion


def test_activations_land_in_their_ranges():
    raw = torch.randn(4, 50, 14) * 4
    g = gaussians_from_raw(raw, scale_max=2.0)
    assert g.means.abs().max() < 1
    assert (g.scales > 0).all() and (g.scales < 2).all()
    assert (g.opacities > 0).all() and (g.opacities < 1).all()
    assert (g.colors >= 0).all() and (g.colors <= 1).all()
    torch.testing.assert_close(g.quats.norm(dim=-1), torch.ones(4, 50))


def test_means_are_tanh_half_of_logits():
    raw = torch.zeros(1, 1, 14)
    raw[..., 0] = 2.0
    g = gaussians_from_raw(raw)
    torch.testing.assert_close(g.means[0, 0, 0],
                               2 * (torch.sigmoid(torch.tensor(2.)) - 0.5))


def test_shoemake_is_unit_and_covers_rotations():
    q = shoemake_quaternion(torch.rand(10000, 3))
    torch.testing.assert_close(q.norm(dim=-1), torch.ones(10000))
    # uniform over SO(3): each component has mean ~0 and E[q_i^2] = 1/4
    assert q.mean(0).abs().max() < 0.03
    torch.testing.assert_close(
        (q**2).mean(0), torch.full((4, ), 0.25), atol=0.02, rtol=0)


def test_take_selects_per_image():
    g = gaussians_from_raw(torch.randn(2, 5, 14))
    idx = torch.tensor([[4, 0], [1, 1]])
    sub = g.take(idx)
    assert sub.means.shape == (2, 2, 3) and sub.opacities.shape == (2, 2)
    assert torch.equal(sub.colors[0, 0], g.colors[0, 4])
    assert torch.equal(sub.colors[1, 1], g.colors[1, 1])
