"""Data transforms registered in the gmae_bench scope."""
from .transforms import (GrayToRGB, ImageDecodeError, LoadImage, read_image,
                         read_rgb)

__all__ = [
    'GrayToRGB', 'ImageDecodeError', 'LoadImage', 'read_image', 'read_rgb'
]
