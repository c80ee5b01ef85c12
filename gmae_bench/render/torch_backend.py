"""Pure-PyTorch tile rasterizer with gsplat's compositing rules (CPU or GPU).

The image is cut into ``tile_size`` tiles; each tile gets the depth-sorted
list of Gaussians whose 3-sigma box touches it (as gsplat's ``isect_tiles``).
Each (Gaussian, tile) pair's exponent ``log o - sigma`` is a quadratic in
tile-local pixel coordinates whose 6 coefficients are computed once, with
plain differentiable ops (autograd carries their gradient back to the
Gaussians). Tiles are composited front to back in chunks of ``G`` list
entries, so memory holds one chunk of ``[tiles, G, tile_size**2]`` values,
never ``B*N*H*W``. The compositing's backward pass is written by hand (a
custom ``autograd.Function``): it walks the chunks back to front and
recomputes the alphas, as gsplat's CUDA kernel does, instead of letting
autograd keep every chunk alive.

The compositing is a pluggable step (:func:`rasterize`'s ``compositor``):
backend ``'cpu'`` (``cpu_kernel.py``) keeps all of the above but hands the
tile lists to a compiled C kernel that composites per tile and pixel, front
to back with early exit, as gsplat's CUDA kernel does.

Rules shared with gsplat 1.5.3 (``RasterizeToPixels3DGSFwd.cu``):
``alpha = min(0.999, o * exp(-sigma))``, skipped below 1/255, a pixel stops
before the Gaussian that would take its transmittance to <= 1e-4, pixel
centres at ``+0.5``, and the opacity-aware 3.33-sigma box.
"""
import math
from typing import Callable, List, Tuple

import torch
from torch import Tensor

from .camera import NEAR_PLANE, Camera, effective_scales, project
from .gaussians import Gaussians

ALPHA_THRESHOLD = 1.0 / 255.0
LOG_ALPHA_THRESHOLD = math.log(ALPHA_THRESHOLD)
MAX_ALPHA = 0.999
T_STOP = 1e-4
MAX_EXTEND = 3.33
MAX_PADDING = 0.1  # see _chunk_plan
SCAN_LOOP_MAX = 32  # see _cumulative


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
        radii = torch.ceil(
            extend.unsqueeze(-1) *
            torch.stack([a, c], -1).clamp_min(0).sqrt())  # [B, N, 2]
        u, v = means2d.unbind(-1)
        keep = ((depths >= NEAR_PLANE) & (det > 0)
                & (opacities >= ALPHA_THRESHOLD)
                & (radii > 0).any(-1)
                & (u + radii[..., 0] > 0) & (u - radii[..., 0] < width)
                & (v + radii[..., 1] > 0) & (v - radii[..., 1] < height))
        radii = radii * keep.unsqueeze(-1)
    return conics, radii


