"""Pure-PyTorch tile rasterizer with gsplat's compositing rules (CPU or GPU).

The image is cut into ``tile_size`` tiles; each tile gets the depth-sorted
list of Gaussians whose 3-sigma box touches it (as gsplat's ``isect_tiles``).
Tiles are composited front to back in chunks of ``G`` list entries, so memory
holds one chunk of ``[tiles, G, tile_size**2]`` values, never ``B*N*H*W``.
The backward pass is written by hand (a custom ``autograd.Function``): it walks
the chunks back to front and recomputes the alphas, as gsplat's CUDA kernel
does, instead of letting autograd keep every chunk alive.

Rules shared with gsplat 1.5.3 (``RasterizeToPixels3DGSFwd.cu``):
``alpha = min(0.999, o * exp(-sigma))``, skipped below 1/255, a pixel stops
before the Gaussian that would take its transmittance to <= 1e-4, pixel
centres at ``+0.5``, and the opacity-aware 3.33-sigma box.
"""
import math
from typing import Tuple

import torch
from torch import Tensor

from .camera import NEAR_PLANE, Camera, effective_scales, project
from .gaussians import Gaussians

ALPHA_THRESHOLD = 1.0 / 255.0
MAX_ALPHA = 0.999
T_STOP = 1e-4
MAX_EXTEND = 3.33


def conics_and_radii(means2d: Tensor, cov2d: Tensor, depths: Tensor,
                     opacities: Tensor, width: int,
                     height: int) -> Tuple[Tensor, Tensor]:
    """Inverse 2D covariances and gsplat's culling boxes.

    Args:
        means2d: [B, N, 2]; cov2d: [B, N, 2, 2]; depths, opacities: [B, N]
    Returns:
        conics (a, b, c) with ``sigma = a dx^2/2 + c dy^2/2 + b dx dy``
        [B, N, 3], and integer box radii (0 = culled) [B, N, 2].
    """
    a, b = cov2d[..., 0, 0], cov2d[..., 0, 1]
    c = cov2d[..., 1, 1]
    det = a * c - b * b
    conics = torch.stack([c / det, -b / det, a / det], dim=-1)
    with torch.no_grad():
        o = opacities.clamp_min(ALPHA_THRESHOLD)
        extend = torch.sqrt(2 * torch.log(o / ALPHA_THRESHOLD))
        extend = extend.clamp_max(MAX_EXTEND)
        radii = torch.ceil(extend.unsqueeze(-1) * torch.stack(
            [a, c], -1).clamp_min(0).sqrt())  # [B, N, 2]
        u, v = means2d.unbind(-1)
        keep = ((depths >= NEAR_PLANE) & (det > 0)
                & (opacities >= ALPHA_THRESHOLD)
                & (radii > 0).any(-1)
                & (u + radii[..., 0] > 0) & (u - radii[..., 0] < width)
                & (v + radii[..., 1] > 0) & (v - radii[..., 1] < height))
        radii = radii * keep.unsqueeze(-1)
    return conics, radii


@torch.no_grad()
def tile_lists(means2d: Tensor, radii: Tensor, depths: Tensor, width: int,
               height: int, tile_size: int) -> Tuple[Tensor, Tensor]:
    """Depth-sorted Gaussian list per tile (gsplat ``isect_tiles``).

    Returns:
        table: flat Gaussian index ``b*N + n`` per tile, front to back,
            padded with -1. [B * tiles, Kmax]
        counts: list length per tile. [B * tiles]
    """
    B, N = depths.shape
    tiles_x = math.ceil(width / tile_size)
    tiles_y = math.ceil(height / tile_size)
    num_tiles = tiles_x * tiles_y
    u, v = (means2d / tile_size).unbind(-1)
    rx, ry = (radii / tile_size).unbind(-1)
    x0 = torch.floor(u - rx).clamp(0, tiles_x).long()
    x1 = torch.ceil(u + rx).clamp(0, tiles_x).long()
    y0 = torch.floor(v - ry).clamp(0, tiles_y).long()
    y1 = torch.ceil(v + ry).clamp(0, tiles_y).long()
    visible = (radii > 0).all(-1)
    nx, ny = (x1 - x0) * visible, (y1 - y0) * visible  # [B, N]
    counts = torch.zeros(B * num_tiles, dtype=torch.long,
                         device=depths.device)
    if nx.numel() == 0 or int((nx * ny).max()) == 0:
        return counts.new_full((B * num_tiles, 0), -1), counts
    ox = torch.arange(int(nx.max()), device=depths.device)
    oy = torch.arange(int(ny.max()), device=depths.device)
    hit = ((ox < nx[..., None, None]) & (oy[:, None] < ny[..., None, None]))
    b, n, iy, ix = hit.nonzero(as_tuple=True)  # one row per (Gaussian, tile)
    tile = (y0[b, n] + iy) * tiles_x + (x0[b, n] + ix)
    order = torch.argsort(depths, dim=1, stable=True)
    rank = torch.empty_like(order).scatter_(
        1, order, torch.arange(N, device=depths.device).expand(B, N))
    key, perm = torch.sort((b * num_tiles + tile) * N + rank[b, n])
    row = key // N
    gid = (b * N + n)[perm]
    counts += torch.bincount(row, minlength=B * num_tiles)
    starts = torch.cumsum(counts, 0) - counts
    within = torch.arange(row.numel(), device=row.device) - starts[row]
    table = counts.new_full((B * num_tiles, int(counts.max())), -1)
    table[row, within] = gid
    return table, counts


