"""The compiled CPU compositor (backend 'cpu') against the pure-PyTorch
backend, the brute-force per-pixel reference, and its own failure paths."""
import pytest
import torch

from gmae_bench.render import cpu_kernel, gmae_camera, render, resolve_backend
from gmae_bench.render.camera import background_tensor
from gmae_bench.render.cpu_kernel import composite_compiled
from gmae_bench.render.torch_backend import composite_chunked, render_torch

from .test_torch_backend import brute_force, ortho_camera, random_gaussians

pytestmark = pytest.mark.skipif(
    not cpu_kernel.available(), reason='no C compiler to build the kernel')


def float32(g):
    return g.map(lambda t: t.detach().float().requires_grad_())


def values_and_grads(g, cam, tile, compiled, seed=0):
    bg = background_tensor((0.1, 0.5, 0.9), g.batch_size, 3, g.means)
    image, alpha = render_torch(
        g,
        cam,
        bg,
        tile_size=tile,
        compositor=composite_compiled if compiled else composite_chunked)
    w = torch.randn(image.shape, generator=torch.Generator().manual_seed(seed))
    params = [g.means, g.quats, g.scales, g.opacities, g.colors]
    return image, alpha, torch.autograd.grad((image * w).sum(), params)


@pytest.mark.parametrize('H,W,tile,opacity_bias', [(16, 16, 16, 0.5),
                                                   (37, 21, 16, 2.0),
                                                   (9, 9, 4, 0.0),
                                                   (40, 40, 8, 8.0)])
def test_matches_torch_backend_values_and_grads(H, W, tile, opacity_bias):
    # opacity_bias 8: opacities above 0.999, so alphas clamp and pixels stop
    g = float32(random_gaussians(2, 48, opacity_bias=opacity_bias))
    cam = gmae_camera(H, W, size_by_depth=True)
    ours = values_and_grads(g, cam, tile, compiled=True)
    ref = values_and_grads(g, cam, tile, compiled=False)
    torch.testing.assert_close(ours[0], ref[0], atol=2e-6, rtol=1e-5)
    torch.testing.assert_close(ours[1], ref[1], atol=2e-6, rtol=1e-5)
    for a, b in zip(ours[2], ref[2]):
        torch.testing.assert_close(a, b, atol=1e-4, rtol=1e-4)


def test_matches_brute_force_with_early_stops():
    g = random_gaussians(1, 20, scale_max=3.0, opacity_bias=6.0)
    g.means = g.means * torch.tensor([0.1, 0.1, 1.0], dtype=torch.float64)
    cam = ortho_camera(8)
    ours = render(g.map(lambda t: t.float()), cam, 'cpu').image
    ref = brute_force(g, cam, (1., 1., 1.)).float()
    torch.testing.assert_close(ours, ref, atol=2e-6, rtol=1e-5)


def test_thread_count_changes_no_bit():
    g = float32(random_gaussians(4, 64, opacity_bias=1.0))
    cam = ortho_camera(48)
    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        one = values_and_grads(g, cam, 16, compiled=True)
        torch.set_num_threads(3)
        three = values_and_grads(g, cam, 16, compiled=True)
    finally:
        torch.set_num_threads(threads)
    assert torch.equal(one[0], three[0])
    for a, b in zip(one[2], three[2]):
        assert torch.equal(a, b)


def test_float64_input_keeps_its_dtype():
    g = random_gaussians(1, 6)
    out = render(g, ortho_camera(16), 'cpu')
    assert out.image.dtype == torch.float64
    ref = render(g, ortho_camera(16), 'torch').image
    torch.testing.assert_close(out.image, ref, atol=1e-6, rtol=1e-5)


def test_empty_set_gives_background():
    g = random_gaussians(2, 3).take(torch.zeros(2, 0, dtype=torch.long))
    out = render(g, ortho_camera(8), 'cpu', background=(0.3, 0.3, 0.3))
    assert torch.allclose(out.image, torch.full_like(out.image, 0.3))
    assert out.alpha.abs().max() == 0


def test_auto_takes_the_kernel_for_float32_cpu_tensors():
    assert resolve_backend('auto', torch.zeros(1)) == 'cpu'
    assert resolve_backend('auto', torch.zeros(1, dtype=torch.float64)) == \
        'torch'


def test_failed_build_names_the_command(monkeypatch, tmp_path):
    monkeypatch.setenv('CC', 'false')
    with pytest.raises(RuntimeError, match="'false .*tile_composite.c"):
        cpu_kernel.compile_library(str(tmp_path / 'k.so'))
    assert list(tmp_path.iterdir()) == []  # no half-built library left


def test_unavailable_kernel_says_why_and_auto_falls_back(monkeypatch):

    def fails():
        raise RuntimeError("the compiled CPU compositor is unavailable (use "
                           "backend='torch'): RuntimeError: no C compiler")

    monkeypatch.setattr(cpu_kernel, 'load', fails)
    assert resolve_backend('auto', torch.zeros(1)) == 'torch'
    with pytest.raises(
            RuntimeError, match=r"\(use backend='torch'\): .*no C compiler"):
        render(float32(random_gaussians(1, 2)), ortho_camera(8), 'cpu')


def test_build_goes_to_the_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv('GMAE_BENCH_CACHE', str(tmp_path))
    path = cpu_kernel.library_path()
    assert path.startswith(str(tmp_path))
    cpu_kernel.compile_library(path)
    assert [p.name for p in tmp_path.iterdir()] == [path.split('/')[-1]]
