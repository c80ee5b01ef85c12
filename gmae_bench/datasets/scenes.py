"""Fashion-MNIST scenes: real items composited with occlusion, for
detection, segmentation and zero-shot layering.

Each scene is a black square canvas with 2 to 6 Fashion-MNIST items, drawn
from the train split for train scenes and from the test split for test
scenes, each resized by a random factor and pasted at a random position,
back to front, so that later items hide parts of earlier ones. An item is
opaque inside its silhouette (the largest 8-connected set of pixels above
:data:`SILHOUETTE_THRESHOLD`, holes filled), so every pixel belongs to
exactly one item or to the background.

Mostly hidden items: a placement that would leave any earlier item with
less than :data:`MIN_VISIBLE` of its silhouette (or fewer than
:data:`MIN_VISIBLE_PX` pixels) visible is redrawn, up to
:data:`PLACEMENT_TRIES` times; after that the item is left out. So every
item of a scene is annotated, none is more than 70 % hidden, and no
annotation is ``iscrowd``.

Layout of one generated size (``data/fmnist_scenes/<size>/``)::

    manifest.json                   parameters, counts, per-file content
                                    hashes and their digest
    annotations/{train,test}.json   COCO instances (bbox, RLE mask and area
                                    of the visible pixels; extra fields:
                                    ``depth`` 0 = backmost, ``item``,
                                    ``visible_fraction``; per image
                                    ``occlusions`` [front_id, back_id])
    {train,test}/images/NNNNNN.png      grey canvas
    {train,test}/semantic/NNNNNN.png    mmseg class map: 0 background,
                                        1 + Fashion-MNIST label
    {train,test}/instances/NNNNNN.png   0 background, else depth + 1
                                        (1 = backmost): instance id and
                                        depth order in one map

Generation is deterministic (numpy's PCG64 seeded by the size's seed and
the split); the manifest's digest hashes the decoded pixels and the JSON
text, so it does not depend on the PNG encoder and anyone can compare it
with docs/data.md.
"""
import hashlib
import json
import os
import os.path as osp
from dataclasses import asdict, dataclass
from typing import Callable, Dict, List, Optional, Tuple

import numpy as np
from PIL import Image
from scipy import ndimage

from ..engine.atomic_io import (build_folder_atomic, remove_stale_temp_files,
                                write_json_atomic, write_text_atomic)
from .idx import FASHION_MNIST_CLASSES, load_fashion_mnist

SILHOUETTE_THRESHOLD = 8  # grey level; resampling leaves faint fringes
MIN_VISIBLE = 0.3
MIN_VISIBLE_PX = 20
PLACEMENT_TRIES = 20
SPLITS = ('train', 'test')
MANIFEST = 'manifest.json'
FORMAT = 1  # bump when the generator's output changes


@dataclass(frozen=True)
class SceneSpec:
    """The sizes and randomness of one generated set."""
    name: str
    train: int
    test: int
    canvas: int = 64
    min_items: int = 2
    max_items: int = 6
    scale_range: Tuple[float, float] = (0.75, 1.3)  # x 28 px
    seed: int = 0


SIZES: Dict[str, SceneSpec] = {
    # the test suite and the study's ci scale
    'tiny': SceneSpec('tiny', train=96, test=48),
    # the study's cpu and gpu scales (sized by measured cost, docs/data.md)
    'cpu': SceneSpec('cpu', train=10000, test=2000),
}


class SceneDataError(RuntimeError):
    """Generated scenes are missing, incomplete or changed."""


# ----------------------------------------------------------------------
# one scene
# ----------------------------------------------------------------------
def silhouette(item: np.ndarray) -> np.ndarray:
    """The item's opaque region: the largest 8-connected set of pixels
    above the threshold, holes filled. [h, w] uint8 -> bool"""
    mask = item > SILHOUETTE_THRESHOLD
    lab, n = ndimage.label(mask, structure=np.ones((3, 3)))
    if n > 1:
        sizes = ndimage.sum(mask, lab, index=np.arange(1, n + 1))
        mask = lab == (1 + int(np.argmax(sizes)))
    return ndimage.binary_fill_holes(mask)


def _resized(item: np.ndarray, size: int) -> np.ndarray:
    return np.asarray(
        Image.fromarray(item).resize((size, size), Image.BILINEAR))


def compose_scene(items: List[np.ndarray], rng: np.random.Generator,
                  spec: SceneSpec) -> Tuple[np.ndarray, np.ndarray, list]:
    """Paint ``items`` back to front on a black canvas.

    Returns the canvas [S, S] uint8, the id map [S, S] uint8 (0 background,
    k = the k-th placed item, i.e. depth k - 1) and, per placed item, its
    index in ``items`` and its whole (amodal) silhouette on the canvas.
    """
    S = spec.canvas
    canvas = np.zeros((S, S), np.uint8)
    ids = np.zeros((S, S), np.uint8)
    placed: List[Tuple[int, np.ndarray]] = []
    for index, item in enumerate(items):
        size = int(round(28 * rng.uniform(*spec.scale_range)))
        pixels = _resized(item, size)
        shape = silhouette(pixels)
        for _ in range(PLACEMENT_TRIES):
            y, x = rng.integers(0, S - size + 1, size=2)
            full = np.zeros((S, S), bool)
            full[y:y + size, x:x + size] = shape
            if _keeps_visible(ids, full, placed):
                break
        else:
            continue  # would hide an earlier item: left out
        region = (slice(y, y + size), slice(x, x + size))
        canvas[region][shape] = pixels[shape]
        ids[full] = len(placed) + 1
        placed.append((index, full))
    return canvas, ids, placed