def _pixel_centres(width: int, height: int, tile_size: int,
                   like: Tensor) -> Tuple[Tensor, Tensor]:
    """Pixel centres per tile [tiles, P, 2] and a mask of in-image pixels."""
    tiles_x = math.ceil(width / tile_size)
    tiles_y = math.ceil(height / tile_size)
    r = torch.arange(tile_size, device=like.device)
    ty, tx, iy, ix = torch.meshgrid(
        torch.arange(tiles_y, device=like.device),
        torch.arange(tiles_x, device=like.device), r, r, indexing='ij')
    y, x = ty * tile_size + iy, tx * tile_size + ix
    inside = ((x < width) & (y < height)).reshape(tiles_y * tiles_x, -1)
    xy = torch.stack([x, y], -1).to(like.dtype) + 0.5
    return xy.reshape(tiles_y * tiles_x, tile_size * tile_size, 2), inside


class _Chunk:
    """One chunk of tile-list columns, evaluated at every pixel of its tiles.

    Shapes: A active tiles, G list entries, P pixels per tile.
    """

    def __init__(self, params: Tuple[Tensor, ...], table: Tensor, rows: Tensor,
                 j0: int, G: int, pix: Tensor, num_tiles: int):
        means2d, conics, colors, opacities = params
        self.idx = table[rows, j0:j0 + G]  # [A, G], -1 = padding
        self.idx = torch.where(self.idx < 0, means2d.shape[0] - 1, self.idx)
        xy = pix[rows % num_tiles]  # [A, P, 2]
        m = means2d[self.idx]  # [A, G, 2]
        self.dx = m[..., 0:1] - xy[:, None, :, 0]  # [A, G, P]
        self.dy = m[..., 1:2] - xy[:, None, :, 1]
        a, b, c = conics[self.idx].unbind(-1)  # [A, G] each
        self.abc = a[..., None], b[..., None], c[..., None]
        sigma = (0.5 * (self.abc[0] * self.dx**2 + self.abc[2] * self.dy**2)
                 + self.abc[1] * self.dx * self.dy)
        self.vis = torch.exp(-sigma)
        self.raw = opacities[self.idx][..., None] * self.vis  # o*exp(-sigma)
        alpha = self.raw.clamp_max(MAX_ALPHA)
        self.valid = (sigma >= 0) & (alpha >= ALPHA_THRESHOLD)
        self.alpha = torch.where(self.valid, alpha, torch.zeros_like(alpha))
        self.color = colors[self.idx]  # [A, G, C]
        self.cols = torch.arange(j0, j0 + self.idx.shape[1],
                                 device=rows.device)[None, :, None]

    def included_alpha(self, stop_col_rows: Tensor) -> Tensor:
        """Alphas of the Gaussians each pixel composites (else 0). [A, G, P]"""
        keep = self.cols < stop_col_rows[:, None, :]
        return torch.where(keep, self.alpha, torch.zeros_like(self.alpha))


def _active_rows(counts: Tensor, stop_col: Tensor, j0: int) -> Tensor:
    """Tiles whose list reaches column j0 and with a pixel not yet stopped."""
    return ((counts > j0) & (stop_col.amax(1) >= j0)).nonzero()[:, 0]


def _exclusive_cumprod(x: Tensor) -> Tensor:
    ones = torch.ones_like(x[:, :1])
    return torch.cumprod(torch.cat([ones, x[:, :-1]], 1), 1)