@torch.no_grad()
def tile_pairs(means2d: Tensor, radii: Tensor, depths: Tensor, width: int,
               height: int, tile_size: int) -> Tuple[Tensor, Tensor, Tensor]:
    """(Gaussian, tile) pairs, grouped by tile and depth-sorted within a
    tile (gsplat ``isect_tiles`` + sort): tile row r owns the consecutive
    pairs ``starts[r] : starts[r] + counts[r]``, nearest first.

    Returns:
        gauss: flat Gaussian index ``b*N + n`` per pair. [M]
        row: tile row ``b*tiles + t`` per pair. [M]
        counts: pairs per tile row. [B * tiles]
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
    counts = torch.zeros(B * num_tiles, dtype=torch.long, device=depths.device)
    if nx.numel() == 0 or int((nx * ny).max()) == 0:
        return counts[:0], counts[:0], counts
    ox = torch.arange(int(nx.max()), device=depths.device)
    oy = torch.arange(int(ny.max()), device=depths.device)
    hit = ((ox < nx[..., None, None]) & (oy[:, None] < ny[..., None, None]))
    b, n, iy, ix = hit.nonzero(as_tuple=True)  # one row per (Gaussian, tile)
    tile = (y0[b, n] + iy) * tiles_x + (x0[b, n] + ix)
    order = torch.argsort(depths, dim=1, stable=True)
    rank = torch.empty_like(order).scatter_(
        1, order,
        torch.arange(N, device=depths.device).expand(B, N))
    key, perm = torch.sort((b * num_tiles + tile) * N + rank[b, n])
    row = key // N
    counts += torch.bincount(row, minlength=B * num_tiles)
    return (b * N + n)[perm], row, counts


class TileGrid:
    """Tile layout shared by the compositors. Pixel centres are written
    relative to their tile's centre, so every tile shares one quadratic
    basis ``[x^2, xy, y^2, x, y, 1]`` [6, P]; a pair's exponent over its
    tile is then one row of a matrix product.

    Attributes:
        width, height, tile_size: the image and its tiles, in pixels
        centres: tile centres in pixels [T, 2]
        basis: local pixel basis [6, P]
        inside: pixels inside the image (edge tiles may overhang) [T, P]
        num_tiles: T
    """

    def __init__(self, width: int, height: int, tile_size: int, like: Tensor):
        self.width, self.height, self.tile_size = width, height, tile_size
        ts = tile_size
        tiles_x, tiles_y = math.ceil(width / ts), math.ceil(height / ts)
        dev, dt = like.device, like.dtype
        r = torch.arange(ts, device=dev, dtype=dt) + 0.5 - ts / 2
        ly, lx = (t.reshape(-1) for t in torch.meshgrid(r, r, indexing='ij'))
        self.basis = torch.stack(
            [lx * lx, lx * ly, ly * ly, lx, ly,
             torch.ones_like(lx)])
        ty, tx = torch.meshgrid(
            torch.arange(tiles_y, device=dev),
            torch.arange(tiles_x, device=dev),
            indexing='ij')
        self.centres = torch.stack([tx, ty], -1).reshape(-1, 2).to(dt) * ts \
            + ts / 2
        px = self.centres[:, None, 0] + lx  # [T, P]
        py = self.centres[:, None, 1] + ly
        self.inside = (px < width) & (py < height)
        self.num_tiles = tiles_x * tiles_y


def pair_params(means2d: Tensor, conics: Tensor, colors: Tensor,
                opacities: Tensor, gauss: Tensor,
                centres: Tensor) -> Tuple[Tensor, Tensor]:
    """Each (Gaussian, tile) pair's exponent ``log o - sigma`` as a
    quadratic in tile-local pixel coordinates, and its colour (plain
    differentiable ops; one gather, so one scatter in the backward).

    Args:
        means2d: [B, N, 2]; conics: [B, N, 3]; colors: [B, N, C];
        opacities: [B, N]; gauss: flat Gaussian index per pair [M];
        centres: the pair's tile centre [M, 2]
    Returns:
        coefficients of ``[x^2, xy, y^2, x, y, 1]`` [M, 6] and colours
        [M, C].
    """
    log_o = torch.log(opacities.clamp_min(1e-30)).unsqueeze(-1)
    per_pair = torch.cat([means2d, conics, log_o, colors],
                         -1).flatten(0, 1).index_select(0, gauss)
    ux, uy = (per_pair[:, 0:2] - centres).unbind(-1)  # mean - tile centre
    a, b, c, log_o = per_pair[:, 2:6].unbind(-1)
    qx, qy = a * ux + b * uy, b * ux + c * uy  # Q u, Q = [[a, b], [b, c]]
    coeffs = torch.stack(
        [-0.5 * a, -b, -0.5 * c, qx, qy, log_o - 0.5 * (ux * qx + uy * qy)],
        -1)
    return coeffs, per_pair[:, 6:]


class _Chunk:
    """Columns ``j0 : j0 + G`` of the A active tiles' pair lists, evaluated
    at every pixel of their tiles: alphas [A, G, P] and colours [A, G, C].
    Pair index ``M`` is a transparent dummy that pads short lists."""

    def __init__(self, coeffs: Tensor, colors: Tensor, starts: Tensor,
                 counts: Tensor, rows: Tensor, j0: int, G: int, basis: Tensor,
                 clamp: bool):
        cols = torch.arange(j0, j0 + G, device=starts.device)
        idx = starts.index_select(0, rows)[:, None] + cols  # [A, G]
        idx = torch.where(cols < counts.index_select(0, rows)[:, None], idx,
                          coeffs.shape[0] - 1)
        A = idx.shape[0]
        self.idx = idx.view(-1)
        x = (coeffs.index_select(0, self.idx) @ basis).view(A, G, -1)
        # alpha below 1/255 is skipped (set to 0). The floor keeps exp on
        # its fast path: exp of -inf or of denormal results is 5-50x slower
        # on CPU; the floored values land below the threshold and are zeroed.
        x.clamp_min_(LOG_ALPHA_THRESHOLD - 10.0).exp_()  # o * exp(-sigma)
        torch.nn.functional.threshold_(x, ALPHA_THRESHOLD, 0.0)
        # clamp: some opacity exceeds MAX_ALPHA (else no alpha can)
        self.alpha = x.clamp_max_(MAX_ALPHA) if clamp else x  # [A, G, P]
        self.color = colors.index_select(0, self.idx).view(A, G, -1)
        self.cols = (j0, j0 + G)

    def after_stop(self, stop_col_rows: Tensor) -> Tensor:
        """True for entries at or after a pixel's stop column (that pixel
        composites nothing more). [A, P] -> [A, G, P] bool"""
        cols = torch.arange(*self.cols, device=self.alpha.device)
        return cols[None, :, None] >= stop_col_rows[:, None, :]


def _active_rows(counts: Tensor, row_stop: Tensor, j0: int) -> Tensor:
    """Tiles whose list reaches column j0 and with a pixel not yet stopped
    (``row_stop``: the largest stop column of each tile's pixels)."""
    return ((counts > j0) & (row_stop >= j0)).nonzero()[:, 0]


def _first_stop(stop_col: Tensor, K: int) -> int:
    """Smallest stop column of any in-image pixel (K: none stopped)."""
    inside = stop_col[stop_col >= 0]
    return int(inside.min()) if inside.numel() else K


def _with_dummy(coeffs: Tensor, colors: Tensor) -> Tuple[Tensor, Tensor]:
    """Append the transparent dummy pair (exponent far below 1/255)."""
    dummy = coeffs.new_zeros(1, 6)
    dummy[0, 5] = LOG_ALPHA_THRESHOLD - 20.0
    return (torch.cat([coeffs, dummy]),
            torch.cat([colors, colors.new_zeros(1, colors.shape[1])]))


class _RasterizeTiles(torch.autograd.Function):
    """Front-to-back compositing of per-pair quadratic exponentials over the
    tiles, with a hand-written VJP to the pair coefficients and colours."""

    @staticmethod
    def forward(ctx, coeffs, colors, background, counts, clamp, grid, width,
                height, tile_size, chunk_elems):
        C = colors.shape[1]
        B = background.shape[0]
        P = grid.basis.shape[1]
        R = counts.shape[0]
        K = int(counts.max()) if R else 0
        starts = torch.cumsum(counts, 0) - counts
        coeffs_d, colors_d = _with_dummy(coeffs, colors)
        T = coeffs.new_ones(R, P)  # transmittance so far
        out = coeffs.new_zeros(R, C, P)  # channels first: fast bmm
        # Column at which a pixel stopped (T would drop to <= 1e-4); K means
        # never, -1 marks padding pixels outside the image (their values are
        # cropped away, so their alphas need no masking).
        stop_col = torch.where(grid.inside.repeat(B, 1), K, -1)
        row_stop = stop_col.amax(1)  # [R], the last stop of a tile's pixels
        first_stop = K  # no pixel has stopped yet
        plan = _chunk_plan(counts, P, K, chunk_elems)
        for j0, G in plan:
            rows = _active_rows(counts, row_stop, j0)
            if rows.numel() == 0:
                continue
            ch = _Chunk(coeffs_d, colors_d, starts, counts, rows, j0, G,
                        grid.basis, clamp)
            T0 = T.index_select(0, rows)  # [A, P]
            cp = _cumulative(1 - ch.alpha, torch.mul, inplace=True)
            # A live pixel stops at the first column where T would fall to
            # <= T_STOP; that Gaussian is excluded (gsplat: "exclusive").
            sc = stop_col.index_select(0, rows)
            stops = (T0 * cp[:, -1] <= T_STOP) & (sc >= K)
            if bool(stops.any()):
                n_alive = (cp > (T_STOP / T0).unsqueeze(1)).sum(1)  # [A, P]
                sc = torch.where(stops, j0 + n_alive, sc)
                stop_col.index_copy_(0, rows, sc)
                row_stop.index_copy_(0, rows, sc.amax(1))
                first_stop = min(first_stop, j0 + int(n_alive[stops].min()))
            # weight of entry i: alpha_i * prod_{j<i}(1 - alpha_j), times T0
            w = ch.alpha  # turned into the weights in place, [A, G, P]
            w[:, 1:].mul_(cp[:, :-1])
            if first_stop < ch.cols[1]:
                w.masked_fill_(ch.after_stop(sc), 0.0)
                # T after the last entry each pixel composites (none: 1)
                last = (sc - j0 - 1).clamp(max=G - 1)  # [A, P]
                T_chunk = torch.gather(cp, 1,
                                       last.clamp_min(0).unsqueeze(1))[:, 0]
                T_chunk = torch.where(last >= 0, T_chunk, 1.0)
            else:
                T_chunk = cp[:, -1]
            T.index_copy_(0, rows, T0 * T_chunk)
            out.index_add_(
                0, rows,
                T0.unsqueeze(1) * torch.bmm(ch.color.transpose(1, 2), w))
        bg = background.repeat_interleave(grid.num_tiles, 0)  # [R, C]
        image = out + T.unsqueeze(1) * bg.unsqueeze(-1)
        ctx.save_for_backward(coeffs_d, colors_d, background, counts, starts,
                              T, stop_col)
        ctx.grid, ctx.cfg = grid, (B, K, tile_size, plan, clamp)
        alpha_img = from_tiles((1 - T).unsqueeze(1), B, width, height,
                               tile_size)
        ctx.mark_non_differentiable(alpha_img)
        return from_tiles(image, B, width, height, tile_size), alpha_img

    @staticmethod
    def backward(ctx, grad_image, grad_alpha):
        (coeffs_d, colors_d, background, counts, starts, T_final,
         stop_col) = ctx.saved_tensors
        grid, (B, K, tile_size, plan, clamp) = ctx.grid, ctx.cfg
        row_stop, first_stop = stop_col.amax(1), _first_stop(stop_col, K)
        g_img = to_tiles(grad_image, tile_size)  # [R, C, P]
        bg = background.repeat_interleave(grid.num_tiles, 0)
        # s_after: grad . (colour composited behind the current chunk)
        s_after = T_final * (g_img * bg.unsqueeze(-1)).sum(1)  # [R, P]
        T_after = T_final.clone()
        g_coeffs = torch.zeros_like(coeffs_d)  # [M + 1, 6]
        g_colors = torch.zeros_like(colors_d)  # [M + 1, C]
        for j0, G in reversed(plan):
            rows = _active_rows(counts, row_stop, j0)
            if rows.numel() == 0:
                continue
            ch = _Chunk(coeffs_d, colors_d, starts, counts, rows, j0, G,
                        grid.basis, clamp)
            alpha = ch.alpha  # [A, G, P]
            if first_stop < ch.cols[1]:
                alpha.masked_fill_(
                    ch.after_stop(stop_col.index_select(0, rows)), 0.0)
            at_max = alpha >= MAX_ALPHA if clamp else None
            one_minus = 1 - alpha
            cp = _cumulative(one_minus, torch.mul)
            # T before this chunk, [A, P]
            T0 = T_after.index_select(0, rows) / cp[:, -1]
            ratio = alpha.div_(one_minus)  # alpha / (1 - alpha), in place
            w = cp.mul_(ratio)  # alpha_i T_i / T0, [A, G, P]
            # T0 folded into the (small) image gradient, [A, C, P]
            gC = g_img.index_select(0, rows) * T0.unsqueeze(1)
            wc = torch.bmm(ch.color, gC).mul_(w)  # alpha_i T_i c_i . grad
            cs = _cumulative(wc, torch.add)
            # all colour from this chunk on, [A, P]
            total = cs[:, -1] + s_after.index_select(0, rows)
            # behind_i = total - cs_i: colour behind entry i (later entries,
            # later chunks, background). d C / d alpha_i = T_i c_i -
            # behind_i / (1 - alpha_i); times d alpha / d (log o - sigma) =
            # alpha (unclamped entries)
            g_logit = torch.addcmul(wc, ratio, cs.sub_(total.unsqueeze(1)))
            if at_max is not None:
                g_logit.masked_fill_(at_max, 0.0)
            # d (log o - sigma) / d coefficients = the basis
            g_coeffs.index_add_(
                0, ch.idx,
                g_logit.flatten(0, 1) @ grid.basis.T)  # [A * G, 6]
            g_colors.index_add_(
                0, ch.idx,
                torch.einsum('agp,acp->agc', w, gC).flatten(0, 1))
            s_after.index_copy_(0, rows, total)
            T_after.index_copy_(0, rows, T0)
        return (g_coeffs[:-1], g_colors[:-1], None, None, None, None, None,
                None, None, None)


def _cumulative(x: Tensor, op, inplace: bool = False) -> Tensor:
    """Inclusive scan along dim 1 with ``op`` (torch.mul: cumprod,
    torch.add: cumsum). Short lists are scanned one column at a time,
    which on CPU beats torch.cumprod / cumsum along a middle dim."""
    G = x.shape[1]
    if G > SCAN_LOOP_MAX:
        y = torch.cumprod(x, 1) if op is torch.mul else torch.cumsum(x, 1)
        return x.copy_(y) if inplace else y
    y = x if inplace else torch.empty_like(x)
    if not inplace:
        y[:, 0] = x[:, 0]
    for i in range(1, G):
        op(y[:, i - 1], x[:, i], out=y[:, i])
    return y


def _chunk_plan(counts: Tensor,
                P: int,
                K: int,
                chunk_elems: int,
                max_padding: float = MAX_PADDING) -> List[Tuple[int, int]]:
    """Column ranges ``(j0, G)`` that cover the tile lists, front to back.

    A chunk starting at column j0 holds the A tiles whose list reaches j0.
    It widens while it stays under ~chunk_elems values (A * G * P) and the
    padding slots of lists ending inside it stay under ``max_padding`` of
    its slots: short lists get wide chunks, the few long lists at crowded
    tiles get few, narrow ones.
    """
    per_len = torch.bincount(counts, minlength=K + 1)[1:]  # lists of len j+1
    active = per_len.flip(0).cumsum(0).flip(0).tolist()  # lists > j, [K]
    plan, j0 = [], 0
    while j0 < K and active[j0] > 0:
        A = active[j0]
        cap = max(1, min(chunk_elems // (A * P), K - j0))
        G, used = 1, A
        while G < cap and A * (G + 1) - (used + active[j0 + G]) <= \
                max_padding * A * (G + 1):
            used += active[j0 + G]
            G += 1
        plan.append((j0, G))
        j0 += G
    return plan


def to_tiles(img: Tensor, tile_size: int) -> Tensor:
    """[B, C, H, W] -> [B * tiles, C, tile_size**2] (zero padded)."""
    B, C, H, W = img.shape
    ty, tx = math.ceil(H / tile_size), math.ceil(W / tile_size)
    img = torch.nn.functional.pad(
        img, (0, tx * tile_size - W, 0, ty * tile_size - H))
    img = img.view(B, C, ty, tile_size, tx, tile_size)
    return img.permute(0, 2, 4, 1, 3, 5).reshape(B * ty * tx, C, -1)


def from_tiles(x: Tensor, B: int, width: int, height: int,
               tile_size: int) -> Tensor:
    """[B * tiles, C, tile_size**2] -> [B, C, H, W]."""
    ty, tx = math.ceil(height / tile_size), math.ceil(width / tile_size)
    C = x.shape[1]
    x = x.view(B, ty, tx, C, tile_size, tile_size).permute(0, 3, 1, 4, 2, 5)
    x = x.reshape(B, C, ty * tile_size, tx * tile_size)
    return x[:, :, :height, :width]


def composite_chunked(coeffs: Tensor,
                      colors: Tensor,
                      background: Tensor,
                      counts: Tensor,
                      clamp: bool,
                      grid: TileGrid,
                      chunk_elems: int = 1 << 20) -> Tuple[Tensor, Tensor]:
    """The pure-PyTorch compositor: tile lists composited front to back in
    chunks of ~``chunk_elems`` values, with a hand-written backward.

    Args:
        coeffs: per-pair exponent coefficients [M, 6] (:func:`pair_params`)
        colors: per-pair colours [M, C]
        background: [B, C]; counts: pairs per tile row [B * tiles]
        clamp: whether alphas can exceed MAX_ALPHA (some opacity does)
    Returns:
        image [B, C, H, W] and alpha = 1 - final transmittance
        [B, 1, H, W].
    """
    return _RasterizeTiles.apply(coeffs, colors, background, counts, clamp,
                                 grid, grid.width, grid.height, grid.tile_size,
                                 chunk_elems)


def rasterize(
        means2d: Tensor,
        conics: Tensor,
        radii: Tensor,
        depths: Tensor,
        colors: Tensor,
        opacities: Tensor,
        background: Tensor,
        width: int,
        height: int,
        tile_size: int = 8,
        compositor: Callable = composite_chunked) -> Tuple[Tensor, Tensor]:
    """Composite projected Gaussians front to back.

    Args:
        means2d: [B, N, 2]; conics: [B, N, 3]; radii: [B, N, 2] (0 = culled)
        depths: [B, N]; colors: [B, N, C]; opacities: [B, N]
        background: [B, C], added with the final transmittance.
        compositor: what composites the tile lists
            (:func:`composite_chunked`, or the compiled
            ``cpu_kernel.composite_compiled``), with its signature.
    Returns:
        image [B, C, H, W] (differentiable w.r.t. means2d, conics, colors
        and opacities) and alpha = 1 - final transmittance [B, 1, H, W].
    """
    gauss, row, counts = tile_pairs(means2d, radii, depths, width, height,
                                    tile_size)
    grid = TileGrid(width, height, tile_size, means2d)
    centres = grid.centres.index_select(0, row % grid.num_tiles)  # [M, 2]
    coeffs, pair_colors = pair_params(means2d, conics, colors, opacities,
                                      gauss, centres)  # [M, 6], [M, C]
    # alphas clamp at MAX_ALPHA only if some opacity exceeds it
    clamp = bool((opacities > MAX_ALPHA).any())
    return compositor(coeffs, pair_colors, background, counts, clamp, grid)


def project_for_tiles(g: Gaussians, camera: Camera):
    """Projection, conics and culling boxes of :func:`render_torch`:
    (means2d, conics, radii, depths)."""
    scales = effective_scales(g.means, g.scales, camera)
    means2d, cov2d, depths = project(g.means, g.quats, scales, camera)
    conics, radii = conics_and_radii(means2d, cov2d, depths, g.opacities,
                                     camera.width, camera.height)
    return means2d, conics, radii, depths


def render_torch(
        gaussians: Gaussians,
        camera: Camera,
        background: Tensor,
        tile_size: int = 8,
        compositor: Callable = composite_chunked) -> Tuple[Tensor, Tensor]:
    """Project and rasterize with PyTorch ops only (see module docstring)."""
    means2d, conics, radii, depths = project_for_tiles(gaussians, camera)
    return rasterize(means2d, conics, radii, depths, gaussians.colors,
                     gaussians.opacities, background, camera.width,
                     camera.height, tile_size, compositor)
