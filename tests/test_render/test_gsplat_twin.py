"""The gsplat backend's exact call, run on the CPU through gsplat's own
pure-PyTorch twin of its CUDA kernels (``gsplat/cuda/_torch_impl.py``),
against the ``torch`` and ``cpu`` backends: values and gradients.

``gsplat.rasterization`` itself runs unchanged; only the four kernels it
calls are swapped for their twins. Two pieces the twin relies on are
CUDA-only or absent and get small CPU stand-ins here, written from
gsplat's kernel rules: ``rasterize_to_indices_in_range`` (which pixels a
Gaussian reaches: alpha = min(0.999, o exp(-sigma)) >= 1/255, a pixel stops
before the Gaussian that would take its transmittance to <= 1e-4) and
nerfacc's ``render_weight_from_alpha`` / ``accumulate_along_rays``.
The twin's ``_isect_tiles`` sorts with an unstable ``torch.sort``; gsplat's
CUDA radix sort keeps index order for equal depths, so ties are sorted
stably here. A wrong camera mapping or permute in ``gsplat_backend.py``
fails :func:`test_gsplat_call_matches_torch_backend` (the mutation tests
below show it).
"""
import contextlib
import math
import sys
import types

import pytest
import torch

from gmae_bench.render import (cpu_kernel, gaussians_from_raw, gmae_camera,
                               gsplat_backend, render)
from gmae_bench.render.camera import background_tensor

gsplat = pytest.importorskip('gsplat')
T = pytest.importorskip('gsplat.cuda._torch_impl')
ALPHA_MIN, ALPHA_MAX, T_STOP = 1.0 / 255.0, 0.999, 1e-4


# --- CPU stand-ins for the CUDA-only pieces --------------------------------
def projection(means,
               covars,
               quats,
               scales,
               viewmats,
               Ks,
               width,
               height,
               eps2d=0.3,
               near_plane=0.01,
               far_plane=1e10,
               radius_clip=0.0,
               packed=False,
               sparse_grad=False,
               calc_compensations=False,
               camera_model='pinhole',
               opacities=None):
    """``fully_fused_projection`` through the twin (covariances from
    quaternions and scales by the twin's own helper)."""
    assert not packed and radius_clip == 0.0
    if covars is None:
        covars, _ = T._quat_scale_to_covar_preci(
            quats, scales, True, False, triu=False)
    return T._fully_fused_projection(means, covars, viewmats, Ks, width,
                                     height, eps2d, near_plane, far_plane,
                                     calc_compensations, camera_model)


def isect_tiles(means2d,
                radii,
                depths,
                tile_size,
                tile_width,
                tile_height,
                sort=True,
                segmented=False,
                packed=False,
                n_images=None,
                image_ids=None,
                gaussian_ids=None):
    """The twin's tile intersection, sorted stably (as CUDA's radix sort)."""
    tiles, ids, flat = T._isect_tiles(
        means2d, radii, depths, tile_size, tile_width, tile_height, sort=False)
    if sort:
        ids, order = torch.sort(ids, stable=True)
        flat = flat[order]
    return tiles, ids, flat


def isect_offset_encode(isect_ids, n_images, tile_width, tile_height):
    return T._isect_offset_encode(isect_ids, n_images, tile_width, tile_height)


def rasterize_to_pixels(means2d,
                        conics,
                        colors,
                        opacities,
                        image_width,
                        image_height,
                        tile_size,
                        isect_offsets,
                        flatten_ids,
                        backgrounds=None,
                        masks=None,
                        packed=False,
                        absgrad=False):
    assert masks is None and not packed
    return T._rasterize_to_pixels(
        means2d,
        conics,
        colors,
        opacities,
        image_width,
        image_height,
        tile_size,
        isect_offsets,
        flatten_ids,
        backgrounds=backgrounds)


