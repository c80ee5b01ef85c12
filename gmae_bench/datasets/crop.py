"""Decode + random-resized-crop + resize in one step: the pretraining and
fine-tuning input pipeline at ImageNet scale.

MAE's encoder sees a quarter of the tokens, so on GPUs an ImageNet step is
bound by the data workers decoding JPEGs. :class:`LoadRandomResizedCrop`
does what ``LoadImage`` + ``RandomResizedCrop`` do, faster:

* the crop box is drawn from the image *header* (its size), before any
  pixel is decoded, with mmpretrain's ``RandomResizedCrop`` rule and the
  same numpy random draws (:func:`crop_box`), so for one seed the boxes
  are the ones mmpretrain would draw;
* JPEGs are decoded by OpenCV's libjpeg-turbo straight to BGR (25 % faster
  than PIL's decoder here), at 1/2, 1/4 or 1/8 of their resolution in the
  DCT domain when the crop is that much larger than the output;
* only the crop becomes a numpy array, and it is resized with PIL's
  antialiased bicubic filter as torchvision computes it on uint8 tensors
  (vectorised; about 4x faster than PIL's own on 2 cores here).

Grey, palette, RGBA and 16-bit images are converted as ``LoadImage`` does,
and a missing, corrupt or truncated file raises
:class:`~gmae_bench.datasets.ImageDecodeError` naming it.
"""
import io
import math
from typing import Sequence, Tuple

import numpy as np
from PIL import Image

from ..registry import TRANSFORMS
from .transforms import ImageDecodeError, to_rgb


def _tv_modes():
    from torchvision.transforms import InterpolationMode as M
    return {'nearest': M.NEAREST, 'bilinear': M.BILINEAR, 'bicubic': M.BICUBIC}


TV_MODES = _tv_modes()
PIL_MODES = {
    'nearest': Image.NEAREST,
    'bilinear': Image.BILINEAR,
    'bicubic': Image.BICUBIC
}


