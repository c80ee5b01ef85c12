"""Renderer speed and memory, side by side in one run.

For each backend (the tiled torch backend, the same with the compiled C
compositor ('cpu'), the naive dense reference, and gsplat on CUDA) a fresh
worker process renders the same Gaussians
(k per image, 224x224, batch 8 by default) forward + backward and reports
the median time and the peak memory the render added (CPU: growth of the
process's peak RSS; CUDA: max_memory_allocated). A second table repeats the
torch backend and dense reference at several k to show how memory scales.
Finally tools/benchmark_pretrain.py measures the GMAE/MAE step ratio and the
render share of a GMAE step, once per CPU/GPU renderer (torch, cpu).

    python tools/benchmark_renderer.py                 # all of the above
    python tools/benchmark_renderer.py --skip-step     # renderer only
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--k', type=int, default=256)
    p.add_argument('--size', type=int, default=224)
    p.add_argument('--batch-size', type=int, default=8)
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument(
        '--state',
        default='random',
        choices=sorted(STATES),
        help='which Gaussians to render (see STATES)')
    p.add_argument(
        '--scaling-ks', type=int, nargs='*', default=[64, 256, 1024])
    p.add_argument(
        '--step-arch',
        default='base',
        help='ViT for the GMAE/MAE step ratio (tools/'
        'benchmark_pretrain.py --arch)')
    p.add_argument('--skip-step', action='store_true')
    p.add_argument('--worker', help=argparse.SUPPRESS)
    p.add_argument('--device', default=None)
    return p.parse_args(argv)


# Raw 14-dim logits ~ N(bias, std): 'init' is what a fresh GMAE decoder
# emits (Gaussians piled near the centre, sigma ~7 px, opacity ~0.5);
# 'random' spreads them (r ~23 px); 'large' is the big, nearly opaque
# Gaussians GMAE drifts to early in training (r ~45 px, opacity ~0.9).
STATES = {
    'init': dict(std=0.35, scale_bias=0.0, opacity_bias=0.0),
    'random': dict(std=1.0, scale_bias=0.0, opacity_bias=0.0),
    'large': dict(std=1.0, scale_bias=2.5, opacity_bias=2.5),
}


def make_raw(state: str, batch: int, k: int, generator):
    import torch

    from gmae_bench.render.gaussians import RAW_DIM, SLICES
    cfg = STATES[state]
    raw = torch.randn(batch, k, RAW_DIM, generator=generator) * cfg['std']
    raw[..., SLICES['scales']] += cfg['scale_bias']
    raw[..., SLICES['opacities']] += cfg['opacity_bias']
    return raw


def worker(args) -> dict:
    """Runs in its own process: time and peak memory of one backend."""
    import torch

    from gmae_bench.render import gaussians_from_raw, gmae_camera, render
    device = args.device or ('cuda' if args.worker == 'gsplat' else 'cpu')
    g = torch.Generator().manual_seed(0)
    raw = make_raw(args.state, args.batch_size, args.k,
                   g).to(device).requires_grad_(True)
    cam = gmae_camera(args.size, args.size)
    w = torch.randn(
        args.batch_size, 3, args.size, args.size, generator=g).to(device)

    def once():
        img = render(gaussians_from_raw(raw, 1.0), cam, args.worker).image
        (img * w).sum().backward()
        raw.grad = None

    def sync():
        if device.startswith('cuda'):
            torch.cuda.synchronize()

    if device.startswith('cuda'):
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    times = []
    for _ in range(args.repeats):
        sync()
        t = time.perf_counter()
        once()
        sync()
        times.append(time.perf_counter() - t)
    if device.startswith('cuda'):
        peak = torch.cuda.max_memory_allocated() - base
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
    return dict(
        backend=args.worker,
        k=args.k,
        state=args.state,
        device=device,
        seconds=statistics.median(times),
        peak_mb=peak / 2**20)


DENSE_MB_PER_PAIR_PIXEL = 6227.0 / (8 * 256 * 224 * 224)  # measured


def spawn(backend: str, k: int, args, state: str = None) -> dict:
    state = state or args.state
    if backend == 'dense':
        est = DENSE_MB_PER_PAIR_PIXEL * args.batch_size * k * args.size**2
        if est > 12 * 1024:
            return dict(
                backend=backend,
                k=k,
                state=state,
                error=f'not run: needs ~{est / 1024:.0f} GB')
    cmd = [
        sys.executable, __file__, '--worker', backend, '--k',
        str(k), '--size',
        str(args.size), '--batch-size',
        str(args.batch_size), '--repeats',
        str(args.repeats), '--state', state
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()
        return dict(
            backend=backend,
            k=k,
            state=state,
            error=tail[-1]
            if tail else f'worker exited with {proc.returncode}')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def show(rows, ref='torch') -> None:
    base = {
        (r['k'], r['state']): r
        for r in rows if r['backend'] == ref and 'error' not in r
    }
    print(f"{'backend':8s} {'state':7s} {'k':>5s} {'fwd+bwd s':>10s} "
          f"{'peak MB':>9s} {'time / torch':>12s} {'mem / torch':>11s}")
    for r in rows:
        head = f"{r['backend']:8s} {r['state']:7s} {r['k']:5d}"
        if 'error' in r:
            print(f"{head}  skipped: {r['error']}")
            continue
        b = base.get((r['k'], r['state']))
        tr = r['seconds'] / b['seconds'] if b else float('nan')
        mr = r['peak_mb'] / max(b['peak_mb'], 1e-9) if b else float('nan')
        print(f"{head} {r['seconds']:10.3f} {r['peak_mb']:9.1f} {tr:12.2f} "
              f"{mr:11.2f}")


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args)))
        return {}
    import torch

    from gmae_bench.render import cpu_kernel
    compiled = ['cpu'] if cpu_kernel.available() else []
    backends = ['torch'] + compiled + ['dense'] + (
        ['gsplat'] if torch.cuda.is_available() else [])
    print(f'render {args.batch_size} x {args.k} Gaussians at {args.size}x'
          f'{args.size}, fwd+bwd, median of {args.repeats}')
    main_rows = [spawn(b, args.k, args) for b in backends]
    main_rows += [
        spawn(b, args.k, args, state) for state in sorted(STATES)
        if state != args.state for b in backends if b != 'dense'
    ]
    show(main_rows)
    scaling = []
    if args.scaling_ks:
        print('\nmemory vs k (torch backend bounded by one chunk, the '
              'compiled one by one tile per thread; dense grows with k*H*W)')
        scaling = [
            spawn(b, k, args) for k in args.scaling_ks
            for b in ['torch'] + compiled + ['dense']
        ]
        show(scaling)
    result = dict(main=main_rows, scaling=scaling)
    if not args.skip_step:
        from gmae_bench.benchmark import (pretrain_step_benchmark,
                                          step_benchmark_args)
        result['step'] = {}
        for backend in ['torch'] + compiled:
            print(f'\nGMAE / MAE pretraining step, renderer {backend} '
                  '(tools/benchmark_pretrain.py)')
            step = pretrain_step_benchmark(
                step_benchmark_args([
                    '--arch', args.step_arch, '--img-size',
                    str(args.size), '--num-queries',
                    str(args.k), '--batch-size',
                    str(args.batch_size), '--steps', '3', '--backend', backend
                ]))
            print(f"GMAE/MAE step {step['gmae_over_mae']:.3f}, render share "
                  f"{step['render_share']:.3f}")
            result['step'][backend] = step
    return result


if __name__ == '__main__':
    main()
