"""Data transforms registered in the gmae_bench scope."""
from .transforms import GrayToRGB

__all__ = ['GrayToRGB']
