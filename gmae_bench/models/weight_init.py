"""facebookresearch/mae's weight init, shared by the ViT and the decoder."""
from torch import nn


def init_linear_and_norm(m: nn.Module) -> None:
    """xavier_uniform Linear with zero bias; LayerNorm (1, 0) (FB-MAE
    ``_init_weights``); use with ``module.apply``."""
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        if m.bias is not None:
            nn.init.constant_(m.bias, 0)
    elif isinstance(m, nn.LayerNorm):
        nn.init.constant_(m.weight, 1.0)
        nn.init.constant_(m.bias, 0)
