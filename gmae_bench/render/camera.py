"""The fixed camera and the EWA projection of 3D Gaussians to the image."""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import torch
from torch import Tensor

EPS2D = 0.3  # low-pass added to the 2D covariance (gsplat default), px^2
NEAR_PLANE = 0.01


@dataclass(frozen=True)
class Camera:
    """One camera shared by all images of a batch.

    Args:
        width, height: Image size in pixels.
        fx, fy, cx, cy: Intrinsics in pixels; pixel centres sit at ``i+0.5``.
        viewmat: World-to-camera transform, row-major 4x4 nested tuple.
        model: ``'ortho'`` (u = fx*x + cx) or ``'pinhole'`` (u = fx*x/z + cx).
        size_by_depth: Divide scales by the view depth before an ortho
            projection, so centres map orthographically but sizes shrink as
            ``fx*s/z``: what the authors' gsplat v0.1.0 call did
            (docs/method.md, "Camera").
    """
    width: int
    height: int
    fx: float
    fy: float
    cx: float
    cy: float
    viewmat: Tuple[Tuple[float, ...], ...]
    model: str = 'ortho'
    size_by_depth: bool = True

    def __post_init__(self):
        if self.model not in ('ortho', 'pinhole'):
            raise ValueError(f"camera model must be 'ortho' or 'pinhole', "
                             f'got {self.model!r}')

    def viewmat_tensor(self, like: Tensor) -> Tensor:
        """World-to-camera matrix on ``like``'s device and dtype. [4, 4]"""
        return torch.tensor(self.viewmat, device=like.device, dtype=like.dtype)

    def K_tensor(self, like: Tensor) -> Tensor:
        """Intrinsics matrix. [3, 3]"""
        return torch.tensor(
            [[self.fx, 0, self.cx], [0, self.fy, self.cy], [0, 0, 1]],
            device=like.device,
            dtype=like.dtype)


def gmae_camera(height: int,
                width: int,
                distance: float = 8.0,
                model: str = 'ortho',
                size_by_depth: bool = True) -> Camera:
    """The GMAE camera: looking down +z from ``distance`` behind the origin.

    Centres in (-1, 1)^2 span the image (fx = W/2, fy = H/2), and a Gaussian
    of scale s at depth z has an on-screen std of about ``fx * s / z``, i.e.
    ``W/16 * s`` px at z = 8 (14 px at 224 px for s = 1).
    """
    view = ((1.0, 0.0, 0.0, 0.0), (0.0, 1.0, 0.0, 0.0),
            (0.0, 0.0, 1.0, float(distance)), (0.0, 0.0, 0.0, 1.0))
    return Camera(
        width=width,
        height=height,
        fx=width / 2,
        fy=height / 2,
        cx=width / 2,
        cy=height / 2,
        viewmat=view,
        model=model,
        size_by_depth=size_by_depth)


def camera_from_cfg(cfg: Optional[dict], height: int, width: int) -> Camera:
    """Build :func:`gmae_camera` from config kwargs (None = defaults)."""
    cfg = dict(cfg or {})
    unknown = set(cfg) - {'distance', 'model', 'size_by_depth'}
    if unknown:
        raise KeyError(f'unknown camera option(s) {sorted(unknown)}; allowed: '
                       "'distance', 'model', 'size_by_depth'")
    return gmae_camera(height, width, **cfg)


def quat_to_rotmat(quats: Tensor) -> Tensor:
    """Rotation matrices of quaternions (w, x, y, z), normalised first.

    Args:
        quats: [..., 4]
    Returns:
        [..., 3, 3]
    """
    w, x, y, z = torch.nn.functional.normalize(quats, dim=-1).unbind(-1)
    rows = [
        1 - 2 * (y * y + z * z),
        2 * (x * y - w * z),
        2 * (x * z + w * y),
        2 * (x * y + w * z),
        1 - 2 * (x * x + z * z),
        2 * (y * z - w * x),
        2 * (x * z - w * y),
        2 * (y * z + w * x),
        1 - 2 * (x * x + y * y),
    ]
    return torch.stack(rows, dim=-1).unflatten(-1, (3, 3))


