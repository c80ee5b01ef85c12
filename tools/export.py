"""Export a pretrained encoder for timm or mmpretrain.

    python tools/export.py CONFIG CHECKPOINT --to timm [--out DIR]
    python tools/export.py CONFIG CHECKPOINT --to mmpretrain [--out FILE]

timm: DIR/model.safetensors + DIR/config.json, loaded strictly by
``timm.create_model('local-dir:DIR', pretrained=True)``. mmpretrain: a
``backbone.``-prefixed checkpoint in mmpretrain's VisionTransformer names.
"""
import argparse
import os.path as osp

from gmae_bench.apis import export_encoder, init_model


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('checkpoint')
    p.add_argument('--to', required=True, choices=('timm', 'mmpretrain'))
    p.add_argument(
        '--out',
        default=None,
        help='default: next to the checkpoint (CKPT_timm/ or '
        'CKPT_mmpretrain.pth)')
    args = p.parse_args(argv)
    if not osp.isfile(args.checkpoint):
        raise SystemExit(f'export: checkpoint not found: {args.checkpoint}')
    stem = osp.splitext(args.checkpoint)[0]
    out = args.out or (f'{stem}_timm'
                       if args.to == 'timm' else f'{stem}_mmpretrain.pth')
    model = init_model(args.config, args.checkpoint)
    for path in export_encoder(model, args.to, out):
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
