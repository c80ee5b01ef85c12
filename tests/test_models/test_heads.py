import pytest
import torch

from tests.helpers import build


def fb_forward_loss(imgs, pred, mask, p, norm_pix_loss):
    """facebookresearch/mae models_mae.py patchify + forward_loss, re-typed."""
    N, _, H, W = imgs.shape
    h = w = H // p
    x = imgs.reshape(N, 3, h, p, w, p)
    x = torch.einsum('nchpwq->nhwpqc', x)
    target = x.reshape(N, h * w, p**2 * 3)
    if norm_pix_loss:
        mean = target.mean(dim=-1, keepdim=True)
        var = target.var(dim=-1, keepdim=True)
        target = (target - mean) / (var + 1.e-6)**.5
    loss = ((pred - target)**2).mean(dim=-1)
    return (loss * mask).sum() / mask.sum()


@pytest.mark.parametrize('norm_pix', [False, True])
def test_pixel_head_equals_fb_forward_loss(norm_pix):
    head = build(
        dict(type='gmae_bench.PixelHead', patch_size=8, norm_pix=norm_pix))
    imgs, pred = torch.rand(3, 3, 32, 32), torch.randn(3, 16, 192)
    mask = (torch.rand(3, 16) > 0.25).float()
    torch.testing.assert_close(
        head.loss(pred, imgs, mask)['loss'],
        fb_forward_loss(imgs, pred, mask, 8, norm_pix))


def test_norm_pix_reports_pixel_mse_with_true_stats_under_its_own_name():
    """norm_pix predictions need each hidden patch's true mean / std to
    become pixels: that figure is not called mse_pixels."""
    head = build(
        dict(type='gmae_bench.PixelHead', patch_size=8, norm_pix=True))
    imgs = torch.rand(2, 3, 16, 16) * 255
    mask = torch.ones(2, 4)
    perfect = head.target_patches(imgs)  # a perfect norm_pix prediction
    out = head.loss(perfect, imgs, mask)
    assert set(out) == {'loss', 'mse_pixels_true_stats'}
    assert out['loss'] < 1e-10 and out['mse_pixels_true_stats'] < 1e-10
    grey = torch.zeros_like(perfect)  # predicts every patch's mean colour
    px = imgs / 255
    expected = fb_forward_loss(
        px,
        head.patchify(px).mean(-1, True).expand(-1, -1, 192), mask, 8, False)
    torch.testing.assert_close(
        head.loss(grey, imgs, mask)['mse_pixels_true_stats'], expected)


def test_input_target_loss_is_in_input_units_and_mse_pixels_in_pixels():
    """FB-MAE without norm_pix: the loss compares with the normalised
    input; mse_pixels maps the prediction to [0, 1] pixels per channel."""
    mean, std = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]
    head = build(
        dict(
            type='gmae_bench.PixelHead',
            patch_size=8,
            pixel_mean=mean,
            pixel_std=std))
    assert head.target == 'input'
    pixels = torch.rand(2, 3, 16, 16)
    m, s = torch.tensor(mean).view(1, 3, 1,
                                   1), torch.tensor(std).view(1, 3, 1, 1)
    inputs = (pixels * 255 - m) / s
    pred = torch.randn(2, 4, 192)
    mask = torch.tensor([[1., 0., 1., 1.], [0., 1., 1., 0.]])
    out = head.loss(pred, inputs, mask)
    torch.testing.assert_close(out['loss'],
                               fb_forward_loss(inputs, pred, mask, 8, False))
    pred_px = head.unpatchify(pred, 16, 16) * s / 255 + m / 255
    torch.testing.assert_close(
        out['mse_pixels'],
        fb_forward_loss(pixels, head.patchify(pred_px), mask, 8, False))
    torch.testing.assert_close(head.to_pixels(inputs), pixels)


def test_head_argument_ranges_are_named():
    for bad in (dict(target='raw'), dict(patch_size=0),
                dict(pixel_std=[1., 0., 1.])):
        with pytest.raises(ValueError, match='head.'):
            build(dict(type='gmae_bench.PixelHead', **bad))
    for c in (0, -1., float('nan')):
        with pytest.raises(ValueError, match='head.scale_max'):
            build(dict(type='gmae_bench.GaussianHead', scale_max=c))


def test_patchify_roundtrip():
    head = build(dict(type='gmae_bench.PixelHead', patch_size=4))
    imgs = torch.rand(2, 3, 16, 24)
    assert torch.equal(head.unpatchify(head.patchify(imgs), 16, 24), imgs)


def test_loss_ignores_visible_patches():
    head = build(dict(type='gmae_bench.PixelHead', patch_size=8))
    imgs = torch.rand(1, 3, 16, 16)
    pred = head.patchify(imgs).clone()
    mask = torch.tensor([[1., 0., 0., 0.]])
    pred[0, 1:] += 5.0  # wrong only where visible
    assert head.loss(pred, imgs, mask)['loss'] == 0


def test_gaussian_head_loss_backprops_to_decoder(tiny_gmae_cfg):
    model = build(tiny_gmae_cfg)
    x = torch.randn(2, 3, 32, 32)
    losses = model.loss(x)
    loss = losses['loss']
    # GMAE's loss is in [0, 1] pixels already
    assert torch.equal(losses['mse_pixels'], loss.detach())
    assert torch.isfinite(loss) and loss > 0
    loss.backward()
    for name in ('decoder.pred.weight', 'decoder.query_embed',
                 'backbone.blocks.0.attn.qkv.weight'):
        grad = dict(model.named_parameters())[name].grad
        assert grad is not None and grad.abs().sum() > 0, name


def test_gaussian_head_renders_in_unit_range(tiny_gmae_cfg):
    model = build(tiny_gmae_cfg)
    out = model.head.render(torch.randn(2, 12, 14) * 3, 32, 32)
    assert out.image.shape == (2, 3, 32, 32)
    assert out.image.min() >= 0 and out.image.max() <= 1


def test_gaussian_head_rejects_unknown_renderer_keys():
    with pytest.raises(KeyError, match='head.renderer'):
        build(
            dict(
                type='gmae_bench.GaussianHead',
                patch_size=8,
                renderer=dict(backnd='torch')))
    with pytest.raises(KeyError, match='camera'):
        build(
            dict(
                type='gmae_bench.GaussianHead',
                patch_size=8,
                renderer=dict(camera=dict(focal=3))))


def test_non_finite_decoder_output_gives_a_nan_loss(tiny_gmae_cfg):
    """NaN Gaussians are culled by the renderer; the loss must not hide
    them (FiniteLossHook then stops training)."""
    model = build(tiny_gmae_cfg)
    pred = torch.randn(2, 12, 14)
    pred[0, 3, 0] = float('nan')
    out = model.head.loss(pred, torch.rand(2, 3, 32, 32), torch.ones(2, 16))
    assert torch.isnan(out['loss'])


@pytest.mark.parametrize('value', [float('nan'), float('inf')])
def test_non_finite_mae_prediction_gives_a_non_finite_loss(value):
    head = build(dict(type='gmae_bench.PixelHead', patch_size=8))
    pred = torch.randn(2, 16, 192)
    pred[1, 0, 5] = value  # a visible patch (mask 0) is enough
    mask = torch.ones(2, 16)
    mask[1, 0] = 0
    assert not torch.isfinite(
        head.loss(pred, torch.rand(2, 3, 32, 32), mask)['loss'])
