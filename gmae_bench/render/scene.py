"""A camera bound to a renderer backend and a background: what the heads
and the zero-shot readouts render with, set once instead of threaded
through every call."""
from dataclasses import dataclass
from typing import Optional, Sequence

from torch import Tensor

from .camera import Camera, view_depths
from .gaussians import Gaussians


@dataclass(frozen=True)
class Scene:
    """``render(gaussians)`` with a fixed camera, backend and background.

    Args:
        camera: The fixed camera (:func:`gmae_camera`).
        backend: Renderer backend ('auto', 'torch', 'cpu', 'gsplat', ...).
        background: Colour behind the Gaussians; None: white.
    """
    camera: Camera
    backend: str = 'auto'
    background: Optional[Sequence[float]] = None

    @property
    def height(self) -> int:
        return self.camera.height

    @property
    def width(self) -> int:
        return self.camera.width

    def render(self, gaussians: Gaussians, check: bool = True):
        """:class:`RenderOutput` (image [B, C, H, W], alpha [B, 1, H, W])."""
        from . import render
        return render(gaussians, self.camera, self.backend, self.background,
                      check)

    def depths(self, gaussians: Gaussians) -> Tensor:
        """View depth of each Gaussian (smaller = nearer). [B, N]"""
        return view_depths(gaussians.means, self.camera)
