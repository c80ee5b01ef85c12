"""gsplat (CUDA) against the pure-PyTorch backend: values and gradients."""
import pytest
import torch

from gmae_bench.render import gaussians_from_raw, gmae_camera, render

pytestmark = pytest.mark.cuda


@pytest.mark.parametrize('size_by_depth', [True, False])
def test_forward_and_grad_parity(size_by_depth):
    pytest.importorskip('gsplat')
    raw = torch.randn(4, 256, 14, device='cuda') * 1.5
    raw.requires_grad_(True)
    cam = gmae_camera(64, 64, size_by_depth=size_by_depth)
    outs, grads = [], []
    w = torch.randn(4, 3, 64, 64, device='cuda')
    for backend in ('gsplat', 'torch'):
        img = render(gaussians_from_raw(raw, 1.0), cam, backend).image
        grads.append(torch.autograd.grad((img * w).sum(), raw)[0])
        outs.append(img)
    torch.testing.assert_close(outs[0], outs[1], atol=1e-3, rtol=1e-3)
    torch.testing.assert_close(grads[0], grads[1], atol=2e-2, rtol=2e-2)
