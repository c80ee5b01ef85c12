"""Measurements every study makes of a pretrained model: images as model
pixels and the masked-patch reconstruction error."""
import numpy as np
import torch
from torch import Tensor, nn


def to_pixels(images: np.ndarray) -> Tensor:
    """uint8 [N, H, W] grey -> float tensor [N, 3, H, W] in [0, 1] (the
    grey value in every channel, as the training pipeline's GrayToRGB)."""
    x = torch.from_numpy(images).float().div_(255.)
    return x[:, None].expand(-1, 3, -1, -1).contiguous()


@torch.no_grad()
def reconstruction_mse(model: nn.Module,
                       pixels: Tensor,
                       mask_ratio: float = 0.75,
                       seed: int = 0,
                       batch_size: int = 500) -> float:
    """Masked-patch MSE in [0, 1] pixels of the clamped reconstruction,
    mean over the hidden pixels of all images. [N, 3, H, W] -> float

    Every model sees the same masks: the masking noise of batch ``b`` is
    drawn from ``seed + b``, so two models with the same ratio hide the
    same patches."""
    model.eval()
    device = next(model.parameters()).device
    total, count = 0.0, 0.0
    for b, i in enumerate(range(0, len(pixels), batch_size)):
        x = pixels[i:i + batch_size].to(device)
        torch.manual_seed(seed + b)
        rec = model.reconstruct(model.pixels_to_inputs(x), mask_ratio)
        p = model.head.patch_size
        m = model.head.unpatchify(
            rec['mask'].unsqueeze(-1).expand(-1, -1, p * p * 3), *x.shape[-2:])
        total += float((((rec['recon'] - rec['image'])**2) * m).sum())
        count += float(m.sum())
    return total / count
