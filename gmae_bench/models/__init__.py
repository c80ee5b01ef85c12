"""Registered models; ``custom_imports=['gmae_bench.models']`` loads them."""
from .decoder import MAEDecoder
from .heads import GaussianHead, PixelHead
from .masked_autoencoder import MaskedAutoencoder
from .simple_fpn import SimpleFPN
from .vit import ViT

__all__ = [
    'GaussianHead', 'MAEDecoder', 'MaskedAutoencoder', 'PixelHead',
    'SimpleFPN', 'ViT'
]
