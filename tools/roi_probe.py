"""How much of an item's class reaches a Mask R-CNN's RoI head.

A linear probe (logistic regression on standardised features, fit on the
first 80 % of the items, scored on the rest) reads each true box's class
from 7 x 7 RoIAlign features at points along the detector's feature path:
the encoder's tokens, the tokens after a per-position LayerNorm (ViTDet's
norm) and after a GroupNorm (32 groups), and the config's own pyramid at
the levels its RoI extractor assigns. Boxes and classes come from the
config's training annotations (COCO format)::

    python tools/roi_probe.py configs/scenes/mask-rcnn_vit-p8_random-init_scenes.py
    python tools/roi_probe.py CONFIG --checkpoint work_dirs/.../epoch_30.pth

``--checkpoint`` loads encoder weights (a pretraining checkpoint or a
detector's); without it the encoder keeps the config's own init_cfg, and
the pyramid stays at its random initialisation either way.
"""
import argparse
import json
import os.path as osp
from typing import Dict, List, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.config import DictAction

STAGES = ('tokens', 'tokens + LayerNorm', 'tokens + GroupNorm', 'pyramid')


def load_items(cfg, num_images: int) -> Tuple[List[str], List[np.ndarray],
                                               List[np.ndarray]]:
    """Image paths, boxes (x1, y1, x2, y2) and 0-based labels of the first
    ``num_images`` annotated training images of a detection config."""
    ds = cfg.train_dataloader.dataset
    root = ds.get('data_root', '')
    ann_file = osp.join(root, ds.ann_file)
    if not osp.isfile(ann_file):
        raise SystemExit(f'roi_probe: annotation file {ann_file} not found '
                         '(run scripts/prepare_data.py)')
    with open(ann_file) as f:
        coco = json.load(f)
    cats = sorted(c['id'] for c in coco['categories'])
    label = {c: i for i, c in enumerate(cats)}
    per_image: Dict[int, list] = {}
    for a in coco['annotations']:
        if not a.get('iscrowd', 0) and a['bbox'][2] > 0 and a['bbox'][3] > 0:
            per_image.setdefault(a['image_id'], []).append(a)
    prefix = osp.join(root, ds.get('data_prefix', {}).get('img', ''))
    paths, boxes, labels = [], [], []
    for img in coco['images']:
        anns = per_image.get(img['id'])
        if not anns:
            continue
        paths.append(osp.join(prefix, img['file_name']))
        boxes.append(
            np.array([[x, y, x + w, y + h] for x, y, w, h in
                      (a['bbox'] for a in anns)], np.float32))
        labels.append(np.array([label[a['category_id']] for a in anns]))
        if len(paths) == num_images:
            break
    return paths, boxes, labels


@torch.no_grad()
def roi_features(model, images: torch.Tensor,
                 boxes: List[np.ndarray]) -> Dict[str, torch.Tensor]:
    """[N, C * 7 * 7] RoI features of every box at each stage."""
    from mmcv.ops import roi_align
    from mmdet.structures.bbox import bbox2roi

    tokens = model.backbone(images)[-1]  # [B, D, h, w]
    stride = images.shape[-1] / tokens.shape[-1]
    rois = bbox2roi([torch.from_numpy(b) for b in boxes])
    extractor = model.roi_head.bbox_roi_extractor
    pyramid = model.neck((tokens, ))[:extractor.num_inputs]

    def at_tokens(x: torch.Tensor) -> torch.Tensor:
        return roi_align(x, rois, 7, 1 / stride, 2, 'avg', True).flatten(1)

    D = tokens.shape[1]
    ln = F.layer_norm(tokens.permute(0, 2, 3, 1), (D, )).permute(0, 3, 1, 2)
    return {
        'tokens': at_tokens(tokens),
        'tokens + LayerNorm': at_tokens(ln),
        'tokens + GroupNorm': at_tokens(F.group_norm(tokens, min(32, D))),
        'pyramid': extractor(pyramid, rois).flatten(1),
    }


def probe(x: np.ndarray, y: np.ndarray) -> float:
    """Held-out accuracy (%) of a logistic regression on the last 20 %."""
    from sklearn.linear_model import LogisticRegression
    n = int(len(y) * 0.8)
    mean, std = x[:n].mean(0), x[:n].std(0) + 1e-6
    x = (x - mean) / std
    clf = LogisticRegression(C=0.1, max_iter=1000)
    clf.fit(x[:n], y[:n])
    return 100.0 * float(clf.score(x[n:], y[n:]))


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('config')
    p.add_argument('--checkpoint', help='encoder weights to load')
    p.add_argument('--images', type=int, default=600)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config keys, e.g. model.neck.norm_cfg=None '
        '(SimpleFPN\'s default: ViTDet\'s LayerNorm)')
    args = p.parse_args(argv)

    import mmcv
    from mmengine.config import Config
    from mmengine.logging import MMLogger
    from mmengine.registry import init_default_scope
    from mmengine.utils import import_modules_from_strings

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if cfg.get('custom_imports'):
        import_modules_from_strings(**cfg.custom_imports)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    from mmdet.registry import MODELS
    if args.checkpoint:  # read as the configs read a pretraining
        cfg.model.backbone.init_cfg = dict(
            type='Pretrained', checkpoint=args.checkpoint, prefix='backbone.')
    torch.manual_seed(args.seed)
    model = MODELS.build(cfg.model)
    # quiet: init_weights logs every parameter at INFO
    MMLogger.get_current_instance().setLevel('WARNING')
    model.init_weights()
    model.eval()

    paths, boxes, labels = load_items(cfg, args.images)
    if not paths:
        raise SystemExit('roi_probe: no annotated training images')
    pre = cfg.model.data_preprocessor
    mean = torch.tensor(pre.mean).view(3, 1, 1)
    std = torch.tensor(pre.std).view(3, 1, 1)
    feats: Dict[str, List[torch.Tensor]] = {s: [] for s in STAGES}
    for i in range(0, len(paths), 50):
        imgs = [mmcv.imread(q, channel_order='rgb') for q in paths[i:i + 50]]
        x = torch.stack([torch.from_numpy(im).permute(2, 0, 1) for im in imgs])
        x = (x.float() - mean) / std
        for s, v in roi_features(model, x, boxes[i:i + 50]).items():
            feats[s].append(v)
    y = np.concatenate(labels)
    print(f'{len(y)} items in {len(paths)} images, '
          f'{len(np.unique(y))} classes; held-out 20 %')
    print('| stage | probe acc % |\n|---|---|')
    for s in STAGES:
        print(f'| {s} | {probe(torch.cat(feats[s]).numpy(), y):.1f} |')


if __name__ == '__main__':
    main()
