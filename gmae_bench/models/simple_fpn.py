"""ViTDet's simple feature pyramid for mmdet (the ViTDet project code lives
only in mmdetection's source tree, so gmae_bench carries its own)."""
from typing import List, Optional, Sequence, Tuple

import torch.nn.functional as F
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from torch import Tensor, nn

from ..registry import MODELS


@MODELS.register_module(name='LN2d')
class LayerNorm2d(nn.LayerNorm):
    """LayerNorm over the channels of an NCHW map; registered as
    ``gmae_bench.LN2d`` for mmcv ``norm_cfg`` (ViTDet's box and mask heads
    use ``dict(type='gmae_bench.LN2d', eps=1e-6)``)."""

    def forward(self, x: Tensor) -> Tensor:
        x = x.permute(0, 2, 3, 1)
        return super().forward(x).permute(0, 3, 1, 2)


# ViTDet's pyramid norm; mmdet's ViTDet configs pass the same as norm_cfg
LN2D = dict(type='gmae_bench.LN2d', eps=1e-6)


def conv_norm(cin: int, cout: int, k: int, norm_cfg: dict) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, k, padding=k // 2, bias=False),
        build_norm_layer(norm_cfg, cout)[1])


@MODELS.register_module()
class SimpleFPN(BaseModule):
    """Stride-16 ViT map -> strides 4, 8, 16, 32 (+ 64 by max-pool).

    Args:
        in_channels: ViT width D.
        out_channels: Pyramid width (256 for Mask R-CNN).
        num_outs: 4 or 5 levels.
        norm_cfg: mmcv norm of the 4x path and of every lateral and output
            conv (ViTDet: LayerNorm over channels, the default).
    Shapes: [B, D, H/16, W/16] -> tuple of [B, out_channels, H/s, W/s].
    """

    def __init__(self,
                 in_channels: int = 768,
                 out_channels: int = 256,
                 num_outs: int = 5,
                 norm_cfg: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_outs not in (4, 5):
            raise ValueError(f'neck.num_outs must be 4 or 5, got {num_outs}')
        norm_cfg = dict(LN2D if norm_cfg is None else norm_cfg)
        D = in_channels
        self.num_outs = num_outs
        self.fpn1 = nn.Sequential(  # 4x up
            nn.ConvTranspose2d(D, D // 2, 2, 2),
            build_norm_layer(norm_cfg, D // 2)[1], nn.GELU(),
            nn.ConvTranspose2d(D // 2, D // 4, 2, 2))
        self.fpn2 = nn.ConvTranspose2d(D, D // 2, 2, 2)  # 2x up
        self.fpn3 = nn.Identity()  # 1x
        self.fpn4 = nn.MaxPool2d(2, 2)  # 2x down
        widths: Sequence[int] = (D // 4, D // 2, D, D)
        self.lateral_convs = nn.ModuleList(
            conv_norm(w, out_channels, 1, norm_cfg) for w in widths)
        self.fpn_convs = nn.ModuleList(
            conv_norm(out_channels, out_channels, 3, norm_cfg)
            for _ in widths)

    def init_weights(self) -> None:
        """mmcv ``ConvModule``'s init for the lateral and output convs, as
        mmdet's SimpleFPN builds them (Kaiming normal, fan-out, ReLU gain;
        norms 1 / 0); the transposed convs keep PyTorch's default."""
        super().init_weights()
        for seq in (*self.lateral_convs, *self.fpn_convs):
            conv, norm = seq
            nn.init.kaiming_normal_(
                conv.weight, mode='fan_out', nonlinearity='relu')
            nn.init.ones_(norm.weight)
            nn.init.zeros_(norm.bias)

    def forward(self, inputs: Tuple[Tensor, ...]) -> Tuple[Tensor, ...]:
        x = inputs[-1]  # [B, D, h, w]
        feats: List[Tensor] = [
            self.fpn1(x),
            self.fpn2(x),
            self.fpn3(x),
            self.fpn4(x)
        ]
        outs = [
            conv(lat(f))
            for f, lat, conv in zip(feats, self.lateral_convs, self.fpn_convs)
        ]
        if self.num_outs == 5:
            outs.append(F.max_pool2d(outs[-1], 1, stride=2))
        return tuple(outs)
