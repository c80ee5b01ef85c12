"""Mixed precision: the loss and the gradients stay finite and the GMAE
renderer runs in fp32. On CPU with bf16 autocast (CPU autocast's dtype);
the CUDA twin runs fp16, as the recipes train, in scripts/gpu_check.sh."""
import pytest
import torch

from gmae_bench.render import Scene
from tests.helpers import build


def _amp_step(model, device, dtype):
    x = torch.randn(2, 3, 32, 32, device=device)
    with torch.autocast(device, dtype=dtype):
        losses = model.loss(x)
    losses['loss'].backward()
    return losses


@pytest.mark.parametrize('cfg', ['tiny_mae_cfg', 'tiny_gmae_cfg'])
def test_bf16_autocast_loss_and_grads_finite_render_fp32(
        cfg, request, monkeypatch):
    model = build(request.getfixturevalue(cfg))
    seen = []
    original = Scene.render

    def spy(self, gaussians, check=True):
        out = original(self, gaussians, check)
        seen.append((gaussians.means.dtype, out.image.dtype,
                     torch.is_autocast_enabled('cpu')))
        return out

    monkeypatch.setattr(Scene, 'render', spy)
    losses = _amp_step(model, 'cpu', torch.bfloat16)
    assert torch.isfinite(losses['loss'])
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)
    if cfg == 'tiny_gmae_cfg':
        assert seen == [(torch.float32, torch.float32, False)]
    # the decoder itself ran in bf16 (autocast was on)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert model(torch.randn(1, 3, 32, 32)).dtype == torch.bfloat16


@pytest.mark.cuda
@pytest.mark.parametrize('cfg', ['tiny_mae_cfg', 'tiny_gmae_cfg'])
def test_cuda_amp_step(cfg, request):
    model = build(request.getfixturevalue(cfg)).cuda()
    losses = _amp_step(model, 'cuda', torch.float16)
    assert torch.isfinite(losses['loss'])
    assert all(
        torch.isfinite(p.grad).all() for p in model.parameters()
        if p.grad is not None)


@pytest.mark.cuda
def test_mmcv_ops_run_on_cuda():
    from mmcv.ops import RoIAlign, nms
    feat = torch.rand(1, 4, 16, 16, device='cuda')
    rois = torch.tensor([[0, 2., 2., 10., 10.]], device='cuda')
    out = RoIAlign((4, 4), 1.0, 2)(feat, rois)
    assert out.is_cuda and out.shape == (1, 4, 4, 4)
    boxes = torch.tensor([[0, 0, 10, 10], [1, 1, 10, 10.]], device='cuda')
    _, keep = nms(boxes, torch.tensor([0.9, 0.8], device='cuda'), 0.5)
    assert keep.tolist() == [0]
