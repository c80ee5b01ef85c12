"""Small data transforms."""
import numpy as np

from ..registry import TRANSFORMS


@TRANSFORMS.register_module()
class GrayToRGB:
    """Give single-channel images 3 identical channels (``results['img']``).

    For datasets that hand over raw arrays (Fashion-MNIST) rather than files
    decoded in colour mode.
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
