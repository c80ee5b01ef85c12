"""Batched, activated 3D Gaussians: the renderer's input contract."""
import math
from dataclasses import dataclass, fields

import torch
from torch import Tensor

# Layout of one raw 14-dim decoder output (the GMAE authors' code order,
# docs/method.md).
RAW_DIM = 14
SLICES = dict(
    means=slice(0, 3),  # centre p, tanh(x/2) in (-1, 1)^3
    scales=slice(3, 6),  # c * sigmoid(x)
    quats=slice(6, 10),  # Shoemake map of sigmoid(x[0:3]); x[3] unused
    colors=slice(10, 13),  # sigmoid, RGB in (0, 1)
    opacities=slice(13, 14),  # sigmoid
)


@dataclass
class Gaussians:
    """A set of N Gaussians per image; every field is batched.

    Args:
        means: Centres in world space. [B, N, 3]
        quats: Unit quaternions (w, x, y, z). [B, N, 4]
        scales: Standard deviations along the rotated axes, > 0. [B, N, 3]
        opacities: Peak opacity in (0, 1). [B, N]
        colors: Colour per Gaussian, RGB in [0, 1]. [B, N, C]
    """
    means: Tensor
    quats: Tensor
    scales: Tensor
    opacities: Tensor
    colors: Tensor

    @property
    def batch_size(self) -> int:
        return self.means.shape[0]

    @property
    def num_gaussians(self) -> int:
        return self.means.shape[1]

    def map(self, fn) -> 'Gaussians':
        """Apply ``fn`` to every field (``g.map(lambda t: t.double())``)."""
        return Gaussians(
            **{f.name: fn(getattr(self, f.name))
               for f in fields(self)})

    def take(self, index: Tensor) -> 'Gaussians':
        """Keep Gaussians ``index`` [B, M] of each image (in that order)."""

        def gather(t: Tensor) -> Tensor:
            idx = index.view(*index.shape, *([1] * (t.dim() - 2)))
            return torch.gather(t, 1, idx.expand(*index.shape, *t.shape[2:]))

        return self.map(gather)

    def to_raw_dict(self) -> dict:
        """Plain dict of tensors, for saving (``torch.save``)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def shoemake_quaternion(u: Tensor) -> Tensor:
    """Map u in [0, 1]^3 to a unit quaternion (uniform over rotations).

    Args:
        u: [..., 3]
    Returns:
        Unit quaternions (w, x, y, z). [..., 4]
    """
    u1, u2, u3 = u.unbind(-1)
    a, b = torch.sqrt(1 - u1), torch.sqrt(u1)
    t2, t3 = 2 * math.pi * u2, 2 * math.pi * u3
    return torch.stack([
        a * torch.sin(t2), a * torch.cos(t2), b * torch.sin(t3),
        b * torch.cos(t3)
    ],
                       dim=-1)


def gaussians_from_raw(raw: Tensor, scale_max: float = 1.0) -> Gaussians:
    """Activate raw decoder outputs into Gaussians (docs/method.md).

    Args:
        raw: Raw parameters in the :data:`SLICES` layout. [B, N, 14]
        scale_max: ``c`` in ``scale = c * sigmoid(s)``: the largest size.
    Returns:
        Gaussians with centres in (-1, 1)^3, scales in (0, c), unit
        quaternions, and colours and opacities in (0, 1).
    """
    if raw.shape[-1] != RAW_DIM:
        raise ValueError(f'expected raw Gaussians [B, N, {RAW_DIM}], '
                         f'got {tuple(raw.shape)}')
    part = {k: raw[..., s] for k, s in SLICES.items()}
    return Gaussians(
        means=torch.tanh(part['means'] / 2),  # = 2 * (sigmoid(x) - 0.5)
        quats=shoemake_quaternion(torch.sigmoid(part['quats'][..., :3])),
        scales=scale_max * torch.sigmoid(part['scales']),
        opacities=torch.sigmoid(part['opacities'][..., 0]),
        colors=torch.sigmoid(part['colors']),
    )
