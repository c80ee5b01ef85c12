"""The pure-PyTorch renderer against analytic cases, a brute-force
per-pixel reference written independently here, the dense backend, and
finite differences."""
import math

import pytest
import torch

from gmae_bench.render import (Gaussians, gaussians_from_raw, gmae_camera,
                               render)
from gmae_bench.render.camera import Camera
from gmae_bench.render.torch_backend import render_torch


def ortho_camera(size, size_by_depth=False):
    return gmae_camera(size, size, size_by_depth=size_by_depth)


def one_gaussian(x=0., y=0., z=0., s=0.1, o=0.9, color=(1., 0., 0.)):
    f = lambda v: torch.tensor([[v]], dtype=torch.float64)  # noqa: E731
    return Gaussians(
        means=f([x, y, z]),
        quats=f([1., 0., 0., 0.]),
        scales=f([s, s, s]),
        opacities=torch.tensor([[o]], dtype=torch.float64),
        colors=f(list(color)))


# ----------------------------------------------------------------------
# brute force: loops over pixels, rotation by quaternion products
# ----------------------------------------------------------------------
def _qmul(a, b):
    w1, x1, y1, z1 = a
    w2, x2, y2, z2 = b
    return (w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
            w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
            w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
            w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2)


def _rotation(q):
    q = [float(v) for v in q / q.norm()]
    conj = (q[0], -q[1], -q[2], -q[3])
    cols = []
    for e in torch.eye(3).tolist():
        cols.append(_qmul(_qmul(q, (0.0, *e)), conj)[1:])
    return torch.tensor(cols, dtype=torch.float64).T


def brute_force(g: Gaussians, cam: Camera, bg) -> torch.Tensor:
    B, N = g.opacities.shape
    V = torch.tensor(cam.viewmat, dtype=torch.float64)
    out = torch.zeros(
        B, g.colors.shape[-1], cam.height, cam.width, dtype=torch.float64)
    for b in range(B):
        items = []
        for n in range(N):
            mc = V[:3, :3] @ g.means[b, n].double() + V[:3, 3]
            s = g.scales[b, n].double()
            if cam.size_by_depth:
                s = s / mc[2]
            R = _rotation(g.quats[b, n].double())
            cov = V[:3, :3] @ R @ torch.diag(s**2) @ R.T @ V[:3, :3].T
            J = torch.tensor([[cam.fx, 0, 0], [0, cam.fy, 0]],
                             dtype=torch.float64)
            cov2 = J @ cov @ J.T + 0.3 * torch.eye(2, dtype=torch.float64)
            mean2 = torch.stack(
                [cam.fx * mc[0] + cam.cx, cam.fy * mc[1] + cam.cy])
            items.append((float(mc[2]), mean2, torch.linalg.inv(cov2),
                          float(g.opacities[b, n]), g.colors[b, n].double()))
        items.sort(key=lambda t: t[0])
        for i in range(cam.height):
            for j in range(cam.width):
                p = torch.tensor([j + 0.5, i + 0.5], dtype=torch.float64)
                T, C = 1.0, torch.zeros_like(out[b, :, 0, 0])
                for _, m, inv, o, c in items:
                    d = m - p
                    alpha = min(0.999, o * math.exp(-0.5 * float(d @ inv @ d)))
                    if alpha < 1 / 255:
                        continue
                    if T * (1 - alpha) <= 1e-4:
                        break
                    C += c * alpha * T
                    T *= 1 - alpha
                out[b, :, i, j] = C + T * torch.as_tensor(bg, dtype=C.dtype)
    return out


def chunks(n: int):
    """The chunked compositor with ~n values per chunk."""
    from functools import partial

    from gmae_bench.render.torch_backend import composite_chunked
    return partial(composite_chunked, chunk_elems=n)


def random_gaussians(B, N, scale_max=1.5, opacity_bias=0.0, seed=0):
    g = torch.Generator().manual_seed(seed)
    raw = torch.randn(B, N, 14, generator=g, dtype=torch.float64) * 1.5
    raw[..., 13] += opacity_bias
    return gaussians_from_raw(raw, scale_max)