class _RasterizeTiles(torch.autograd.Function):
    """Front-to-back compositing over tile lists with a hand-written VJP."""

    @staticmethod
    def forward(ctx, means2d, conics, colors, opacities, background, table,
                counts, width, height, tile_size, chunk_elems):
        B, N, C = colors.shape
        pix, inside = _pixel_centres(width, height, tile_size, means2d)
        num_tiles, P = pix.shape[:2]
        R, K = table.shape
        # Flatten the batch and append one dummy Gaussian (opacity 0) that
        # the -1 padding points at.
        params = _flat_params(means2d, conics, colors, opacities)
        T = means2d.new_ones(R, P)  # transmittance so far
        out = means2d.new_zeros(R, P, C)
        # Column at which a pixel stopped (T would drop to <= 1e-4); K means
        # never, -1 marks padding pixels outside the image.
        stop_col = torch.where(inside.repeat(B, 1), K, -1)
        G = _chunk_width(counts, P, K, chunk_elems)
        for j0 in range(0, K, G):
            rows = _active_rows(counts, stop_col, j0)
            if rows.numel() == 0:
                continue
            ch = _Chunk(params, table, rows, j0, G, pix, num_tiles)
            T0, sc = T[rows], stop_col[rows]
            # First column where T would fall to <= T_STOP: the pixel stops
            # there, that Gaussian excluded (gsplat: "exclusive").
            t_all = T0[:, None] * torch.cumprod(1 - ch.alpha, 1)  # [A, G, P]
            n_alive = (t_all > T_STOP).sum(1)  # [A, P]
            stops = (n_alive < ch.alpha.shape[1]) & (sc >= K)
            sc = torch.where(stops, j0 + n_alive, sc)
            stop_col[rows] = sc
            alpha = ch.included_alpha(sc)
            one_minus = 1 - alpha
            w = alpha * T0[:, None] * _exclusive_cumprod(one_minus)
            out[rows] += torch.bmm(w.transpose(1, 2), ch.color)  # [A, P, C]
            T[rows] = T0 * torch.prod(one_minus, 1)
        bg = background.repeat_interleave(num_tiles, 0)  # [R, C]
        image = out + T.unsqueeze(-1) * bg.unsqueeze(1)
        ctx.save_for_backward(means2d, conics, colors, opacities, background,
                              table, counts, T, stop_col)
        ctx.cfg = (width, height, tile_size, G)
        alpha_img = _untile((1 - T).unsqueeze(-1), B, width, height, tile_size)
        ctx.mark_non_differentiable(alpha_img)
        return _untile(image, B, width, height, tile_size), alpha_img

    @staticmethod
    def backward(ctx, grad_image, grad_alpha):
        (means2d, conics, colors, opacities, background, table, counts,
         T_final, stop_col) = ctx.saved_tensors
        width, height, tile_size, G = ctx.cfg
        B, N, C = colors.shape
        pix, _ = _pixel_centres(width, height, tile_size, means2d)
        num_tiles = pix.shape[0]
        K = table.shape[1]
        params = _flat_params(means2d, conics, colors, opacities)
        g_img = _tile(grad_image, tile_size)  # [R, P, C]
        bg = background.repeat_interleave(num_tiles, 0)
        # s_after: grad . (colour composited behind the current chunk)
        s_after = T_final * (g_img * bg.unsqueeze(1)).sum(-1)  # [R, P]
        T_after = T_final.clone()
        grads = [torch.zeros_like(p) for p in params]
        for j0 in reversed(range(0, K, G)):
            rows = _active_rows(counts, stop_col, j0)
            if rows.numel() == 0:
                continue
            ch = _Chunk(params, table, rows, j0, G, pix, num_tiles)
            alpha = ch.included_alpha(stop_col[rows])  # [A, G, P]
            one_minus = 1 - alpha
            T0 = T_after[rows] / torch.prod(one_minus, 1)  # T before chunk
            T_excl = T0[:, None] * _exclusive_cumprod(one_minus)
            w = alpha * T_excl  # [A, G, P]
            gC = g_img[rows]  # [A, P, C]
            cg = torch.bmm(ch.color, gC.transpose(1, 2))  # c . grad, [A,G,P]
            wc = w * cg
            behind = (torch.flip(torch.cumsum(torch.flip(wc, [1]), 1), [1])
                      - wc + s_after[rows][:, None])
            g_alpha = T_excl * cg - behind / one_minus
            g_alpha = torch.where(
                (alpha > 0) & (ch.raw <= MAX_ALPHA), g_alpha,
                torch.zeros_like(g_alpha))
            g_sigma = -g_alpha * ch.raw  # d alpha / d sigma = -o exp(-sigma)
            a, b, c = ch.abc
            dx, dy = ch.dx, ch.dy
            g_mean = torch.stack([
                (g_sigma * (a * dx + b * dy)).sum(-1),
                (g_sigma * (c * dy + b * dx)).sum(-1)], -1)
            g_conic = torch.stack([
                0.5 * (g_sigma * dx * dx).sum(-1),
                (g_sigma * dx * dy).sum(-1),
                0.5 * (g_sigma * dy * dy).sum(-1)], -1)
            g_color = torch.bmm(w, gC)  # [A, G, C]
            g_opac = (g_alpha * ch.vis).sum(-1)
            flat = ch.idx.reshape(-1)
            for acc, g in zip(grads, (g_mean, g_conic, g_color, g_opac)):
                acc.index_add_(0, flat, g.reshape(flat.numel(), *acc.shape[1:]))
            s_after[rows] += wc.sum(1)
            T_after[rows] = T0
        g_means, g_conics, g_colors, g_opac = (
            g[:-1].view(B, N, *g.shape[1:]) for g in grads)
        return (g_means, g_conics, g_colors, g_opac, None, None, None, None,
                None, None, None)


