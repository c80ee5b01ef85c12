"""One ViT for pretraining (masked) and every downstream task.

Parameter names are timm's / facebookresearch/mae's (``patch_embed.proj``,
``cls_token``, ``pos_embed``, ``blocks.N``, ``norm``, ``fc_norm``), so a
pretraining checkpoint, an official MAE checkpoint and every downstream
backbone share one state-dict layout.
"""
from functools import partial
from typing import Dict, Optional, Sequence, Tuple, Union

import torch
from mmengine.model import BaseModule
from timm.layers import PatchEmbed
from timm.models import vision_transformer_sam as timm_sam
from timm.models.vision_transformer import Block
from torch import Tensor, nn

from ..registry import MODELS
from .pos_embed import resize_pos_embed, sincos_2d
from .weight_init import init_linear_and_norm

ARCHS: Dict[str, Tuple[int, int, int]] = {  # embed_dims, depth, num_heads
    'tiny': (192, 12, 3),
    'small': (384, 12, 6),
    'base': (768, 12, 12),
    'large': (1024, 24, 16),
    'huge': (1280, 32, 16),
}
OUT_TYPES = ('featmap', 'cls_token', 'avg_featmap', 'raw')


def random_masking(
        x: Tensor,
        mask_ratio: float,
        generator: Optional[torch.Generator] = None
) -> Tuple[Tensor, Tensor, Tensor]:
    """Per-sample random masking by argsort of uniform noise (FB-MAE).

    Args:
        x: Patch tokens. [B, L, D]
        generator: Draw the noise from it (on ``x``'s device) instead of
            the global generator.
    Returns:
        kept tokens [B, n, D], mask (1 = masked) [B, L], ids_restore [B, L].
    """
    B, L, D = x.shape
    n_keep = int(L * (1 - mask_ratio))
    noise = torch.rand(B, L, device=x.device, generator=generator)
    ids_shuffle = torch.argsort(noise, dim=1)  # ascending: first n kept
    ids_restore = torch.argsort(ids_shuffle, dim=1)
    ids_keep = ids_shuffle[:, :n_keep]
    x_kept = torch.gather(x, 1, ids_keep.unsqueeze(-1).expand(-1, -1, D))
    mask = torch.ones(B, L, device=x.device)
    mask[:, :n_keep] = 0
    mask = torch.gather(mask, 1, ids_restore)  # back to patch order
    return x_kept, mask, ids_restore


