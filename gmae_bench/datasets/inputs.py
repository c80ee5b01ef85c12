"""Images (files, arrays, tensors) -> a pretraining model's normalised
input: the one conversion ``apis.images_to_inputs`` and the zero-shot suite
share."""
from typing import Optional, Sequence, Union

import numpy as np
import torch
from torch import Tensor, nn

from .transforms import read_rgb

ImageLike = Union[str, np.ndarray, Tensor]


def images_to_inputs(model: nn.Module,
                     images: Sequence[ImageLike],
                     size: Optional[int] = None) -> Tensor:
    """Files or RGB arrays ([H, W, 3] uint8, or float in [0, 1]) -> the
    model's normalised input [B, 3, S, S] (bicubic resize to the model's
    image size unless ``size`` says otherwise)."""
    from PIL import Image

    size = size or model.backbone.img_size
    batch = []
    for img in images:
        if isinstance(img, str):
            img = read_rgb(img)
        img = np.asarray(img.cpu() if isinstance(img, Tensor) else img)
        if img.dtype != np.uint8:
            img = (np.clip(img, 0, 1) * 255).round().astype(np.uint8)
        if img.ndim == 2:
            img = np.repeat(img[..., None], 3, -1)
        pil = Image.fromarray(img[..., :3]).resize((size, size), Image.BICUBIC)
        batch.append(torch.from_numpy(np.asarray(pil, np.float32) / 255.))
    pixels = torch.stack(batch).permute(0, 3, 1, 2)
    device = next(model.parameters()).device
    return model.pixels_to_inputs(pixels.to(device))
