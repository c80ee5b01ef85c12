"""Zero-shot readouts of a pretrained GMAE: depth layers, first-K renders,
figure-ground (IoU) and edges (ODS / OIS / AP) on real photos with human
masks (data/masks from scripts/prepare_data.py), with MAE and model-free
baselines. Writes OUT/zero_shot.json and OUT/vis/*.png.

    python tools/zero_shot.py \\
        --gmae configs/gmae_pretrain_vit_tiny.py \\
               work_dirs/gmae_pretrain_vit_tiny/epoch_30.pth \\
        --mae configs/mae_pretrain_vit_tiny.py \\
              work_dirs/mae_pretrain_vit_tiny/epoch_30.pth \\
        --out work_dirs/zero_shot_tiny
"""
import argparse
import json


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument(
        '--gmae', nargs=2, required=True, metavar=('CONFIG', 'CHECKPOINT'))
    p.add_argument('--mae', nargs=2, metavar=('CONFIG', 'CHECKPOINT'))
    p.add_argument('--data', default='data/masks')
    p.add_argument('--out', default='work_dirs/zero_shot')
    p.add_argument('--mask-ratio', type=float, default=0.0)
    p.add_argument(
        '--layers',
        type=int,
        nargs='+',
        default=[4, 8, 16, 32],
        help='l@N layerings averaged into the edge strength')
    p.add_argument(
        '--tau',
        type=float,
        default=0.05,
        help='colour change that counts as significant')
    p.add_argument('--fg-layers', type=int, default=2)
    p.add_argument('--device', default='cpu')
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    from gmae_bench.apis import init_model
    from gmae_bench.engine import install_safe_io
    from gmae_bench.zero_shot import read_index, run_suite
    read_index(args.data)  # fail before loading any model
    install_safe_io()
    gmae = init_model(*args.gmae, device=args.device)
    if not gmae.is_gaussian:
        raise ValueError(f'--gmae {args.gmae[0]} is not a GMAE config '
                         '(its head is not a GaussianHead)')
    mae = init_model(*args.mae, device=args.device) if args.mae else None
    summary = run_suite(
        gmae,
        args.data,
        args.out,
        mae=mae,
        mask_ratio=args.mask_ratio,
        layer_counts=args.layers,
        tau=args.tau,
        fg_layers=args.fg_layers)
    print(
        json.dumps({k: summary[k]
                    for k in ('n_images', 'fg_iou', 'edges')},
                   indent=1))
    return summary


if __name__ == '__main__':
    main()