# ----------------------------------------------------------------------
def test_single_isotropic_gaussian_matches_analytic_profile():
    size, s, o = 16, 0.2, 0.8
    cam = ortho_camera(size)
    img = render(
        one_gaussian(s=s, o=o), cam, 'torch', background=(0., 0., 0.)).image[0,
                                                                             0]
    var = (cam.fx * s)**2 + 0.3  # px^2, plus the 0.3 low-pass
    ys, xs = torch.meshgrid(
        torch.arange(size) + 0.5, torch.arange(size) + 0.5, indexing='ij')
    d2 = (xs - size / 2)**2 + (ys - size / 2)**2
    expected = (o * torch.exp(-d2 / (2 * var))).double()
    expected[expected < 1 / 255] = 0
    torch.testing.assert_close(img, expected, atol=1e-6, rtol=1e-6)


def test_size_by_depth_shrinks_far_gaussians():
    cam = ortho_camera(32, size_by_depth=True)
    near = render(one_gaussian(z=-0.9, s=1.0), cam, 'torch').alpha.sum()
    far = render(one_gaussian(z=0.9, s=1.0), cam, 'torch').alpha.sum()
    assert near > far * 1.3


@pytest.mark.parametrize('red_in_front', [True, False])
def test_depth_order_decides_occlusion(red_in_front):
    z_red, z_blue = (-0.5, 0.5) if red_in_front else (0.5, -0.5)
    a = one_gaussian(z=z_red, s=0.3, o=0.99, color=(1, 0, 0))
    b = one_gaussian(z=z_blue, s=0.3, o=0.99, color=(0, 0, 1))
    both = Gaussians(*(torch.cat([getattr(a, k), getattr(b, k)], 1)
                       for k in ('means', 'quats', 'scales', 'opacities',
                                 'colors')))
    centre = render(both, ortho_camera(16), 'torch').image[0, :, 8, 8]
    front, back = (0, 2) if red_in_front else (2, 0)
    assert centre[front] > 0.9 and centre[back] < 0.1


def test_zero_opacity_gives_background():
    g = random_gaussians(2, 8)
    g.opacities = torch.zeros_like(g.opacities)
    out = render(g, ortho_camera(16), 'torch', background=(0.2, 0.4, 0.6))
    expected = torch.tensor([0.2, 0.4, 0.6], dtype=torch.float64)
    assert torch.allclose(out.image,
                          expected.view(1, 3, 1, 1).expand(2, 3, 16, 16))
    assert out.alpha.abs().max() == 0


@pytest.mark.parametrize('size_by_depth', [False, True])
def test_matches_brute_force_per_pixel(size_by_depth):
    g = random_gaussians(2, 12, opacity_bias=1.0)
    cam = gmae_camera(12, 10, size_by_depth=size_by_depth)
    ours = render(g, cam, 'torch', background=(0.1, 0.5, 0.9)).image
    ref = brute_force(g, cam, (0.1, 0.5, 0.9))
    torch.testing.assert_close(ours, ref, atol=1e-9, rtol=1e-9)


def test_transmittance_stop_rule_matches_brute_force():
    # many nearly opaque Gaussians on top of each other: pixels stop early
    g = random_gaussians(1, 20, scale_max=3.0, opacity_bias=6.0)
    g.means = g.means * torch.tensor([0.1, 0.1, 1.0], dtype=torch.float64)
    cam = ortho_camera(8)
    ours = render(g, cam, 'torch').image
    torch.testing.assert_close(
        ours, brute_force(g, cam, (1., 1., 1.)), atol=1e-9, rtol=1e-9)


@pytest.mark.parametrize('H,W,tile', [(16, 16, 16), (37, 21, 16), (9, 9, 4)])
def test_matches_dense_reference_values_and_grads(H, W, tile):
    g = random_gaussians(2, 24, opacity_bias=0.5)
    g = g.map(lambda t: t.detach().requires_grad_())
    cam = gmae_camera(H, W)
    from gmae_bench.render.camera import background_tensor
    bg = background_tensor(None, 2, 3, g.means)
    tiled = render_torch(g, cam, bg, tile_size=tile)[0]
    dense = render(g, cam, 'dense').image
    torch.testing.assert_close(tiled, dense, atol=1e-10, rtol=1e-10)
    w = torch.randn_like(dense)
    params = [g.means, g.quats, g.scales, g.opacities, g.colors]
    g1 = torch.autograd.grad((tiled * w).sum(), params)
    g2 = torch.autograd.grad((dense * w).sum(), params)
    for a, b in zip(g1, g2):
        torch.testing.assert_close(a, b, atol=1e-9, rtol=1e-7)