@torch.no_grad()
def rasterize_to_indices_in_range(range_start, range_end, transmittances,
                                  means2d, conics, opacities, image_width,
                                  image_height, tile_size, isect_offsets,
                                  flatten_ids):
    """(Gaussian, pixel, image) triples that gsplat's kernel composites for
    list entries [range_start, range_end) x tile_size^2 of each tile, in
    pixel order and, within a pixel, front to back."""
    I = math.prod(means2d.shape[:-2])
    N = means2d.shape[-2]
    m2d, con = means2d.reshape(I, N, 2), conics.reshape(I, N, 3)
    opa = opacities.reshape(I, N)
    trans = transmittances.reshape(I, image_height, image_width)
    th, tw = isect_offsets.shape[-2:]
    offsets = isect_offsets.reshape(-1).tolist() + [len(flatten_ids)]
    block = tile_size * tile_size
    triples = []
    for tile in range(I * th * tw):
        img, t = divmod(tile, th * tw)
        ty, tx = divmod(t, tw)
        lo = offsets[tile] + range_start * block
        hi = min(offsets[tile + 1], offsets[tile] + range_end * block)
        ys, xs = torch.meshgrid(
            torch.arange(ty * tile_size, (ty + 1) * tile_size),
            torch.arange(tx * tile_size, (tx + 1) * tile_size),
            indexing='ij')
        inside = (ys < image_height) & (xs < image_width)
        ys, xs = ys[inside], xs[inside]
        T_pix = trans[img, ys, xs].clone()
        alive = T_pix > T_STOP
        for fid in flatten_ids[lo:hi].tolist():
            g = fid % N
            dx = m2d[img, g, 0] - (xs + 0.5)
            dy = m2d[img, g, 1] - (ys + 0.5)
            a, b, c = con[img, g]
            sigma = 0.5 * (a * dx * dx + c * dy * dy) + b * dx * dy
            alpha = torch.clamp(opa[img, g] * torch.exp(-sigma), max=ALPHA_MAX)
            valid = alive & (sigma >= 0) & (alpha >= ALPHA_MIN)
            next_T = T_pix * (1 - alpha)
            stop = valid & (next_T <= T_STOP)
            alive &= ~stop
            emit = valid & ~stop
            T_pix = torch.where(emit, next_T, T_pix)
            pix = ys[emit] * image_width + xs[emit]
            triples += [(img, int(p), g) for p in pix.tolist()]
    # pixel-major, front to back within a pixel (stable on list order)
    triples.sort(key=lambda x: (x[0], x[1]))
    gs = torch.tensor([x[2] for x in triples], dtype=torch.long)
    px = torch.tensor([x[1] for x in triples], dtype=torch.long)
    im = torch.tensor([x[0] for x in triples], dtype=torch.long)
    return gs, px, im


def _segments(ray_indices):
    """Start index of each entry's ray segment (entries grouped by ray)."""
    idx = torch.arange(len(ray_indices))
    first = torch.ones_like(ray_indices, dtype=torch.bool)
    first[1:] = ray_indices[1:] != ray_indices[:-1]
    return torch.cummax(torch.where(first, idx, 0), 0).values


def render_weight_from_alpha(alphas, ray_indices=None, n_rays=None):
    """nerfacc: w_i = alpha_i prod_{j < i on the ray} (1 - alpha_j)."""
    # one running sum over all rays, so float64: cut at each ray's start
    log_t = torch.log1p(-alphas.double())
    cs = torch.cumsum(log_t, 0)
    start = _segments(ray_indices)
    before = cs - log_t  # exclusive prefix, then cut at the segment start
    trans = torch.exp(before - (cs[start] - log_t[start])).to(alphas.dtype)
    return alphas * trans, trans


def accumulate_along_rays(weights, values, ray_indices, n_rays):
    src = weights[:, None] if values is None else weights[:, None] * values
    out = src.new_zeros(n_rays, src.shape[-1])
    return out.index_add(0, ray_indices, src)


@contextlib.contextmanager
def gsplat_on_cpu(monkeypatch):
    """gsplat.rasterization with its kernels swapped for the twin."""
    import gsplat.cuda._wrapper as W
    import gsplat.rendering as R
    monkeypatch.setattr(R, 'fully_fused_projection', projection)
    monkeypatch.setattr(R, 'isect_tiles', isect_tiles)
    monkeypatch.setattr(R, 'isect_offset_encode', isect_offset_encode)
    monkeypatch.setattr(R, 'rasterize_to_pixels', rasterize_to_pixels)
    monkeypatch.setattr(W, 'rasterize_to_indices_in_range',
                        rasterize_to_indices_in_range)
    nerfacc = types.ModuleType('nerfacc')
    nerfacc.render_weight_from_alpha = render_weight_from_alpha
    nerfacc.accumulate_along_rays = accumulate_along_rays
    monkeypatch.setitem(sys.modules, 'nerfacc', nerfacc)
    yield R.rasterization


