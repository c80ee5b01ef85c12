"""gmae_bench: Gaussian Masked Autoencoders vs MAE on OpenMMLab.

Importing this package registers nothing heavy; configs load the modules with
``custom_imports=dict(imports=['gmae_bench.models', 'gmae_bench.engine'])``.
"""
__version__ = '0.1.0'

from .utils.compat import silence_known_warnings, skip_mmpretrain_multimodal

skip_mmpretrain_multimodal()  # before any mmpretrain / mmdet model import
silence_known_warnings()  # third-party ones a user cannot act on