def _keeps_visible(ids: np.ndarray, new: np.ndarray, placed: list) -> bool:
    for k, (_, full) in enumerate(placed, start=1):
        visible = int(((ids == k) & ~new).sum())
        if visible < MIN_VISIBLE_PX or visible < MIN_VISIBLE * full.sum():
            return False
    return True


def _bbox(mask: np.ndarray) -> List[int]:
    ys, xs = np.nonzero(mask)
    x0, y0 = int(xs.min()), int(ys.min())
    return [x0, y0, int(xs.max()) - x0 + 1, int(ys.max()) - y0 + 1]


def _rle(mask: np.ndarray) -> dict:
    from pycocotools import mask as mask_utils
    rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return dict(size=[int(s) for s in rle['size']],
                counts=rle['counts'].decode('ascii'))


# ----------------------------------------------------------------------
# one split
# ----------------------------------------------------------------------
def generate_split(images: np.ndarray, labels: np.ndarray, count: int,
                   spec: SceneSpec, split: str, folder: str,
                   hashes: Dict[str, str]) -> dict:
    """Write ``count`` scenes of one split under ``folder`` and return its
    COCO dict. Items are taken from a shuffled order of the split's
    images, each used once until all are used (then reshuffled)."""
    rng = np.random.default_rng([spec.seed, SPLITS.index(split), FORMAT])
    order = rng.permutation(len(images))
    cursor = 0
    for sub in ('images', 'semantic', 'instances'):
        os.makedirs(osp.join(folder, split, sub), exist_ok=True)
    coco_images, annotations = [], []
    for i in range(count):
        n = int(rng.integers(spec.min_items, spec.max_items + 1))
        if cursor + n > len(order):
            order, cursor = rng.permutation(len(images)), 0
        picks = order[cursor:cursor + n]
        cursor += n
        canvas, ids, placed = compose_scene([images[j] for j in picks], rng,
                                            spec)
        semantic = np.zeros_like(ids)
        name = f'{i:06d}.png'
        image_anns = []
        for k, (index, full) in enumerate(placed, start=1):
            visible = ids == k
            label = int(labels[picks[index]])
            semantic[visible] = label + 1
            image_anns.append(
                dict(id=len(annotations) + len(image_anns) + 1,
                     image_id=i + 1,
                     category_id=label + 1,
                     bbox=_bbox(visible),
                     area=int(visible.sum()),
                     segmentation=_rle(visible),
                     iscrowd=0,
                     depth=k - 1,
                     item=int(picks[index]),
                     visible_fraction=round(
                         float(visible.sum() / full.sum()), 4)))
        occlusions = []
        for kb, (_, back) in enumerate(placed, start=1):
            for kf in range(kb + 1, len(placed) + 1):
                if (back & (ids == kf)).any():  # kf hides part of kb
                    occlusions.append([image_anns[kf - 1]['id'],
                                       image_anns[kb - 1]['id']])
        annotations += image_anns
        coco_images.append(
            dict(id=i + 1, file_name=name, height=spec.canvas,
                 width=spec.canvas, occlusions=occlusions))
        for sub, array in (('images', canvas), ('semantic', semantic),
                           ('instances', ids)):
            rel = f'{split}/{sub}/{name}'
            # inside the not yet visible folder of build_folder_atomic
            Image.fromarray(array).save(osp.join(folder, rel))
            hashes[rel] = _array_hash(array)
    categories = [
        dict(id=c + 1, name=n, supercategory='fashion')
        for c, n in enumerate(FASHION_MNIST_CLASSES)
    ]
    return dict(
        info=dict(description=f'Fashion-MNIST scenes ({spec.name}, {split})',
                  version=FORMAT),
        images=coco_images, annotations=annotations, categories=categories)


def _array_hash(array: np.ndarray) -> str:
    h = hashlib.sha256(f'{array.dtype}{array.shape}'.encode())
    h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


def _file_hash(folder: str, rel: str) -> str:
    path = osp.join(folder, rel)
    if rel.endswith('.png'):
        try:
            with Image.open(path) as im:
                return _array_hash(np.asarray(im))
        except (OSError, ValueError, SyntaxError):
            return 'unreadable'
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def digest(hashes: Dict[str, str]) -> str:
    """One checksum of every generated file's content (sorted paths)."""
    h = hashlib.sha256()
    for rel in sorted(hashes):
        h.update(f'{rel} {hashes[rel]}\n'.encode())
    return h.hexdigest()