@MODELS.register_module()
class ViT(BaseModule):
    """Vision Transformer built from timm ``PatchEmbed`` and ``Block``.

    Args:
        arch: A name in :data:`ARCHS` or ``dict(embed_dims, depth,
            num_heads)``.
        img_size: Training image size (the patch grid; relative-position
            tables are sized for it).
        pretrain_img_size: Size the absolute position table is kept at
            (default: ``img_size``); other grids get it bicubic-resized in
            every forward. ViTDet keeps the 224-px table of the pretrained
            encoder at 1024 px (mmdet's ``get_abs_pos``).
        norm_eps: LayerNorm epsilon (1e-6 as FB-MAE / timm; ViTDet's
            backbone uses mmcv's ``LN``, 1e-5).
        patch_size: Patch side in pixels.
        mask_ratio: Fraction of patches hidden by :meth:`forward_masked`.
        out_type: What :meth:`forward` returns per index in ``out_indices``:
            'featmap' [B, D, h, w] (detection / segmentation), 'cls_token'
            [B, D] (after ``norm``), 'avg_featmap' [B, D] (mean of patch
            tokens, then ``fc_norm``; FB fine-tuning), 'raw' [B, 1+L, D].
        out_indices: Blocks whose outputs are returned (negative allowed).
        pos_embed_trainable: False keeps the sin-cos table fixed (MAE
            pretraining); True fine-tunes it (FB fine-tuning).
        drop_path_rate: Stochastic depth, linearly increasing over blocks.
        frozen_stages: Freeze patch embedding, tokens and the first
            ``frozen_stages`` blocks (-1: nothing; ``depth``: all, as in a
            linear probe).
        window_size: ViTDet's window attention: blocks in
            ``window_block_indexes`` attend within ``window_size`` x
            ``window_size`` windows (0: global attention everywhere).
        window_block_indexes: Blocks with window attention (default: all
            when ``window_size > 0``); ViTDet-B: all but 2, 5, 8, 11.
        use_rel_pos: Decomposed relative position tables
            (``blocks.N.attn.rel_pos_h`` / ``rel_pos_w``, timm / ViTDet
            names, zero-initialised; they are the only new parameters, so a
            pretraining checkpoint still loads strictly). With windows or
            relative positions the blocks run on the patch grid without the
            cls token, as ViTDet's do (``out_type='featmap'`` only).
        init_cfg: ``dict(type='Pretrained', checkpoint=..., prefix=...)``
            loads weights strictly (:mod:`gmae_bench.utils.checkpoint`);
            ``checkpoint=None`` keeps the random init (training from
            scratch with a pretraining recipe's config).
    """

    def __init__(self,
                 arch: Union[str, dict] = 'base',
                 img_size: int = 224,
                 patch_size: int = 16,
                 pretrain_img_size: Optional[int] = None,
                 norm_eps: float = 1e-6,
                 in_channels: int = 3,
                 mlp_ratio: float = 4.0,
                 mask_ratio: float = 0.75,
                 out_type: str = 'cls_token',
                 out_indices: Sequence[int] = (-1, ),
                 pos_embed_trainable: bool = False,
                 drop_path_rate: float = 0.0,
                 frozen_stages: int = -1,
                 window_size: int = 0,
                 window_block_indexes: Optional[Sequence[int]] = None,
                 use_rel_pos: bool = False,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        embed_dims, depth, num_heads = _arch(arch)
        _check_args(img_size, patch_size, mask_ratio, out_type, window_size,
                    use_rel_pos)
        self.embed_dims, self.depth, self.num_heads = (embed_dims, depth,
                                                       num_heads)
        self.patch_size, self.img_size = patch_size, img_size
        self.mask_ratio, self.out_type = mask_ratio, out_type
        self.out_indices = [i % depth for i in out_indices]
        self.frozen_stages = frozen_stages
        norm_layer = partial(nn.LayerNorm, eps=norm_eps)

        # --- tokens: patches, cls, fixed 2D sin-cos positions ---
        self.patch_embed = PatchEmbed(
            img_size=img_size,
            patch_size=patch_size,
            in_chans=in_channels,
            embed_dim=embed_dims,
            strict_img_size=False,
            dynamic_img_pad=True)  # odd sizes (test-time resize) are padded
        self.grid_size = (img_size // patch_size, img_size // patch_size)
        table = pretrain_img_size or img_size
        _check_args(table, patch_size, mask_ratio, out_type, window_size,
                    use_rel_pos)
        self.pos_grid = (table // patch_size, table // patch_size)
        num_patches = self.pos_grid[0] * self.pos_grid[1]
        self.cls_token = nn.Parameter(torch.zeros(1, 1, embed_dims))
        self.pos_embed = nn.Parameter(
            torch.zeros(1, num_patches + 1, embed_dims),
            requires_grad=pos_embed_trainable)
        self._register_load_state_dict_pre_hook(self._resize_loaded_pos_embed)

        # --- transformer ---
        dpr = torch.linspace(0, drop_path_rate, depth).tolist()
        self.spatial = window_size > 0 or use_rel_pos
        if not self.spatial:
            self.blocks = nn.ModuleList([
                Block(
                    embed_dims,
                    num_heads,
                    mlp_ratio,
                    qkv_bias=True,
                    drop_path=dpr[i],
                    norm_layer=norm_layer) for i in range(depth)
            ])
        else:
            windowed = set(
                range(depth) if window_block_indexes is None else (
                    i % depth for i in window_block_indexes))
            self.blocks = nn.ModuleList([
                SpatialBlock(
                    embed_dims,
                    num_heads,
                    mlp_ratio,
                    qkv_bias=True,
                    drop_path=dpr[i],
                    norm_layer=norm_layer,
                    use_rel_pos=use_rel_pos,
                    window_size=window_size if i in windowed else 0,
                    input_size=self.grid_size) for i in range(depth)
            ])
            self.cls_token.requires_grad = False  # not used on the grid
        # timm: 'avg' pooling uses fc_norm and no final norm; feature maps
        # for detection / segmentation are raw block outputs.
        if out_type in ('cls_token', 'raw'):
            self.norm = norm_layer(embed_dims)
        elif out_type == 'avg_featmap':
            self.fc_norm = norm_layer(embed_dims)
        self._freeze_stages()

    # ------------------------------------------------------------------
    # initialisation
    # ------------------------------------------------------------------
    def init_weights(self) -> None:
        """FB-MAE init, then strict pretrained loading if init_cfg asks."""
        self.pos_embed.data.copy_(
            sincos_2d(self.embed_dims, self.pos_grid, cls_token=True)[None])
        w = self.patch_embed.proj.weight.data
        nn.init.xavier_uniform_(w.view(w.shape[0], -1))
        nn.init.normal_(self.cls_token, std=0.02)
        self.apply(init_linear_and_norm)
        cfg = self.init_cfg
        if (isinstance(cfg, dict) and cfg.get('type') == 'Pretrained'
                and cfg.get('checkpoint') is None):
            pass  # pretrained=None: train from scratch (a baseline)
        elif isinstance(cfg, dict) and cfg.get('type') == 'Pretrained':
            from ..utils.checkpoint import load_pretrained_backbone
            load_pretrained_backbone(
                self, cfg['checkpoint'], prefix=cfg.get('prefix', 'backbone.'))
        elif cfg is not None:
            raise ValueError(f"ViT init_cfg supports only type='Pretrained', "
                             f'got {cfg}')
        self._is_init = True

    def _resize_loaded_pos_embed(self, state_dict, prefix, *args, **kwargs):
        """load_state_dict pre-hook: bicubic-resize another grid's table."""
        key = prefix + 'pos_embed'
        if key not in state_dict:
            return
        ckpt = state_dict[key]
        if ckpt.shape == self.pos_embed.shape:
            return
        old = int(round((ckpt.shape[1] - 1)**0.5))
        if old * old != ckpt.shape[1] - 1 or ckpt.shape[2] != self.embed_dims:
            return  # let the strict shape check report it
        state_dict[key] = resize_pos_embed(ckpt, (old, old), self.pos_grid)

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        frozen = [self.patch_embed, *self.blocks[:self.frozen_stages]]
        for m in frozen:
            m.eval()
            for p in m.parameters():
                p.requires_grad = False
        self.cls_token.requires_grad = False
        self.pos_embed.requires_grad = False
        if self.frozen_stages >= self.depth and hasattr(self, 'norm'):
            for p in self.norm.parameters():
                p.requires_grad = False

    def train(self, mode: bool = True) -> 'ViT':
        super().train(mode)
        self._freeze_stages()
        return self

    # ------------------------------------------------------------------
    # tokens
    # ------------------------------------------------------------------
    def token_grid(self, imgs: Tensor) -> Tuple[int, int]:
        """Patch grid (h, w) of an image batch; partial patches count."""
        p = self.patch_size
        return -(-imgs.shape[-2] // p), -(-imgs.shape[-1] // p)

    def _patchify_with_pos(self, imgs: Tensor) -> Tuple[Tensor, Tensor]:
        """Patch tokens + positions, and the cls token + its position."""
        x = self.patch_embed(imgs)  # [B, L, D]
        grid = self.token_grid(imgs)
        pos = resize_pos_embed(self.pos_embed, self.pos_grid, grid)
        cls = self.cls_token + pos[:, :1]  # [1, 1, D]
        return x + pos[:, 1:], cls.expand(x.shape[0], -1, -1)

    def forward_masked(
        self,
        imgs: Tensor,
        mask_ratio: Optional[float] = None,
        generator: Optional[torch.Generator] = None
    ) -> Tuple[Tensor, Tensor, Tensor]:
        """Pretraining encoder: keep a random subset of patches.

        Args:
            imgs: Normalised images. [B, 3, H, W]
            generator: The masks' noise source (default: global).
        Returns:
            latent [B, 1+n, D] (cls first, after ``norm``), mask [B, L]
            (1 = masked) and ids_restore [B, L].
        """
        if self.spatial:
            raise ValueError('forward_masked needs global attention with '
                             'the cls token (window_size=0, '
                             'use_rel_pos=False)')
        ratio = self.mask_ratio if mask_ratio is None else mask_ratio
        x, cls = self._patchify_with_pos(imgs)
        x, mask, ids_restore = random_masking(x, ratio, generator)
        x = torch.cat([cls, x], dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x), mask, ids_restore

    def forward(self, imgs: Tensor) -> Tuple[Tensor, ...]:
        """Downstream encoder on all patches; one output per out_index."""
        x, cls = self._patchify_with_pos(imgs)
        h, w = self.token_grid(imgs)
        if self.spatial:
            return self._forward_grid(x.unflatten(1, (h, w)))
        x = torch.cat([cls, x], dim=1)  # [B, 1+L, D]
        outs = []
        for i, blk in enumerate(self.blocks):
            x = blk(x)
            if i in self.out_indices:
                outs.append(self._format(x, h, w))
        return tuple(outs)

    def _forward_grid(self, x: Tensor) -> Tuple[Tensor, ...]:
        """ViTDet-style: blocks on the patch grid. [B, h, w, D]"""
        outs = []
        for i, blk in enumerate(self.blocks):
            x = blk(x)
            if i in self.out_indices:
                outs.append(x.permute(0, 3, 1, 2).contiguous())
        return tuple(outs)

    def _format(self, x: Tensor, h: int, w: int) -> Tensor:
        if self.out_type == 'featmap':
            B, _, D = x.shape
            return x[:, 1:].transpose(1, 2).reshape(B, D, h, w)
        if self.out_type == 'cls_token':
            return self.norm(x)[:, 0]
        if self.out_type == 'avg_featmap':
            return self.fc_norm(x[:, 1:].mean(dim=1))
        return self.norm(x)

    # ------------------------------------------------------------------
    # layer-wise lr decay protocol (mmpretrain semantics)
    # ------------------------------------------------------------------
    def get_layer_depth(self,
                        param_name: str,
                        prefix: str = '') -> Tuple[int, int]:
        """Layer id of a parameter and the number of layers.

        Stem (patch_embed, cls_token, pos_embed) is 0, ``blocks.i`` is
        ``i + 1``, everything else (norms, heads) ``depth + 1``; there are
        ``depth + 2`` layers. Names outside ``prefix`` count as the last
        layer (e.g. a task head).
        """
        num_layers = self.depth + 2
        if not param_name.startswith(prefix):
            return num_layers - 1, num_layers
        name = param_name[len(prefix):]
        if name.startswith(('cls_token', 'pos_embed', 'patch_embed')):
            return 0, num_layers
        if name.startswith('blocks.'):
            return int(name.split('.')[1]) + 1, num_layers
        return num_layers - 1, num_layers


class RelPosAttention(timm_sam.Attention):
    """timm's attention with decomposed relative positions, computed
    without an N x N bias tensor.

    The bias ``q . R_h[row(q) - row(k)] + q . R_w[col(q) - col(k)]`` is a dot
    product of the query's relative terms (``[N, H]`` and ``[N, W]``) with
    one-hot codes of the key's row and column, so appending those to the
    scaled queries and to the keys gives the same logits to float precision
    (tested), and the fused attention kernel never materialises the
    ``heads x N x N`` bias (2.7 GB per global block at 1024 px, batch 1, in
    timm's version). Same parameters and names as timm's.
    """

    def forward(self, x: Tensor) -> Tensor:
        if not self.use_rel_pos:
            return super().forward(x)
        B, H, W, _ = x.shape
        N, heads = H * W, self.num_heads
        qkv = self.qkv(x).view(B, N, 3, heads, -1).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.reshape(3, B * heads, N, -1).unbind(0)  # [B*h, N, d]
        d = q.shape[-1]
        Rh = timm_sam.get_rel_pos(H, H, self.rel_pos_h)  # [H, H, d]
        Rw = timm_sam.get_rel_pos(W, W, self.rel_pos_w)  # [W, W, d]
        r_q = q.reshape(B * heads, H, W, d)
        rel_h = torch.einsum('bhwc,hkc->bhwk', r_q, Rh).reshape(-1, N, H)
        rel_w = torch.einsum('bhwc,wkc->bhwk', r_q, Rw).reshape(-1, N, W)
        eye_h = torch.eye(H, dtype=q.dtype, device=q.device)
        eye_w = torch.eye(W, dtype=q.dtype, device=q.device)
        key_row = eye_h.repeat_interleave(W, 0).expand(B * heads, N, H)
        key_col = eye_w.repeat(H, 1).expand(B * heads, N, W)
        q = torch.cat([q * self.scale, rel_h, rel_w], -1)
        k = torch.cat([k, key_row, key_col], -1)
        # equal head sizes let the fused kernel run; the padding is cut off
        v = torch.nn.functional.pad(v, (0, q.shape[-1] - d))
        x = torch.nn.functional.scaled_dot_product_attention(
            q,
            k,
            v,
            dropout_p=self.attn_drop.p if self.training else 0.,
            scale=1.0)[..., :d]
        x = x.view(B, heads, N, -1).transpose(1, 2).reshape(B, N, -1)
        return self.proj_drop(self.proj(x)).view(B, H, W, -1)


class SpatialBlock(timm_sam.Block):
    """timm's SAM/ViTDet block (window attention, decomposed relative
    positions; parameter names as timm's ViT ``Block``) with drop path
    applied to the whole image after the windows are merged, as ViTDet
    does, rather than to each window, and :class:`RelPosAttention`.
    [B, H, W, C] -> [B, H, W, C]"""

    def __init__(
        self,
        dim: int,
        num_heads: int,
        mlp_ratio: float = 4.,
        qkv_bias: bool = True,
        drop_path: float = 0.,
        norm_layer=nn.LayerNorm,
        use_rel_pos: bool = False,
        window_size: int = 0,
        input_size: Tuple[int, int] = (14, 14)) -> None:
        super().__init__(
            dim,
            num_heads,
            mlp_ratio,
            qkv_bias=qkv_bias,
            drop_path=drop_path,
            norm_layer=norm_layer,
            use_rel_pos=use_rel_pos,
            window_size=window_size,
            input_size=input_size)
        self.attn = RelPosAttention(
            dim,
            num_heads=num_heads,
            qkv_bias=qkv_bias,
            use_rel_pos=use_rel_pos,
            input_size=input_size if window_size == 0 else
            (window_size, window_size))

    def forward(self, x: Tensor) -> Tensor:
        B, H, W, _ = x.shape
        shortcut, x = x, self.norm1(x)
        pad_hw = None
        if self.window_size > 0:
            x, pad_hw = timm_sam.window_partition(x, self.window_size)
        x = self.ls1(self.attn(x))
        if self.window_size > 0:
            x = timm_sam.window_unpartition(x, self.window_size, (H, W),
                                            pad_hw)
        x = shortcut + self.drop_path1(x)
        x = x.reshape(B, H * W, -1)
        x = x + self.drop_path2(self.ls2(self.mlp(self.norm2(x))))
        return x.reshape(B, H, W, -1)


def _arch(arch: Union[str, dict]) -> Tuple[int, int, int]:
    """(embed_dims, depth, num_heads) of an arch name or dict."""
    if isinstance(arch, str):
        if arch not in ARCHS:
            raise KeyError(f'ViT arch {arch!r} not in {sorted(ARCHS)}')
        return ARCHS[arch]
    missing = {'embed_dims', 'depth', 'num_heads'} - set(arch)
    if missing:
        raise KeyError(f'ViT arch dict lacks {sorted(missing)}')
    dims, depth, heads = arch['embed_dims'], arch['depth'], arch['num_heads']
    for name, v in (('embed_dims', dims), ('depth', depth), ('num_heads',
                                                             heads)):
        if not isinstance(v, int) or v < 1:
            raise ValueError(f'ViT arch.{name} must be a positive integer, '
                             f'got {v!r}')
    if dims % heads or dims % 4:
        raise ValueError(f'ViT arch.embed_dims={dims} must be divisible by '
                         f'num_heads={heads} and by 4 (sin-cos table)')
    return dims, depth, heads


def _check_args(img_size, patch_size, mask_ratio, out_type, window_size,
                use_rel_pos) -> None:
    """Range checks that name the parameter (instead of a shape error
    later)."""
    if not isinstance(patch_size, int) or patch_size < 1:
        raise ValueError('ViT patch_size must be a positive integer, got '
                         f'{patch_size!r}')
    if not isinstance(img_size, int) or img_size < patch_size \
            or img_size % patch_size:
        raise ValueError(f'ViT img_size={img_size!r} must be a positive '
                         f'multiple of patch_size={patch_size}')
    if not (isinstance(mask_ratio, (int, float)) and 0 <= mask_ratio < 1):
        raise ValueError(f'ViT mask_ratio must be in [0, 1), got '
                         f'{mask_ratio!r}')
    if out_type not in OUT_TYPES:
        raise ValueError(f'ViT out_type must be one of {OUT_TYPES}, '
                         f'got {out_type!r}')
    if not isinstance(window_size, int) or window_size < 0:
        raise ValueError('ViT window_size must be an integer >= 0, got '
                         f'{window_size!r}')
    if (window_size > 0 or use_rel_pos) and out_type != 'featmap':
        raise ValueError("ViT window_size / use_rel_pos need out_type="
                         f"'featmap' (no cls token), got {out_type!r}")
