"""A frozen encoder's dense features, read by a linear per-pixel class
probe: how much of each pixel's class (background or one of the 10 item
classes) the tokens hold before any fine-tuning.

Protocol (as the Fashion-MNIST study's protocol 2): token features of the
frozen encoder with every patch visible, standardised with the fit split's
per-channel mean / std; a 1x1 linear classifier on them whose logits are
upsampled bilinearly to the pixels and trained with cross-entropy against
the semantic map (SGD + momentum, cosine schedule). Its learning rate is
chosen on a validation split carved from the train scenes (the same for
every encoder), then the probe is refitted on fit + validation and the
test scenes are scored once: mIoU over the 11 classes as mmseg computes it
(per-class IoU over all test pixels, mean over the classes present).
"""
from typing import Dict, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from ..core.measure import to_pixels

LR_GRID = (0.01, 0.03, 0.1, 0.3, 1.0)
NUM_CLASSES = 11  # background + the 10 Fashion-MNIST classes


@torch.no_grad()
def token_features(model: nn.Module, images: np.ndarray,
                   batch_size: int = 250) -> Tensor:
    """The frozen encoder's patch tokens (after its final norm), every
    patch visible, in patch order. [N, S, S] uint8 -> [N, D, h, w]"""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(images), batch_size):
        x = model.pixels_to_inputs(
            to_pixels(images[i:i + batch_size]).to(device))
        latent, _, ids_restore = model.backbone.forward_masked(x, 0.0)
        tokens = latent[:, 1:]  # drop cls; kept order = shuffled
        tokens = torch.gather(
            tokens, 1,
            ids_restore.unsqueeze(-1).expand(-1, -1, tokens.shape[-1]))
        h, w = model.backbone.token_grid(x)
        out.append(tokens.transpose(1, 2).reshape(len(x), -1, h, w).cpu())
    return torch.cat(out).float()


def miou(pred: np.ndarray, target: np.ndarray,
         num_classes: int = NUM_CLASSES) -> float:
    """mmseg's mIoU (%): per-class IoU over all pixels, mean over the
    classes that occur in the target or the prediction."""
    inter = np.bincount(target[pred == target].ravel(),
                        minlength=num_classes)
    area_p = np.bincount(pred.ravel(), minlength=num_classes)
    area_t = np.bincount(target.ravel(), minlength=num_classes)
    union = area_p + area_t - inter
    present = area_t > 0  # mmseg: nan for classes absent from the target
    return 100.0 * float(np.mean(inter[present] / union[present]))


def fit_probe(feats: Tensor, sem: Tensor, lr: float, epochs: int = 30,
              batch_size: int = 64, seed: int = 0) -> nn.Conv2d:
    """A 1x1 linear classifier on standardised features, trained against
    the semantic maps [N, S, S] (logits upsampled to S x S)."""
    g = torch.Generator().manual_seed(seed)
    head = nn.Conv2d(feats.shape[1], NUM_CLASSES, 1)
    nn.init.trunc_normal_(head.weight, std=0.01, generator=g)
    nn.init.zeros_(head.bias)
    opt = torch.optim.SGD(head.parameters(), lr=lr, momentum=0.9)
    steps = epochs * -(-len(feats) // batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    size = sem.shape[-2:]
    for _ in range(epochs):
        order = torch.randperm(len(feats), generator=g)
        for i in range(0, len(feats), batch_size):
            idx = order[i:i + batch_size]
            logits = F.interpolate(head(feats[idx]), size=size,
                                   mode='bilinear', align_corners=False)
            loss = F.cross_entropy(logits, sem[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    return head


@torch.no_grad()
def predict(head: nn.Conv2d, feats: Tensor, size) -> np.ndarray:
    return F.interpolate(head(feats), size=size, mode='bilinear',
                         align_corners=False).argmax(1).numpy()


def dense_probe(train_feats: Tensor, train_sem: np.ndarray,
                test_feats: Tensor, test_sem: np.ndarray, val: int,
                epochs: int = 30, seed: int = 0,
                grid: Sequence[float] = LR_GRID) -> Dict[str, object]:
    """The protocol: lr chosen on the last ``val`` train scenes, the probe
    refitted on every train scene, the test scenes scored once."""
    if not 0 < val < len(train_feats):
        raise ValueError(f'validation split of {val} scenes from '
                         f'{len(train_feats)}: needs 0 < val < train')
    mean = train_feats.mean((0, 2, 3), keepdim=True)
    std = train_feats.std((0, 2, 3), keepdim=True) + 1e-6
    tr, te = (train_feats - mean) / std, (test_feats - mean) / std
    sem = torch.from_numpy(train_sem.astype(np.int64))
    size = train_sem.shape[-2:]
    fit, hold = slice(0, len(tr) - val), slice(len(tr) - val, len(tr))
    val_miou = {
        lr: miou(predict(fit_probe(tr[fit], sem[fit], lr, epochs, seed=seed),
                         tr[hold], size), train_sem[hold])
        for lr in grid
    }
    lr = max(val_miou, key=lambda v: (val_miou[v], -grid.index(v)))
    head = fit_probe(tr, sem, lr, epochs, seed=seed)
    return dict(mIoU=miou(predict(head, te, size), test_sem), lr=lr,
                val_mIoU=val_miou[lr], train_scenes=len(tr) - val,
                val_scenes=val, test_scenes=len(te), epochs=epochs,
                lr_grid=list(grid))
