"""GPU figures of the recipes, in one table (scripts/gpu_check.sh runs it).

* MAE and GMAE ViT-B/16 pretraining steps (forward + backward + AdamW, mixed
  precision as the configs train: fp16 autocast with a loss scale) at
  batch 64 and at the largest batch that fits (doubling until out of
  memory): step time, images/s, the render share of the GMAE step (the
  head's render call and its backward, timed inside the step) and peak
  memory;
* one training iteration of Mask R-CNN ViT-B (ViTDet) at 1024 px and of
  UperNet ViT-B at 512 px, built from their configs, on random images with
  a few boxes / a random label map.

Every number is measured in this run, on the named device.

    python tools/benchmark_gpu.py [--out work_dirs/gpu_check.md]
    python tools/benchmark_gpu.py --device cpu --tiny   # a CPU smoke run
"""
import argparse

import torch

PRETRAIN = {
    'MAE': 'configs/mae_pretrain_vit_b.py',
    'GMAE': 'configs/gmae_pretrain_vit_b.py'
}
DET = 'configs/detection/mask-rcnn_vit-b-p16_gmae-pre_coco.py'
SEG = 'configs/segmentation/upernet_vit-b-p16_gmae-pre_ade20k-512.py'
# --tiny: the CPU-sized twins, to exercise this tool without a GPU
TINY = {
    'MAE': 'configs/mae_pretrain_vit_tiny.py',
    'GMAE': 'configs/gmae_pretrain_vit_tiny.py',
    'det': 'configs/detection/mask-rcnn_vit-tiny_gmae-pre_voc-coco.py',
    'seg': 'configs/segmentation/upernet_vit-tiny_gmae-pre_voc.py',
}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument(
        '--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--max-batch', type=int, default=1024)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--tiny', action='store_true')
    p.add_argument('--out', help='also write the table (Markdown) here')
    return p.parse_args(argv)


from gmae_bench.benchmark.gpu import (amp_dtype, downstream_iteration, fmt,
                                     largest_batch, pretrain_steps)


def main(argv=None) -> list:
    args = parse_args(argv)
    from mmengine.logging import MMLogger
    MMLogger.get_instance('gmae_bench', log_level='WARNING')
    torch.manual_seed(0)
    configs = TINY if args.tiny else dict(PRETRAIN, det=DET, seg=SEG)
    name = torch.cuda.get_device_name() if args.device.startswith(
        'cuda') else 'CPU'
    dtype = amp_dtype(args.device)
    lines = [
        f'device: {name}; precision: '
        f"{str(dtype).replace('torch.', '') if dtype else 'fp32'}; "
        f'{"tiny CPU twins" if args.tiny else "ViT-B recipes"}', '',
        '| what | batch | step s | images/s | render share | peak GiB |',
        '|---|---|---|---|---|---|'
    ]
    print('\n'.join(lines), flush=True)
    rows, failed = [], []

    def add(what: str, r: dict) -> None:
        """One measured row, printed at once (a later failure keeps it)."""
        rows.append((what, r))
        share = r.get('render_share')
        lines.append(f"| {what} | {r['batch']} | {fmt(r['step_s'], '.3f')} | "
                     f"{fmt(r['batch'] / r['step_s'])} | "
                     f"{fmt(share * 100 if share is not None else None)}"
                     f"{' %' if share is not None else ''} | "
                     f"{fmt(r['peak_gib'], '.2f')} |")
        print(lines[-1], flush=True)

    for method in ('MAE', 'GMAE'):
        add(f'{method} pretrain step',
            pretrain_steps(configs[method], args.batch_size, args))
        if args.device.startswith('cuda'):
            big = largest_batch(configs[method], args)
            if big:
                add(f'{method} pretrain step, largest batch', big)
    for what, key in (('Mask R-CNN ViTDet iteration', 'det'),
                      ('UperNet iteration', 'seg')):
        try:
            add(what, downstream_iteration(configs[key], args, batch=2))
        except RuntimeError as e:  # e.g. mmcv built without CUDA ops
            failed.append(what)
            lines.append(f'| {what} | 2 | not measured: '
                         f'{str(e).splitlines()[0][:120]} | | | |')
            print(lines[-1], flush=True)
    table = '\n'.join(lines) + '\n'
    if args.out:
        from gmae_bench.engine.atomic_io import write_text_atomic
        write_text_atomic(table, args.out)
    if failed:
        raise SystemExit(f'benchmark_gpu: not measured: {", ".join(failed)} '
                         '(the reason is in the table)')
    return rows


if __name__ == '__main__':
    main()
