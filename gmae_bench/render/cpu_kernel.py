"""Compiled CPU compositor (``csrc/tile_composite.c``), called via ctypes.

It replaces only the compositing step of the torch backend
(:func:`composite_compiled` is a ``rasterize`` compositor): projection,
tile lists and per-pair coefficients stay the same PyTorch code, so the
two backends differ only in how a tile's list is composited (per-pixel
loops with early exit here, chunked tensor ops there). The compositing
rules (alpha threshold and clamp, transmittance stop) reach the kernel
from ``torch_backend``'s constants, the buffer limits as compile flags.
The C file is built on first use with the system C compiler into a
per-user cache
(``$GMAE_BENCH_CACHE`` or ``~/.cache/gmae_bench``), keyed by its source, the
flags and the CPU; it is a plain C ABI (no torch headers), so a build takes
about a second. Tiles are split among ``torch.get_num_threads()`` threads
(ctypes releases the GIL); each pair belongs to one tile, so no write is
shared and results do not depend on the thread count.
"""
import ctypes
import hashlib
import os
import os.path as osp
import platform
import shutil
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Optional, Tuple

import torch
from torch import Tensor

from .camera import Camera
from .gaussians import Gaussians
from .torch_backend import (ALPHA_THRESHOLD, LOG_ALPHA_THRESHOLD, MAX_ALPHA,
                            T_STOP, TileGrid, from_tiles, render_torch)

SOURCE = osp.join(
    osp.dirname(osp.abspath(__file__)), 'csrc', 'tile_composite.c')
# -ffast-math lets gcc vectorise expf (glibc's libmvec). It is given to the
# compile step only: linking with it would add crtfastmath.o, which turns
# on flush-to-zero for the whole process.
MAX_TILE_SIZE = 16
MAX_CHANNELS = 8
COMPILE_FLAGS = [
    '-O3', '-march=native', '-ffast-math', '-fPIC', '-std=c99',
    f'-DGMAE_MAX_P={MAX_TILE_SIZE**2}', f'-DGMAE_MAX_C={MAX_CHANNELS}'
]
LINK_FLAGS = ['-shared', '-lmvec', '-lm']

_lock = threading.Lock()
_lib = None
_error: Optional[str] = None
_pool: Optional[Tuple[ThreadPoolExecutor, int, int]] = None  # pool, n, pid


class _Setup(ctypes.Structure):
    _fields_ = [('coeffs', ctypes.c_void_p), ('colors', ctypes.c_void_p),
                ('starts', ctypes.c_void_p), ('counts', ctypes.c_void_p),
                ('background', ctypes.c_void_p), ('local_xy', ctypes.c_void_p),
                ('inside', ctypes.c_void_p), ('num_tiles', ctypes.c_int64),
                ('C', ctypes.c_int), ('tile_size', ctypes.c_int),
                ('clamp', ctypes.c_int), ('alpha_min', ctypes.c_float),
                ('alpha_max', ctypes.c_float), ('t_stop', ctypes.c_float),
                ('log_floor', ctypes.c_float)]


def _cpu_key() -> str:
    """What -march=native depends on: the CPU model and its flags."""
    info = ''
    try:
        with open('/proc/cpuinfo') as f:
            info = ''.join(
                line for line in f
                if line.startswith(('model name', 'flags')))[:4096]
    except OSError:
        info = platform.processor()
    return platform.machine() + info


def cache_dir() -> str:
    return os.environ.get('GMAE_BENCH_CACHE') or osp.join(
        osp.expanduser('~'), '.cache', 'gmae_bench')


def library_path() -> str:
    """Where the build for this source, flags and CPU goes."""
    h = hashlib.sha256()
    with open(SOURCE, 'rb') as f:
        h.update(f.read())
    h.update(' '.join(COMPILE_FLAGS + LINK_FLAGS).encode())
    h.update(_cpu_key().encode())
    return osp.join(cache_dir(), f'tile_composite_{h.hexdigest()[:16]}.so')


def compile_library(path: str) -> None:
    """Build the shared library and move it into place atomically (other
    processes may build the same file at the same time)."""
    cc = os.environ.get('CC') or shutil.which('cc') or shutil.which('gcc')
    if cc is None:
        raise RuntimeError('no C compiler (cc/gcc) on PATH')
    os.makedirs(osp.dirname(path), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=osp.dirname(path)) as tmp:
        obj, lib = osp.join(tmp, 'k.o'), osp.join(tmp, 'k.so')
        compile_cmd = [cc, *COMPILE_FLAGS, '-c', SOURCE, '-o', obj]
        for cmd in (compile_cmd, [cc, obj, '-o', lib, *LINK_FLAGS]):
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode != 0:
                raise RuntimeError(f"'{' '.join(cmd)}' failed:\n"
                                   f'{proc.stderr[-2000:]}')
        os.replace(lib, path)


def load() -> ctypes.CDLL:
    """The compiled kernel, built on first use. RuntimeError says why it
    cannot be built (no compiler, compile error)."""
    global _lib, _error
    with _lock:
        if _lib is None and _error is None:
            try:
                path = library_path()
                if not osp.isfile(path):
                    compile_library(path)
                lib = ctypes.CDLL(path)
                # (setup, r_begin, r_end, r_step, then 3 / 5 data pointers)
                head = [ctypes.POINTER(_Setup)] + [ctypes.c_int64] * 3
                for name, n_ptrs in (('gmae_composite_forward', 3),
                                     ('gmae_composite_backward', 5)):
                    fn = getattr(lib, name)
                    fn.argtypes = head + [ctypes.c_void_p] * n_ptrs
                    fn.restype = None
                _lib = lib
            except (OSError, RuntimeError) as e:
                _error = f'{type(e).__name__}: {e}'
        if _lib is None:
            raise RuntimeError('the compiled CPU compositor is unavailable '
                               f"(use backend='torch'): {_error}")
        return _lib


