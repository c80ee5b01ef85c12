"""Batch augments for mmpretrain's ``ClsDataPreprocessor``
(``model.train_cfg.augments``): ``TimmMixup`` runs timm's Mixup / CutMix
switching, as FB-MAE's fine-tuning does. Imported by the classification
configs' ``custom_imports``; plain ``import gmae_bench`` never needs
mmpretrain.
"""
from typing import Tuple

from mmengine.registry import Registry
from mmpretrain.registry import BATCH_AUGMENTS as MMPRETRAIN_BATCH_AUGMENTS
from torch import Tensor

from . import datasets  # noqa: F401  (registers GrayToRGB)

BATCH_AUGMENTS = Registry(
    'batch augment', parent=MMPRETRAIN_BATCH_AUGMENTS, scope='gmae_bench')


@BATCH_AUGMENTS.register_module()
class TimmMixup:
    """timm ``Mixup`` (mixup / cutmix switching, label smoothing) as an
    mmpretrain batch augment.

    Args mirror ``timm.data.Mixup`` (mode 'batch'). Needs an even batch
    (``train_dataloader.drop_last=True``).
    """

    def __init__(self,
                 mixup_alpha: float = 0.8,
                 cutmix_alpha: float = 1.0,
                 prob: float = 1.0,
                 switch_prob: float = 0.5,
                 label_smoothing: float = 0.1,
                 num_classes: int = 1000) -> None:
        from timm.data import Mixup
        self.mixup = Mixup(
            mixup_alpha=mixup_alpha,
            cutmix_alpha=cutmix_alpha,
            prob=prob,
            switch_prob=switch_prob,
            mode='batch',
            label_smoothing=label_smoothing,
            num_classes=num_classes)

    def __call__(self, inputs: Tensor,
                 batch_score: Tensor) -> Tuple[Tensor, Tensor]:
        """inputs [B, C, H, W], one-hot scores [B, K] -> mixed, soft."""
        if inputs.shape[0] % 2:
            raise ValueError(
                f'TimmMixup needs an even batch, got {inputs.shape[0]}; set '
                'train_dataloader.drop_last=True and an even batch_size')
        labels = batch_score.argmax(dim=1)
        return self.mixup(inputs, labels)
