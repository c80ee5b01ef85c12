"""Detection backbone: global attention vs ViTDet windows, side by side.

The ViT-B/16 of the Mask R-CNN recipe at 1024 px (64x64 = 4,096 tokens)
is run forward + backward in two forms, each in a fresh worker process:

* ``global``: global attention in all 12 blocks (no relative positions);
* ``vitdet``: 14x14 window attention in blocks 0, 1, 3, 4, 6, 7, 9, 10,
  global attention in 2, 5, 8, 11, decomposed relative positions (what
  ``configs/_base_/models/mask-rcnn_vit-b-p16_sfp.py`` uses).

Each worker reports the median time of a training iteration of the
backbone and the peak memory the iterations added on top of the model and
its input (CPU: growth of the process's peak RSS; CUDA:
``max_memory_allocated``), then the ratios are printed.

    python tools/benchmark_backbone.py                      # CPU or CUDA
    python tools/benchmark_backbone.py --batch-size 2 --repeats 3
"""
import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

VARIANTS = {
    'global':
    dict(),
    'vitdet':
    dict(
        window_size=14,
        window_block_indexes=(0, 1, 3, 4, 6, 7, 9, 10),
        use_rel_pos=True),
}
ARCHS = {'base': (768, 12, 12), 'small': (384, 12, 6), 'tiny': (192, 12, 3)}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--arch', default='base', choices=sorted(ARCHS))
    p.add_argument('--img-size', type=int, default=1024)
    p.add_argument('--batch-size', type=int, default=1)
    p.add_argument('--repeats', type=int, default=2)
    p.add_argument('--device', default=None, help='default: cuda if any')
    p.add_argument('--amp', action='store_true', help='bf16 autocast (CUDA)')
    p.add_argument(
        '--worker', choices=sorted(VARIANTS), help=argparse.SUPPRESS)
    return p.parse_args(argv)


def worker(args) -> dict:
    """In its own process: one variant's iteration time and peak memory."""
    import torch

    import gmae_bench.models  # noqa: F401
    from gmae_bench.registry import MODELS
    device = args.device or ('cuda' if torch.cuda.is_available() else 'cpu')
    dims, depth, heads = ARCHS[args.arch]
    vit = MODELS.build(
        dict(
            type='gmae_bench.ViT',
            arch=dict(embed_dims=dims, depth=depth, num_heads=heads),
            img_size=args.img_size,
            patch_size=16,
            out_type='featmap',
            out_indices=(depth - 1, ),
            pos_embed_trainable=True,
            drop_path_rate=0.1,
            **VARIANTS[args.worker]))
    vit.init_weights()
    vit = vit.to(device).train()
    x = torch.randn(
        args.batch_size, 3, args.img_size, args.img_size, device=device)
    cuda = device.startswith('cuda')

    def once():
        with torch.autocast(
                device.split(':')[0], torch.bfloat16, enabled=args.amp):
            feat = vit(x)[0]
        feat.float().square().mean().backward()
        vit.zero_grad(set_to_none=True)
        if cuda:
            torch.cuda.synchronize()

    # memory baseline: model and input in place, nothing run yet
    if cuda:
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
    else:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    once()  # warm-up (allocator, kernels)
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        once()
        times.append(time.perf_counter() - t)
    if cuda:
        peak = torch.cuda.max_memory_allocated() - base
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
    return dict(
        variant=args.worker,
        device=torch.cuda.get_device_name() if cuda else 'cpu',
        seconds=statistics.median(times),
        peak_mb=peak / 2**20)


def spawn(variant: str, args) -> dict:
    cmd = [
        sys.executable, __file__, '--worker', variant, '--arch', args.arch,
        '--img-size',
        str(args.img_size), '--batch-size',
        str(args.batch_size), '--repeats',
        str(args.repeats)
    ] + (['--device', args.device]
         if args.device else []) + (['--amp'] if args.amp else [])
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()
        return dict(variant=variant, error=tail[-1] if tail else 'failed')
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args)))
        return {}
    print(f'ViT-{args.arch} backbone at {args.img_size} px, batch '
          f'{args.batch_size}, fwd+bwd, median of {args.repeats} after 1 '
          'warm-up, one process per row')
    rows = {v: spawn(v, args) for v in VARIANTS}
    ref = rows['global']
    print(f"{'variant':8s} {'device':24s} {'s/iter':>8s} {'peak MB':>9s} "
          f"{'time / global':>13s} {'mem / global':>12s}")
    for v, r in rows.items():
        if 'error' in r:
            print(f'{v:8s} failed: {r["error"]}')
            continue
        tr = r['seconds'] / ref['seconds'] if 'seconds' in ref else float(
            'nan')
        mr = r['peak_mb'] / ref['peak_mb'] if ref.get('peak_mb') else float(
            'nan')
        print(f"{v:8s} {r['device'][:24]:24s} {r['seconds']:8.2f} "
              f"{r['peak_mb']:9.0f} {tr:13.2f} {mr:12.2f}")
    return rows


if __name__ == '__main__':
    main()
