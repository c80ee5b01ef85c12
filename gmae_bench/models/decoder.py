"""The MAE decoder, shared by MAE (pixels per patch) and GMAE (Gaussians).

MAE: visible latents + one mask token per hidden patch, unshuffled to patch
order -> ``[B, L, p*p*3]``.
GMAE (``num_queries=k``): visible latents followed by ``k`` learnable query
tokens, no mask tokens -> ``[B, k, 14]``, one Gaussian per query
(the latent tokens' outputs are discarded, as in the paper; docs/method.md).
"""
from functools import partial
from typing import Optional

import torch
from mmengine.model import BaseModule
from timm.models.vision_transformer import Block
from torch import Tensor, nn

from ..registry import MODELS
from .pos_embed import sincos_2d
from .weight_init import init_linear_and_norm


@MODELS.register_module()
class MAEDecoder(BaseModule):
    """Transformer decoder over encoder latents.

    Args:
        num_patches: L, patches per image (a square grid).
        in_dims: Encoder width.
        embed_dims: Decoder width (512 in MAE/GMAE ViT-B).
        depth: Decoder blocks (8).
        num_heads: Attention heads (16).
        out_dim: Output width per token: ``p*p*3`` (MAE) or 14 (GMAE).
        num_queries: 0 for MAE; ``k`` learnable query tokens for GMAE.
        pred_bias: Bias in the output layer (GMAE's authors use none).
        pred_init: 'xavier' (FB-MAE) or 'torch_default' (PyTorch's Linear
            init, as GMAE's output layer: small initial logits).
    """

    def __init__(self,
                 num_patches: int,
                 in_dims: int = 768,
                 embed_dims: int = 512,
                 depth: int = 8,
                 num_heads: int = 16,
                 mlp_ratio: float = 4.0,
                 out_dim: int = 16 * 16 * 3,
                 num_queries: int = 0,
                 pred_bias: bool = True,
                 pred_init: str = 'xavier',
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        for name, v, low in (('num_queries', num_queries, 0), ('embed_dims',
                                                               embed_dims, 1),
                             ('depth', depth, 1), ('num_heads', num_heads, 1),
                             ('out_dim', out_dim, 1)):
            if not isinstance(v, int) or isinstance(v, bool) or v < low:
                raise ValueError(f'decoder.{name} must be an integer >= '
                                 f'{low}, got {v!r}')
        if embed_dims % num_heads or embed_dims % 4:
            raise ValueError(f'decoder.embed_dims={embed_dims} must be '
                             f'divisible by num_heads={num_heads} and by 4')
        grid = int(round(num_patches**0.5))
        if grid * grid != num_patches:
            raise ValueError(f'decoder.num_patches={num_patches} is not a '
                             'square grid')
        if pred_init not in ('xavier', 'torch_default'):
            raise ValueError("decoder.pred_init must be 'xavier' or "
                             f"'torch_default', got {pred_init!r}")
        self.num_patches, self.grid = num_patches, grid
        self.num_queries, self.pred_init = num_queries, pred_init
        norm_layer = partial(nn.LayerNorm, eps=1e-6)

        self.embed = nn.Linear(in_dims, embed_dims)
        self.mask_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.pos_embed = nn.Parameter(
            torch.zeros(1, num_patches + 1, embed_dims), requires_grad=False)
        if num_queries > 0:
            self.query_embed = nn.Parameter(
                torch.zeros(1, num_queries, embed_dims))
        self.blocks = nn.ModuleList([
            Block(
                embed_dims,
                num_heads,
                mlp_ratio,
                qkv_bias=True,
                norm_layer=norm_layer) for _ in range(depth)
        ])
        self.norm = norm_layer(embed_dims)
        self.pred = nn.Linear(embed_dims, out_dim, bias=pred_bias)

    def init_weights(self) -> None:
        """FB-MAE init; query positions uniform [0, 1) as GMAE's code."""
        self.pos_embed.data.copy_(
            sincos_2d(self.pos_embed.shape[-1], self.grid,
                      cls_token=True)[None])
        nn.init.normal_(self.mask_token, std=0.02)
        if self.num_queries > 0:
            nn.init.uniform_(self.query_embed, 0.0, 1.0)
        self.apply(init_linear_and_norm)
        if self.pred_init == 'torch_default':
            self.pred.reset_parameters()
        self._is_init = True

    def forward(self, latent: Tensor, ids_restore: Tensor) -> Tensor:
        """Decode.

        Args:
            latent: Encoder output, cls first. [B, 1+n, in_dims]
            ids_restore: Inverse of the masking shuffle. [B, L]
        Returns:
            [B, L, out_dim] (MAE) or [B, k, out_dim] (GMAE).
        """
        x = self.embed(latent)  # [B, 1+n, D]
        if self.num_queries == 0:
            x = self._with_mask_tokens(x, ids_restore) + self.pos_embed
        else:
            x = self._with_queries(x, ids_restore)
        for blk in self.blocks:
            x = blk(x)
        x = self.norm(x)
        if self.num_queries == 0:
            return self.pred(x[:, 1:])  # drop cls, [B, L, out_dim]
        return self.pred(x[:, -self.num_queries:])  # [B, k, out_dim]

    def _with_mask_tokens(self, x: Tensor, ids_restore: Tensor) -> Tensor:
        """Append mask tokens and unshuffle to patch order. [B, 1+L, D]"""
        B, n1, D = x.shape  # n1 = 1 + visible
        L = ids_restore.shape[1]
        masked = self.mask_token.expand(B, L + 1 - n1, D)
        x_ = torch.cat([x[:, 1:], masked], dim=1)  # [B, L, D], shuffled
        x_ = torch.gather(x_, 1, ids_restore.unsqueeze(-1).expand(-1, -1, D))
        return torch.cat([x[:, :1], x_], dim=1)

    def _with_queries(self, x: Tensor, ids_restore: Tensor) -> Tensor:
        """Visible tokens at their positions, then the k queries."""
        B, n1, D = x.shape
        ids_keep = torch.argsort(ids_restore, dim=1)[:, :n1 - 1]  # [B, n]
        pos = self.pos_embed.expand(B, -1, -1)
        pos_vis = torch.gather(pos[:, 1:], 1,
                               ids_keep.unsqueeze(-1).expand(-1, -1, D))
        x = x + torch.cat([pos[:, :1], pos_vis], dim=1)
        queries = (self.mask_token + self.query_embed).expand(B, -1, -1)
        return torch.cat([x, queries], dim=1)  # [B, 1+n+k, D]
