"""Registered models; ``custom_imports=['gmae_bench.models']`` loads them."""
from .decoder import MAEDecoder
from .heads import GaussianHead, PixelHead
from .masked_autoencoder import MaskedAutoencoder
from .simple_fpn import LayerNorm2d, SimpleFPN
from .vit import ViT

__all__ = [
    'GaussianHead', 'LayerNorm2d', 'MAEDecoder', 'MaskedAutoencoder',
    'PixelHead', 'SimpleFPN', 'ViT'
]
