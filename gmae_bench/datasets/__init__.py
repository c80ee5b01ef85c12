"""Data transforms registered in the gmae_bench scope."""
from .transforms import GrayToRGB, ImageDecodeError, LoadImage

__all__ = ['GrayToRGB', 'ImageDecodeError', 'LoadImage']
