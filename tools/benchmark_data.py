"""Input pipelines side by side: images/s on one core, and the ratios.

On JPEGs made from the installed photos at ImageNet's typical sizes
(500x375, 375x500, 500x333; quality 90), one process, one thread, the
pipelines take turns round after round (machine noise hits all alike):

* pretraining: gmae_bench (``configs/_base_/datasets/imagenet_pretrain.py``:
  ``LoadRandomResizedCrop`` + flip + pack), gmae_bench's two-step loader
  (``LoadImage`` + ``RandomResizedCrop`` pillow bicubic + flip + pack),
  mmpretrain's MAE pipeline (``LoadImageFromFile`` + the same crop), and
  FB-MAE's (torchvision: PIL open / convert, ``RandomResizedCrop``
  bicubic, flip, ``ToTensor``, ``Normalize``);
* fine-tuning with RandAugment: gmae_bench
  (``configs/_base_/datasets/imagenet_cls.py``) and FB-MAE's (timm
  ``create_transform``: rand-m9-mstd0.5-inc1, RandomErasing 0.25).

    python tools/benchmark_data.py [--rounds 5] [--images 69]
"""
import argparse
import glob
import os
import os.path as osp
import statistics
import tempfile
import time

SIZES = [(500, 375), (375, 500), (500, 333)]  # ImageNet's most common
MEAN, STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--rounds', type=int, default=5)
    p.add_argument('--images', type=int, default=69)
    p.add_argument('--photos', default='data/photos/train')
    p.add_argument('--seed', type=int, default=0)
    return p.parse_args(argv)


def make_jpegs(photos: str, n: int, out: str):
    """``n`` JPEGs (quality 90) at ImageNet-like sizes, cut from the
    photos (each photo at each size in turn)."""
    from PIL import Image

    from gmae_bench.datasets import read_rgb
    files = sorted(
        glob.glob(osp.join(photos, '*.png')) +
        glob.glob(osp.join(photos, '*.jpg')))
    if not files:
        raise FileNotFoundError(f'no photos in {photos}: run '
                                'scripts/setup_env.sh (prepare_data.py)')
    paths = []
    for i in range(n):
        img = Image.fromarray(read_rgb(files[i % len(files)]))
        w, h = SIZES[(i // len(files)) % len(SIZES)]
        s = max(w / img.width, h / img.height)  # cover, then centre crop
        img = img.resize((round(img.width * s), round(img.height * s)),
                         Image.BICUBIC)
        x0, y0 = (img.width - w) // 2, (img.height - h) // 2
        path = osp.join(out, f'{i:04d}.jpg')
        img.crop((x0, y0, x0 + w, y0 + h)).save(path, quality=90)
        paths.append(path)
    return paths


def openmmlab(pipeline):
    """A config pipeline composed in mmpretrain's scope."""
    from mmengine.dataset import Compose
    from mmengine.registry import DefaultScope

    import gmae_bench.datasets  # noqa: F401
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        compose = Compose(pipeline)
    return lambda path: compose(dict(img_path=path))


def pipelines() -> dict:
    from gmae_bench.runtime import load_config
    pre = load_config('configs/gmae_pretrain_vit_b.py').train_pipeline
    ft = load_config(
        'configs/classification/vit-b-p16_gmae-pre_in1k.py').train_pipeline
    crop = dict(
        type='RandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.2, 1.0),
        backend='pillow',
        interpolation='bicubic')
    tail = [dict(type='RandomFlip', prob=0.5), dict(type='PackInputs')]
    return {
        'pretrain: gmae_bench':
        openmmlab(pre),
        'pretrain: gmae_bench LoadImage':
        openmmlab([dict(type='gmae_bench.LoadImage'), crop] + tail),
        'pretrain: mmpretrain MAE':
        openmmlab([dict(type='LoadImageFromFile'), crop] + tail),
        'pretrain: FB-MAE':
        fb_pretrain(),
        'fine-tune: gmae_bench':
        openmmlab(ft),
        'fine-tune: FB-MAE':
        fb_finetune(),
    }


def fb_pretrain():
    """facebookresearch/mae main_pretrain.py's transform and loader."""
    import torchvision.transforms as T
    from PIL import Image
    tf = T.Compose([
        T.RandomResizedCrop(
            224, scale=(0.2, 1.0), interpolation=T.InterpolationMode.BICUBIC),
        T.RandomHorizontalFlip(),
        T.ToTensor(),
        T.Normalize(MEAN, STD)
    ])

    def run(path):
        with open(path, 'rb') as f:  # torchvision's pil_loader
            return tf(Image.open(f).convert('RGB'))

    return run


def fb_finetune():
    """facebookresearch/mae util/datasets.py build_transform (training)."""
    from PIL import Image
    from timm.data import create_transform
    tf = create_transform(
        input_size=224,
        is_training=True,
        color_jitter=None,
        auto_augment='rand-m9-mstd0.5-inc1',
        interpolation='bicubic',
        re_prob=0.25,
        re_mode='pixel',
        re_count=1,
        mean=MEAN,
        std=STD)

    def run(path):
        with open(path, 'rb') as f:
            img = Image.open(f).convert('RGB')
        try:
            return tf(img)
        except ValueError:  # timm posterize with 0 bits: newer PIL refuses
            return tf(img)

    return run


def main(argv=None) -> dict:
    args = parse_args(argv)
    import random

    import cv2
    import numpy as np
    import torch
    torch.set_num_threads(1)
    cv2.setNumThreads(0)
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    with tempfile.TemporaryDirectory(prefix='gmae_data_') as tmp:
        paths = make_jpegs(args.photos, args.images, tmp)
        runs = pipelines()
        for run in runs.values():  # warm-up (imports, caches)
            for p in paths[:8]:
                run(p)
        rates = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                t = time.perf_counter()
                for p in paths:
                    run(p)
                rates[name].append(len(paths) / (time.perf_counter() - t))
    med = {name: statistics.median(r) for name, r in rates.items()}
    print(f'{len(paths)} JPEGs ({", ".join(f"{w}x{h}" for w, h in SIZES)}, '
          f'quality 90) from {args.photos}; 1 process, 1 thread; median of '
          f'{args.rounds} rounds')
    print(f"{'pipeline':34s} {'images/s/core':>13s} {'vs FB-MAE':>10s}")
    for name, rate in med.items():
        ref = med['fine-tune: FB-MAE' if name.
                  startswith('fine') else 'pretrain: FB-MAE']
        print(f'{name:34s} {rate:13.1f} {rate / ref:9.2f}x')
    return med


if __name__ == '__main__':
    main()