def _flat_params(means2d: Tensor, conics: Tensor, colors: Tensor,
                 opacities: Tensor) -> Tuple[Tensor, ...]:
    """[B, N, ...] -> [B*N + 1, ...], the last row a transparent dummy."""
    out = []
    for t in (means2d, conics, colors, opacities):
        flat = t.reshape(-1, *t.shape[2:])
        out.append(torch.cat([flat, torch.zeros_like(flat[:1])], 0))
    return tuple(out)


def _chunk_width(counts: Tensor, P: int, K: int, chunk_elems: int) -> int:
    """List entries per chunk so that a chunk holds ~chunk_elems values."""
    rows = max(int((counts > 0).sum()), 1)
    return int(min(max(chunk_elems // (rows * P), 1), max(K, 1)))


def _tile(img: Tensor, tile_size: int) -> Tensor:
    """[B, C, H, W] -> [B * tiles, tile_size**2, C] (zero padded)."""
    B, C, H, W = img.shape
    ty, tx = math.ceil(H / tile_size), math.ceil(W / tile_size)
    img = torch.nn.functional.pad(
        img, (0, tx * tile_size - W, 0, ty * tile_size - H))
    img = img.view(B, C, ty, tile_size, tx, tile_size)
    return img.permute(0, 2, 4, 3, 5, 1).reshape(B * ty * tx, -1, C)


def _untile(x: Tensor, B: int, width: int, height: int,
            tile_size: int) -> Tensor:
    """[B * tiles, tile_size**2, C] -> [B, C, H, W]."""
    ty, tx = math.ceil(height / tile_size), math.ceil(width / tile_size)
    C = x.shape[-1]
    x = x.view(B, ty, tx, tile_size, tile_size, C).permute(0, 5, 1, 3, 2, 4)
    x = x.reshape(B, C, ty * tile_size, tx * tile_size)
    return x[:, :, :height, :width]


def rasterize(means2d: Tensor, conics: Tensor, radii: Tensor, depths: Tensor,
              colors: Tensor, opacities: Tensor, background: Tensor,
              width: int, height: int, tile_size: int = 16,
              chunk_elems: int = 1 << 22) -> Tuple[Tensor, Tensor]:
    """Composite projected Gaussians front to back.

    Args:
        means2d: [B, N, 2]; conics: [B, N, 3]; radii: [B, N, 2] (0 = culled)
        depths: [B, N]; colors: [B, N, C]; opacities: [B, N]
        background: [B, C], added with the final transmittance.
        chunk_elems: Values per chunk (``tiles * G * tile_size**2``); bounds
            memory, not results.
    Returns:
        image [B, C, H, W] (differentiable w.r.t. means2d, conics, colors
        and opacities) and alpha = 1 - final transmittance [B, 1, H, W].
    """
    table, counts = tile_lists(means2d, radii, depths, width, height,
                               tile_size)
    return _RasterizeTiles.apply(means2d, conics, colors, opacities,
                                 background, table, counts, width, height,
                                 tile_size, chunk_elems)


def render_torch(gaussians: Gaussians, camera: Camera, background: Tensor,
                 tile_size: int = 16,
                 chunk_elems: int = 1 << 22) -> Tuple[Tensor, Tensor]:
    """Project and rasterize with PyTorch ops only (see module docstring)."""
    g = gaussians
    scales = effective_scales(g.means, g.scales, camera)
    means2d, cov2d, depths = project(g.means, g.quats, scales, camera)
    conics, radii = conics_and_radii(means2d, cov2d, depths, g.opacities,
                                     camera.width, camera.height)
    return rasterize(means2d, conics, radii, depths, g.colors, g.opacities,
                     background, camera.width, camera.height, tile_size,
                     chunk_elems)