# ----------------------------------------------------------------------
# a whole size: generate once, verify afterwards
# ----------------------------------------------------------------------
def scenes_dir(root: str, size: str) -> str:
    return osp.join(root, size)


def verify(folder: str) -> dict:
    """Check every generated file against the manifest; returns the
    manifest. A missing, unreadable or changed file is named."""
    path = osp.join(folder, MANIFEST)
    if not osp.isfile(path):
        raise SceneDataError(
            f'{folder} has no {MANIFEST}: it is not a complete scene set. '
            f'Delete {folder} and run scripts/prepare_data.py --scenes '
            f'{osp.basename(folder)} to generate it')
    try:
        with open(path) as f:
            manifest = json.load(f)
        hashes = manifest['files']
    except (json.JSONDecodeError, KeyError, TypeError) as e:
        raise SceneDataError(f'{path} is not a scenes manifest ({e}); delete '
                             f'{folder} and generate it again') from e
    changed = [
        rel for rel, h in sorted(hashes.items())
        if not osp.isfile(osp.join(folder, rel))
        or _file_hash(folder, rel) != h
    ]
    if changed or digest(hashes) != manifest.get('digest'):
        shown = ', '.join(osp.join(folder, r) for r in changed[:3])
        more = f' and {len(changed) - 3} more' if len(changed) > 3 else ''
        raise SceneDataError(
            f'generated scenes were changed or removed: {shown or path}'
            f'{more}. Delete {folder} and run scripts/prepare_data.py '
            f'--scenes {manifest.get("spec", {}).get("name", "SIZE")} to '
            'generate them again (training runs that used them are kept)')
    return manifest


def generate(fashion_root: str,
             root: str,
             size: str,
             log: Callable[[str], None] = print) -> dict:
    """Generate one size of scenes under ``root/size`` (or verify it if it
    exists) and return its manifest. The set is written into a temporary
    folder beside it and renamed into place when complete
    (:func:`build_folder_atomic`), so an interrupted run leaves no
    half-written set under the final name."""
    if size not in SIZES:
        raise ValueError(f'scene size must be one of {sorted(SIZES)}, got '
                         f'{size!r}')
    spec = SIZES[size]
    folder = scenes_dir(root, size)
    if osp.isdir(folder):
        manifest = verify(folder)
        if manifest.get('spec') != _spec_json(spec):
            raise SceneDataError(
                f'{folder} was generated with other parameters '
                f'({manifest.get("spec")}) than this version\'s '
                f'{_spec_json(spec)}: delete it and generate it again')
        return manifest
    data = {s: load_fashion_mnist(fashion_root, s) for s in SPLITS}

    def build(tmp: str) -> dict:
        hashes: Dict[str, str] = {}
        counts = {}
        for split in SPLITS:
            coco = generate_split(*data[split], getattr(spec, split), spec,
                                  split, tmp, hashes)
            rel = f'annotations/{split}.json'
            write_text_atomic(
                json.dumps(coco, sort_keys=True, separators=(',', ':')),
                osp.join(tmp, rel))
            hashes[rel] = _file_hash(tmp, rel)
            counts[split] = dict(
                images=len(coco['images']),
                instances=len(coco['annotations']),
                occluded_pairs=sum(
                    len(im['occlusions']) for im in coco['images']))
        manifest = dict(spec=_spec_json(spec), format=FORMAT, counts=counts,
                        digest=digest(hashes), files=hashes)
        write_json_atomic(manifest, osp.join(tmp, MANIFEST))
        return manifest

    # the whole set appears under its name at once, when it is complete
    manifest = build_folder_atomic(folder, build)
    counts = manifest['counts']
    log(f'fmnist_scenes/{size}: {counts["train"]["images"]} train / '
        f'{counts["test"]["images"]} test scenes -> {folder}')
    return manifest


def _spec_json(spec: SceneSpec) -> dict:
    return json.loads(json.dumps(asdict(spec)))


def remove_stale(root: str) -> List[str]:
    """Delete temporary folders of interrupted generations."""
    return remove_stale_temp_files(root)


def load_split(folder: str, split: str,
               limit: Optional[int] = None) -> Dict[str, object]:
    """A generated split as arrays, for evaluations: images [N, S, S]
    uint8, instance maps [N, S, S] uint8 (0 background, depth + 1),
    semantic maps, and the COCO dict (the first ``limit`` scenes)."""
    if split not in SPLITS:
        raise ValueError(f'split must be one of {SPLITS}, got {split!r}')
    with open(osp.join(folder, 'annotations', f'{split}.json')) as f:
        coco = json.load(f)
    if limit is not None:
        coco['images'] = coco['images'][:limit]
        kept = {im['id'] for im in coco['images']}
        coco['annotations'] = [
            a for a in coco['annotations'] if a['image_id'] in kept
        ]
    arrays = {}
    for sub in ('images', 'semantic', 'instances'):
        arrays[sub] = np.stack([
            np.asarray(Image.open(osp.join(folder, split, sub,
                                           im['file_name'])))
            for im in coco['images']
        ])
    arrays['coco'] = coco
    return arrays
