"""Frozen-encoder evaluations: features, linear probe and k-NN.

* Features: the cls token after the encoder's final norm, all patches
  visible (FB-MAE's linear probe reads the same token).
* Linear probe: FB-MAE's head on cached features: BatchNorm without affine
  (here: standardise with the train split's mean / std, which is what that
  BatchNorm converges to), then a linear classifier trained with SGD +
  momentum and a cosine schedule on the whole train split.
* k-NN: DINO's weighted k-NN (``eval_knn.py``): cosine similarity of
  L2-normalised features, the k nearest train features vote with weight
  ``exp(sim / T)``; k = 20, T = 0.07.
"""
from typing import Dict

import torch
import torch.nn.functional as F
from torch import Tensor, nn


@torch.no_grad()
def extract_features(model: nn.Module,
                     pixels: Tensor,
                     batch_size: int = 500) -> Tensor:
    """Encoder features of images in [0, 1]. [N, 3, H, W] -> [N, D]

    ``model``: a pretraining :class:`MaskedAutoencoder` (its backbone is
    used on all patches, ``out_type='cls_token'``)."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for i in range(0, len(pixels), batch_size):
        x = model.pixels_to_inputs(pixels[i:i + batch_size].to(device))
        out.append(model.backbone(x)[-1].float().cpu())
    return torch.cat(out)


def linear_probe(train_x: Tensor,
                 train_y: Tensor,
                 test_x: Tensor,
                 test_y: Tensor,
                 epochs: int = 90,
                 batch_size: int = 1024,
                 lr: float = 0.1,
                 seed: int = 0) -> Dict[str, float]:
    """Top-1 accuracy (%) of a linear classifier on standardised frozen
    features (FB-MAE: BatchNorm(affine=False) + Linear, 90 epochs)."""
    g = torch.Generator().manual_seed(seed)
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    xtr, xte = (train_x - mean) / std, (test_x - mean) / std
    num_classes = int(max(train_y.max(), test_y.max())) + 1
    head = nn.Linear(xtr.shape[1], num_classes)
    nn.init.trunc_normal_(head.weight, std=0.01, generator=g)
    nn.init.zeros_(head.bias)
    opt = torch.optim.SGD(head.parameters(), lr=lr, momentum=0.9)
    steps = epochs * -(-len(xtr) // batch_size)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    for _ in range(epochs):
        order = torch.randperm(len(xtr), generator=g)
        for i in range(0, len(xtr), batch_size):
            idx = order[i:i + batch_size]
            loss = F.cross_entropy(head(xtr[idx]), train_y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
    with torch.no_grad():
        train_acc = (head(xtr).argmax(1) == train_y).float().mean()
        test_acc = (head(xte).argmax(1) == test_y).float().mean()
    return dict(top1=100 * float(test_acc), train_top1=100 * float(train_acc))


@torch.no_grad()
def knn_accuracy(train_x: Tensor,
                 train_y: Tensor,
                 test_x: Tensor,
                 test_y: Tensor,
                 k: int = 20,
                 temperature: float = 0.07,
                 chunk: int = 1000) -> float:
    """DINO's weighted k-NN top-1 accuracy (%)."""
    train = F.normalize(train_x.float(), dim=1)
    test = F.normalize(test_x.float(), dim=1)
    num_classes = int(max(train_y.max(), test_y.max())) + 1
    k = min(k, len(train))
    correct = 0
    for i in range(0, len(test), chunk):
        sim = test[i:i + chunk] @ train.T  # [b, N]
        top, idx = sim.topk(k, dim=1)
        votes = torch.zeros(len(top), num_classes)
        votes.scatter_add_(1, train_y[idx], (top / temperature).exp())
        correct += int((votes.argmax(1) == test_y[i:i + chunk]).sum())
    return 100.0 * correct / len(test)