def available() -> bool:
    """True if the kernel is built (or builds now) and loads."""
    try:
        load()
    except RuntimeError:
        return False
    return True


def _ptr(t: Tensor) -> ctypes.c_void_p:
    return ctypes.c_void_p(t.data_ptr())


def _run_tiles(fn, setup: _Setup, R: int, *args) -> None:
    """Call ``fn(setup, r0, R, step, *args)`` for interleaved tile sets on
    torch.get_num_threads() threads."""
    global _pool
    n = max(1, min(torch.get_num_threads(), R))
    if n == 1:
        fn(ctypes.byref(setup), 0, R, 1, *args)
        return
    with _lock:
        # a forked child (dataloader worker) inherits no threads: new pool
        if _pool is None or _pool[1] < n or _pool[2] != os.getpid():
            pool = ThreadPoolExecutor(n, thread_name_prefix='gmae_render')
            _pool = (pool, n, os.getpid())
    jobs = [
        _pool[0].submit(fn, ctypes.byref(setup), t, R, n, *args)
        for t in range(n)
    ]
    for job in jobs:
        job.result()


class CompositeTiles(torch.autograd.Function):
    """Composite per-pair coefficients [M, 6] and colours [M, C] (tile
    rows own consecutive pairs, ``counts`` per row) over the tiles of
    ``grid`` (:class:`TileGrid`): the image in tiles [R, C, P] and the
    final transmittance [R, P]. Computes in float32."""

    @staticmethod
    def forward(ctx, coeffs: Tensor, colors: Tensor, background: Tensor,
                counts: Tensor, clamp: bool, grid,
                tile_size: int) -> Tuple[Tensor, Tensor]:
        lib = load()
        R, C, P = counts.shape[0], colors.shape[1], tile_size * tile_size
        if tile_size > MAX_TILE_SIZE or C > MAX_CHANNELS:
            raise ValueError(f'compiled compositor: tile_size <= '
                             f'{MAX_TILE_SIZE} and <= {MAX_CHANNELS} '
                             f'channels, got {tile_size} and {C}')
        data = [
            x.detach().float().contiguous()
            for x in (coeffs, colors, background, grid.basis[3:5])
        ]
        counts = counts.contiguous()
        starts = torch.cumsum(counts, 0) - counts
        inside = grid.inside.to(torch.uint8).contiguous()
        ctx.setup = _Setup(*map(_ptr, data[:2]), _ptr(starts), _ptr(counts),
                           *map(_ptr, data[2:]),
                           _ptr(inside), grid.num_tiles, C, tile_size,
                           int(clamp), ALPHA_THRESHOLD, MAX_ALPHA, T_STOP,
                           LOG_ALPHA_THRESHOLD - 10.0)
        image = coeffs.new_empty(R, C, P, dtype=torch.float32)
        T = coeffs.new_empty(R, P, dtype=torch.float32)
        stop = torch.empty(R, P, dtype=torch.int32)
        _run_tiles(lib.gmae_composite_forward, ctx.setup, R, _ptr(image),
                   _ptr(T), _ptr(stop))
        # keeps alive every tensor ctx.setup points into
        ctx.save_for_backward(*data, counts, starts, inside, T, stop)
        ctx.mark_non_differentiable(T)
        return image.to(coeffs.dtype), T.to(coeffs.dtype)

    @staticmethod
    def backward(ctx, grad_image: Tensor, grad_T: Tensor):
        coeffs, colors, *_, T, stop = ctx.saved_tensors
        grad = grad_image.float().contiguous()
        g_coeffs = torch.zeros_like(coeffs)
        g_colors = torch.zeros_like(colors)
        _run_tiles(load().gmae_composite_backward, ctx.setup, T.shape[0],
                   _ptr(grad), _ptr(T), _ptr(stop), _ptr(g_coeffs),
                   _ptr(g_colors))
        return (g_coeffs, g_colors) + (None, ) * 5


def composite_compiled(coeffs: Tensor, colors: Tensor, background: Tensor,
                       counts: Tensor, clamp: bool,
                       grid: TileGrid) -> Tuple[Tensor, Tensor]:
    """The compiled compositor (``torch_backend.rasterize``'s
    ``compositor``): image [B, C, H, W] and alpha [B, 1, H, W]."""
    B = background.shape[0]
    tiles, T = CompositeTiles.apply(coeffs, colors, background, counts, clamp,
                                    grid, grid.tile_size)
    size = (B, grid.width, grid.height, grid.tile_size)
    return from_tiles(tiles, *size), from_tiles((1 - T).unsqueeze(1), *size)


def render_cpu(gaussians: Gaussians,
               camera: Camera,
               background: Tensor,
               tile_size: int = 16) -> Tuple[Tensor, Tensor]:
    """The torch backend with its compositing done by the compiled C
    kernel (CPU tensors; float32 compositing)."""
    if gaussians.means.device.type != 'cpu':
        raise ValueError("renderer backend='cpu' needs CPU tensors; use "
                         "'gsplat' or 'torch' on CUDA")
    return render_torch(
        gaussians,
        camera,
        background,
        tile_size=tile_size,
        compositor=composite_compiled)