@pytest.mark.parametrize('scan_loop_max', [0, 10**6])
def test_both_scan_paths_match_dense(monkeypatch, scan_loop_max):
    # 0: torch.cumprod / cumsum for every chunk; 10**6: column loops only
    from gmae_bench.render import torch_backend
    monkeypatch.setattr(torch_backend, 'SCAN_LOOP_MAX', scan_loop_max)
    g = random_gaussians(2, 40, opacity_bias=2.0)
    g = g.map(lambda t: t.detach().requires_grad_())
    cam = ortho_camera(16)
    from gmae_bench.render.camera import background_tensor
    bg = background_tensor(None, 2, 3, g.means)
    ours = render_torch(
        g, cam, bg, compositor=chunks(1 << 26))[0]  # wide chunks
    dense = render(g, cam, 'dense').image
    torch.testing.assert_close(ours, dense, atol=1e-10, rtol=1e-10)
    w = torch.randn_like(dense)
    for a, b in zip(
            torch.autograd.grad((ours * w).sum(), [g.means, g.opacities]),
            torch.autograd.grad((dense * w).sum(), [g.means, g.opacities])):
        torch.testing.assert_close(a, b, atol=1e-9, rtol=1e-7)


def test_chunk_size_changes_nothing():
    g = random_gaussians(2, 40).map(lambda t: t.float())
    cam = ortho_camera(32)
    from gmae_bench.render.camera import background_tensor
    bg = background_tensor(None, 2, 3, g.means)
    small = render_torch(
        g, cam, bg, compositor=chunks(1))[0]  # one entry/chunk
    big = render_torch(g, cam, bg, compositor=chunks(1 << 26))[0]
    torch.testing.assert_close(small, big, atol=1e-6, rtol=1e-5)


def test_gradcheck_float64_four_gaussians():
    raw = torch.randn(1, 4, 14, dtype=torch.float64) * 0.5
    raw[..., 3:6] += 1.0  # sizeable Gaussians on an 8x8 image
    raw.requires_grad_(True)
    cam = ortho_camera(8)

    def f(r):
        return render(gaussians_from_raw(r, 1.5), cam, 'torch').image

    assert torch.autograd.gradcheck(f, (raw, ), eps=1e-6, atol=1e-6)


def test_gradcheck_float64_pinhole():
    raw = torch.randn(1, 3, 14, dtype=torch.float64) * 0.5
    raw[..., 3:6] += 1.0
    raw.requires_grad_(True)
    cam = gmae_camera(8, 8, model='pinhole', distance=3.0)

    def f(r):
        return render(gaussians_from_raw(r, 1.0), cam, 'torch').image

    assert torch.autograd.gradcheck(f, (raw, ), eps=1e-6, atol=1e-6)


def test_unknown_backend_and_gsplat_on_cpu_are_named():
    g = random_gaussians(1, 2)
    with pytest.raises(ValueError, match='backend'):
        render(g, ortho_camera(8), 'cuda-magic')
    with pytest.raises(ValueError, match="backend='gsplat' needs CUDA"):
        render(g, ortho_camera(8), 'gsplat')


def test_auto_backend_for_float64_on_cpu_is_torch():
    from gmae_bench.render import resolve_backend
    assert resolve_backend('auto', torch.zeros(1, dtype=torch.float64)) == \
        'torch'


def test_empty_gaussian_set_renders_background():
    g = random_gaussians(2, 3).take(torch.zeros(2, 0, dtype=torch.long))
    out = render(g, ortho_camera(8), 'torch', background=(0.3, 0.3, 0.3))
    assert torch.allclose(out.image, torch.full_like(out.image, 0.3))
