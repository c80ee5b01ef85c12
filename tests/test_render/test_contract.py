"""The renderer's input contract, in both CPU backends: invalid Gaussians
are refused with the field named (never drawn as something else), an empty
batch renders, and Gaussians at depth 0 are culled with finite gradients."""
import pytest
import torch

from gmae_bench.render import RenderInputError, cpu_kernel, gmae_camera, render

from .test_torch_backend import random_gaussians

BACKENDS = ['torch'] + (['cpu'] if cpu_kernel.available() else [])


def gaussians(B=2, N=6):
    return random_gaussians(B, N).map(lambda t: t.float().clone())


@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('field,value,what', [
    ('means', float('nan'), 'non-finite'),
    ('means', float('inf'), 'non-finite'),
    ('scales', float('nan'), 'non-finite'),
    ('scales', -0.1, 'negative'),
    ('quats', float('inf'), 'non-finite'),
    ('opacities', float('nan'), 'non-finite'),
    ('opacities', 1.5, 'outside'),
    ('opacities', -0.2, 'outside'),
    ('colors', float('-inf'), 'non-finite'),
])
def test_invalid_values_are_named(backend, field, value, what):
    g = gaussians()
    getattr(g, field)[1, 3] = value
    with pytest.raises(
            RenderInputError,
            match=rf'gaussians\.{field}: \d+ {what}.*image 1, '
            r'Gaussian 3'):
        render(g, gmae_camera(16, 16), backend)


@pytest.mark.parametrize('backend', BACKENDS)
def test_zero_quaternion_and_bad_shapes_are_named(backend):
    g = gaussians()
    g.quats[0, 0] = 0
    with pytest.raises(RenderInputError, match='quats.*all-zero'):
        render(g, gmae_camera(16, 16), backend)
    g = gaussians()
    g.scales = g.scales[..., :2]
    with pytest.raises(RenderInputError, match='scales has shape'):
        render(g, gmae_camera(16, 16), backend)


@pytest.mark.parametrize('backend', BACKENDS)
def test_empty_batch_renders(backend):
    g = gaussians(B=0, N=5)
    out = render(g, gmae_camera(12, 20), backend)
    assert out.image.shape == (0, 3, 12, 20)
    assert out.alpha.shape == (0, 1, 12, 20)


@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('model', ['ortho', 'pinhole'])
def test_gaussian_at_depth_zero_is_culled_with_finite_gradients(
        backend, model):
    cam = gmae_camera(16, 16, model=model)
    g = gaussians(B=1, N=6)
    g.means[0, 2, 2] = -8.0  # view depth z = 0 (camera at distance 8)
    g = g.map(lambda t: t.detach().requires_grad_())
    image = render(g, cam, backend).image
    image.sum().backward()
    for name in ('means', 'quats', 'scales', 'opacities', 'colors'):
        grad = getattr(g, name).grad
        assert torch.isfinite(grad).all(), name
        assert grad[0, 2].abs().sum() == 0, name  # not drawn
    # and it is not drawn: the image equals the render without it
    keep = torch.tensor([[0, 1, 3, 4, 5]])
    torch.testing.assert_close(image, render(g.take(keep), cam, backend).image)


def test_check_can_be_turned_off_for_checked_inputs():
    g = gaussians()
    g.scales[0, 0] = -0.1  # would be refused
    render(g, gmae_camera(16, 16), 'torch', check=False)