def crop_box(height: int,
             width: int,
             crop_ratio_range: Sequence[float] = (0.08, 1.0),
             aspect_ratio_range: Sequence[float] = (3. / 4., 4. / 3.),
             max_attempts: int = 10) -> Tuple[int, int, int, int]:
    """A random-resized-crop box (top, left, height, width).

    Same rule and same ``np.random`` draws as mmpretrain's
    ``RandomResizedCrop.rand_crop_params`` (and torchvision's rule): up to
    ``max_attempts`` draws of an area fraction (uniform) and a log aspect
    ratio (uniform); the first that fits wins, at a uniform offset; else a
    central crop clamped to the aspect-ratio range.
    """
    area = height * width
    log_ratio = (math.log(aspect_ratio_range[0]),
                 math.log(aspect_ratio_range[1]))
    for _ in range(max_attempts):
        target_area = np.random.uniform(*crop_ratio_range) * area
        aspect = math.exp(np.random.uniform(*log_ratio))
        w = int(round(math.sqrt(target_area * aspect)))
        h = int(round(math.sqrt(target_area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            top = np.random.randint(0, height - h + 1)
            left = np.random.randint(0, width - w + 1)
            return top, left, h, w
    in_ratio = width / height
    if in_ratio < min(aspect_ratio_range):
        w, h = width, int(round(width / min(aspect_ratio_range)))
    elif in_ratio > max(aspect_ratio_range):
        h, w = height, int(round(height * max(aspect_ratio_range)))
    else:
        w, h = width, height
    return (height - h) // 2, (width - w) // 2, h, w


def resize_uint8(img: np.ndarray,
                 size: int,
                 interpolation: str = 'bicubic') -> np.ndarray:
    """[H, W, C] uint8 -> [size, size, C] uint8 with an antialiased filter
    (PIL's bicubic / bilinear, as torchvision's vectorised uint8 kernel
    computes it: on average 0.01 grey levels from PIL, 4x faster)."""
    import torch
    from torchvision.transforms.v2 import functional as F
    mode = TV_MODES[interpolation]
    arr = np.ascontiguousarray(img)
    if not arr.flags.writeable:  # e.g. a view of a PIL image's buffer
        arr = arr.copy()
    chw = torch.from_numpy(arr).permute(2, 0, 1)
    out = F.resize(chw, [size, size], interpolation=mode, antialias=True)
    return out.permute(1, 2, 0).numpy()


def _reduced_flags():
    """cv2.imdecode flags per JPEG scale-down. EXIF orientation is ignored,
    as PIL (and so FB-MAE's and mmpretrain's loaders) ignore it."""
    import cv2
    keep = cv2.IMREAD_IGNORE_ORIENTATION
    return {
        1: cv2.IMREAD_COLOR | keep,
        2: cv2.IMREAD_REDUCED_COLOR_2 | keep,
        4: cv2.IMREAD_REDUCED_COLOR_4 | keep,
        8: cv2.IMREAD_REDUCED_COLOR_8 | keep
    }


REDUCED = _reduced_flags()


def draft_factor(crop_h: int, crop_w: int, size: int) -> int:
    """Largest JPEG scale-down (1, 2, 4, 8) that keeps the crop at least
    ``size`` pixels on both sides."""
    for r in (8, 4, 2):
        if crop_h >= size * r and crop_w >= size * r:
            return r
    return 1


@TRANSFORMS.register_module()
class LoadRandomResizedCrop:
    """``results['img_path']`` -> a random-resized crop, ``scale`` x
    ``scale``, uint8 BGR (mmcv's layout, like ``LoadImage``).

    Args:
        scale: Output side in pixels.
        crop_ratio_range: Area fraction of the crop (mmpretrain's name).
        aspect_ratio_range: Width / height of the crop.
        max_attempts: Draws before the central-crop fallback.
        interpolation: 'bicubic' (FB-MAE, mmpretrain), 'bilinear', ...
        draft: Decode JPEGs at a reduced size when the crop allows it.
    """

    def __init__(self,
                 scale: int = 224,
                 crop_ratio_range: Sequence[float] = (0.08, 1.0),
                 aspect_ratio_range: Sequence[float] = (3. / 4., 4. / 3.),
                 max_attempts: int = 10,
                 interpolation: str = 'bicubic',
                 draft: bool = True) -> None:
        if not (isinstance(scale, int) and scale > 0):
            raise ValueError(f'scale must be a positive int, got {scale!r}')
        lo, hi = crop_ratio_range
        if not 0 < lo <= hi <= 1:
            raise ValueError('crop_ratio_range must satisfy 0 < lo <= hi <= '
                             f'1, got {crop_ratio_range}')
        if not 0 < aspect_ratio_range[0] <= aspect_ratio_range[1]:
            raise ValueError(
                f'bad aspect_ratio_range {tuple(aspect_ratio_range)}')
        if interpolation not in TV_MODES:
            raise ValueError(f'interpolation must be one of {list(TV_MODES)}'
                             f', got {interpolation!r}')
        self.scale = scale
        self.crop_ratio_range = tuple(crop_ratio_range)
        self.aspect_ratio_range = tuple(aspect_ratio_range)
        self.max_attempts = max_attempts
        self.interpolation = interpolation
        self.draft = draft

    def __call__(self, results: dict) -> dict:
        path = results['img_path']
        try:
            with open(path, 'rb') as f:
                data = f.read()
            with Image.open(io.BytesIO(data)) as im:  # the header only
                width, height = im.size
                box = crop_box(height, width, self.crop_ratio_range,
                               self.aspect_ratio_range, self.max_attempts)
                if im.format == 'JPEG' and im.mode in ('RGB', 'L', 'CMYK'):
                    bgr = self.crop_resize_jpeg(data, (height, width), box,
                                                path)
                else:  # PNG, palette, alpha, 16-bit, ...: as LoadImage
                    bgr = self.crop_resize_pil(im, box)[..., ::-1]
        except FileNotFoundError as e:
            raise ImageDecodeError(f'image file not found: {path}') from e
        except ImageDecodeError:
            raise
        except Exception as e:  # PIL's decode errors come in many types
            raise ImageDecodeError(
                f'cannot decode image {path}: {type(e).__name__}: {e}') from e
        img = np.ascontiguousarray(bgr)
        results.update(
            img=img, img_shape=img.shape[:2], ori_shape=(height, width))
        return results

    def crop_resize_jpeg(self,
                         data: bytes,
                         shape: Tuple[int, int],
                         box: Tuple[int, int, int, int],
                         path: str = '') -> np.ndarray:
        """JPEG bytes of an image of ``shape`` (height, width) -> the crop
        ``box`` (top, left, height, width) resized: BGR uint8 [S, S, 3].

        Decoded by OpenCV's libjpeg-turbo (25 % faster than PIL's here), at
        1/2, 1/4 or 1/8 scale when the crop allows (the box then keeps its
        sub-pixel position); a file cut short (no end-of-image marker near
        its end) is refused, where libjpeg would fill the rest with grey.
        """
        import cv2
        if data.rfind(b'\xff\xd9', max(0, len(data) - 1024)) < 0:
            raise ImageDecodeError(f'cannot decode image {path}: truncated '
                                   'JPEG (no end-of-image marker)')
        top, left, h, w = box
        r = draft_factor(h, w, self.scale) if self.draft else 1
        arr = cv2.imdecode(np.frombuffer(data, np.uint8), REDUCED[r])
        if arr is None:
            raise ImageDecodeError(f'cannot decode image {path}: OpenCV '
                                   'could not read the JPEG data')
        if r > 1:  # the box follows the reduced image, to the sub-pixel
            sy, sx = arr.shape[0] / shape[0], arr.shape[1] / shape[1]
            xyxy = (left * sx, top * sy, (left + w) * sx, (top + h) * sy)
            out = Image.fromarray(arr).resize((self.scale, self.scale),
                                              PIL_MODES[self.interpolation],
                                              box=xyxy)
            return np.asarray(out)
        return resize_uint8(arr[top:top + h, left:left + w], self.scale,
                            self.interpolation)

    def crop_resize_pil(self, im: Image.Image,
                        box: Tuple[int, int, int, int]) -> np.ndarray:
        """Any other image (PNG, palette, alpha, 16-bit, ...): the crop
        ``box`` (top, left, height, width) resized, converted as
        ``LoadImage`` converts: RGB uint8 [S, S, 3]."""
        top, left, h, w = box
        if im.mode not in ('RGB', 'L'):
            im.load()
            im = Image.fromarray(to_rgb(im))
        crop = np.asarray(im.crop((left, top, left + w, top + h)))
        if crop.ndim == 2:
            crop = crop[..., None]
        out = resize_uint8(crop, self.scale, self.interpolation)
        return out if out.shape[-1] == 3 else np.repeat(out, 3, -1)

    def __repr__(self) -> str:
        return (f'LoadRandomResizedCrop(scale={self.scale}, '
                f'crop_ratio_range={self.crop_ratio_range}, '
                f'aspect_ratio_range={self.aspect_ratio_range}, '
                f'interpolation={self.interpolation}, draft={self.draft})')