def view_depths(means: Tensor, camera: Camera) -> Tensor:
    """Camera-space depth z of each centre. [B, N, 3] -> [B, N]"""
    view = camera.viewmat_tensor(means)
    return means @ view[2, :3] + view[2, 3]


def safe_depth(z: Tensor) -> Tensor:
    """Depths for dividing by: those at or behind the near plane (culled
    anyway) become 1, so that no inf / NaN reaches the gradients of the
    kept Gaussians through ``0 * inf``."""
    return torch.where(z > NEAR_PLANE, z, torch.ones_like(z))


def effective_scales(means: Tensor, scales: Tensor, camera: Camera) -> Tensor:
    """Scales as the camera sees them (divided by depth if size_by_depth)."""
    if camera.size_by_depth and camera.model == 'ortho':
        return scales / safe_depth(view_depths(means, camera)).unsqueeze(-1)
    return scales


def project(means: Tensor, quats: Tensor, scales: Tensor,
            camera: Camera) -> Tuple[Tensor, Tensor, Tensor]:
    """EWA projection of 3D Gaussians (the same maths as gsplat's).

    ``scales`` must already be :func:`effective_scales`.

    Args:
        means: [B, N, 3]; quats: [B, N, 4]; scales: [B, N, 3]
    Returns:
        means2d in pixels [B, N, 2], 2D covariances with ``EPS2D`` added
        [B, N, 2, 2], and camera-space depths [B, N].
    """
    view = camera.viewmat_tensor(means)
    R, t = view[:3, :3], view[:3, 3]
    mean_c = means @ R.T + t  # [B, N, 3]
    M = quat_to_rotmat(quats) * scales.unsqueeze(-2)  # R S, [B, N, 3, 3]
    cov_c = R @ (M @ M.transpose(-1, -2)) @ R.T  # [B, N, 3, 3]
    x, y, z = mean_c.unbind(-1)
    zeros = torch.zeros_like(z)
    if camera.model == 'ortho':
        u = camera.fx * x + camera.cx
        v = camera.fy * y + camera.cy
        J = torch.stack([
            torch.full_like(z, camera.fx), zeros, zeros, zeros,
            torch.full_like(z, camera.fy), zeros
        ], -1)
    else:  # pinhole, with gsplat's clamp of the Jacobian's x/z, y/z
        z = safe_depth(z)  # the true depth is returned for culling
        W, H = camera.width, camera.height
        lim_x = (W - camera.cx) / camera.fx + 0.3 * 0.5 * W / camera.fx
        lim_xn = camera.cx / camera.fx + 0.3 * 0.5 * W / camera.fx
        lim_y = (H - camera.cy) / camera.fy + 0.3 * 0.5 * H / camera.fy
        lim_yn = camera.cy / camera.fy + 0.3 * 0.5 * H / camera.fy
        tx = z * torch.clamp(x / z, -lim_xn, lim_x)
        ty = z * torch.clamp(y / z, -lim_yn, lim_y)
        u = camera.fx * x / z + camera.cx
        v = camera.fy * y / z + camera.cy
        J = torch.stack([
            camera.fx / z, zeros, -camera.fx * tx / z**2, zeros, camera.fy / z,
            -camera.fy * ty / z**2
        ], -1)
    J = J.unflatten(-1, (2, 3))  # [B, N, 2, 3]
    cov2d = J @ cov_c @ J.transpose(-1, -2)
    cov2d = cov2d + EPS2D * torch.eye(
        2, dtype=cov2d.dtype, device=cov2d.device)
    return torch.stack([u, v], -1), cov2d, mean_c[..., 2]


def background_tensor(background: Optional[Sequence[float]], batch: int,
                      channels: int, like: Tensor) -> Tensor:
    """Background colour as [B, C] (default white, like gsplat v0.1.0)."""
    if background is None:
        return torch.ones(
            batch, channels, device=like.device, dtype=like.dtype)
    bg = torch.as_tensor(background, device=like.device, dtype=like.dtype)
    if bg.dim() == 0:
        bg = bg.expand(channels)
    return bg.expand(batch, channels)
