"""Data transforms registered in the gmae_bench scope."""
from .crop import LoadRandomResizedCrop, crop_box
from .transforms import (GrayToRGB, ImageDecodeError, LoadImage, read_image,
                         read_rgb)

__all__ = [
    'GrayToRGB', 'ImageDecodeError', 'LoadImage', 'LoadRandomResizedCrop',
    'crop_box', 'read_image', 'read_rgb'
]