# --- the comparison ---------------------------------------------------------
def _raw(B=2, N=24, seed=0, spread=1.2):
    g = torch.Generator().manual_seed(seed)
    raw = torch.randn(B, N, 14, generator=g) * spread
    raw[..., 3:6] -= 0.5  # sizes that stay inside a few tiles
    return raw


def _render(raw, camera, backend, rasterize=None, scale_max=1.0):
    raw = raw.detach().clone().requires_grad_(True)
    g = gaussians_from_raw(raw, scale_max)
    if backend == 'gsplat-twin':
        bg = background_tensor((0.2, 0.6, 1.0), raw.shape[0], 3, raw)
        image, alpha = gsplat_backend.render_gsplat(g, camera, bg, rasterize)
    else:
        image, alpha = render(g, camera, backend, (0.2, 0.6, 1.0))
    w = torch.randn(image.shape, generator=torch.Generator().manual_seed(1))
    grad, = torch.autograd.grad((image * w).sum(), raw)
    return image.detach(), alpha, grad


REFS = ['torch'] + (['cpu'] if cpu_kernel.available() else [])


@pytest.mark.parametrize('ref', REFS)
@pytest.mark.parametrize(
    'H,W,model,size_by_depth',
    [
        (32, 32, 'ortho', True),  # the GMAE camera
        (24, 40, 'ortho', False),
        (32, 32, 'pinhole', False),
    ])
def test_gsplat_call_matches_torch_backend(monkeypatch, ref, H, W, model,
                                           size_by_depth):
    cam = gmae_camera(H, W, model=model, size_by_depth=size_by_depth)
    raw = _raw()
    with gsplat_on_cpu(monkeypatch) as rasterize:
        ours = _render(raw, cam, 'gsplat-twin', rasterize)
    want = _render(raw, cam, ref)
    assert ours[0].shape == (2, 3, H, W) and ours[1].shape == (2, 1, H, W)
    torch.testing.assert_close(ours[0], want[0], atol=2e-5, rtol=1e-4)
    torch.testing.assert_close(ours[1], want[1], atol=2e-5, rtol=1e-4)
    torch.testing.assert_close(ours[2], want[2], atol=2e-4, rtol=1e-3)
    assert ours[2].abs().sum() > 0


def test_equal_depths_composite_in_index_order(monkeypatch):
    """Gaussians at the same depth: gsplat draws them in index order (a
    stable sort), like the torch backend."""
    raw = _raw(B=1, N=8)
    raw[..., 2] = 0.3  # one depth for all
    raw[..., 13] = 3.0  # nearly opaque, so the order shows
    cam = gmae_camera(32, 32)
    with gsplat_on_cpu(monkeypatch) as rasterize:
        ours = _render(raw, cam, 'gsplat-twin', rasterize)
    torch.testing.assert_close(
        ours[0], _render(raw, cam, 'torch')[0], atol=2e-5, rtol=1e-4)


# --- the test catches a wrong call ------------------------------------------
def _mismatch(monkeypatch) -> bool:
    cam, raw = gmae_camera(32, 32), _raw()
    with gsplat_on_cpu(monkeypatch) as rasterize:
        ours = _render(raw, cam, 'gsplat-twin', rasterize)
    want = _render(raw, cam, 'torch')
    return not torch.allclose(ours[0], want[0], atol=2e-5, rtol=1e-4)


@pytest.mark.parametrize('mutation', [
    'transposed image', 'pinhole camera', 'scales not divided by depth',
    'intrinsics transposed', 'no background'
])
def test_a_wrong_gsplat_call_is_caught(monkeypatch, mutation):
    good_args, good_image = (gsplat_backend.rasterization_args,
                             gsplat_backend.to_image)

    def bad_args(g, camera, background):
        args = good_args(g, camera, background)
        if mutation == 'pinhole camera':
            args['camera_model'] = 'pinhole'
        elif mutation == 'scales not divided by depth':
            args['scales'] = g.scales.float()
        elif mutation == 'intrinsics transposed':
            args['Ks'] = args['Ks'].transpose(-1, -2)
        elif mutation == 'no background':
            args['backgrounds'] = None
        return args

    def bad_image(colors, alphas):
        image, alpha = good_image(colors, alphas)
        return image.transpose(-1, -2), alpha

    monkeypatch.setattr(gsplat_backend, 'rasterization_args', bad_args)
    if mutation == 'transposed image':
        monkeypatch.setattr(gsplat_backend, 'to_image', bad_image)
    assert _mismatch(monkeypatch), mutation
