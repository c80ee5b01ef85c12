"""Data transforms: robust image loading and grey-to-RGB."""
import numpy as np
from PIL import Image, UnidentifiedImageError

from ..registry import TRANSFORMS


class ImageDecodeError(OSError):
    """An image file that cannot be read completely."""


def read_image(path: str) -> Image.Image:
    """Open and fully decode an image file; :class:`ImageDecodeError`
    names the file when it is missing, corrupt or truncated."""
    try:
        im = Image.open(path)
        im.load()  # decode everything now: truncation raises here
        return im
    except FileNotFoundError as e:
        raise ImageDecodeError(f'image file not found: {path}') from e
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise ImageDecodeError(
            f'cannot decode image {path}: {type(e).__name__}: {e}') from e


def to_rgb(im: Image.Image) -> np.ndarray:
    """Any PIL mode -> uint8 RGB [H, W, 3]: grey, grey+alpha, palette and
    RGBA (alpha dropped) convert; 16-bit / 32-bit / float images are
    scaled by their maximum."""
    if im.mode in ('I;16', 'I;16B', 'I;16L', 'I', 'F'):
        arr = np.asarray(im, dtype=np.float64)
        top = max(arr.max(), 1.0)
        im = Image.fromarray((arr / top * 255).astype(np.uint8))
    return np.asarray(im.convert('RGB'))


def read_rgb(path: str) -> np.ndarray:
    """:func:`read_image` + :func:`to_rgb`. [H, W, 3] uint8"""
    return to_rgb(read_image(path))


@TRANSFORMS.register_module()
class LoadImage:
    """Read ``results['img_path']`` completely with PIL and give a 3-channel
    uint8 BGR array (the layout mmcv's ``LoadImageFromFile`` gives, so the
    rest of an OpenMMLab pipeline is unchanged).

    Grey, grey+alpha, palette, RGBA (alpha dropped) and 16-bit images are
    converted to RGB. A missing, corrupt or truncated file raises
    :class:`ImageDecodeError` naming the file (cv2 would silently return a
    partly grey image for a truncated JPEG, or None).

    An image handed in already decoded (``results['img']``, no
    ``img_path``: what mmpretrain's ``ImageClassificationInferencer`` does
    with arrays and files alike) is kept, given 3 channels if it has 1.
    """

    def __call__(self, results: dict) -> dict:
        if results.get('img_path') is None and 'img' in results:
            img = np.asarray(results['img'])
            if img.ndim == 2:
                img = img[..., None]
            if img.ndim != 3 or img.shape[-1] not in (1, 3, 4):
                raise ImageDecodeError(
                    f'an in-memory image must be HxW, HxWx1, HxWx3 or HxWx4, '
                    f'got shape {img.shape}')
            if img.shape[-1] == 1:
                img = np.repeat(img, 3, axis=-1)
            img = np.ascontiguousarray(img[..., :3])
            results.update(
                img=img, img_shape=img.shape[:2], ori_shape=img.shape[:2])
            return results
        if 'img_path' not in results:
            raise ImageDecodeError('LoadImage needs results["img_path"] (a '
                                   'file) or results["img"] (an array)')
        rgb = read_rgb(results['img_path'])
        img = np.ascontiguousarray(rgb[..., ::-1])  # RGB -> BGR (mmcv)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return 'LoadImage()'


@TRANSFORMS.register_module()
class GrayToRGB:
    """Give single-channel images 3 identical channels (``results['img']``).

    For datasets that hand over raw arrays (Fashion-MNIST) rather than files.
    """

    def __call__(self, results: dict) -> dict:
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        if img.shape[-1] == 1:
            results['img'] = np.ascontiguousarray(np.repeat(img, 3, axis=-1))
        return results

    def __repr__(self) -> str:
        return 'GrayToRGB()'
