"""Mask R-CNN's RoI head with boxes kept inside the image content.

ViTDet's LSJ test pipeline pads every image to 1024 x 1024 and mmdet's
``Pad`` then records the padded size as ``img_shape``, so boxes are clipped
to the padded square, not to the photo (a 500 x 375 photo is 1024 x 768
inside it). A box that lies in the padding maps below or right of the
original image; on CPU mmdet pastes masks with ``skip_empty=True`` and
``_do_paste_mask`` then fails ("upper bound and lower bound inconsistent
with step sign"). This head clips boxes to the content (the original size
times the resize factor) before they are scored and masks are pasted, and
drops the ones left without area. Boxes inside the content are untouched.

Imported by the detection configs (``custom_imports``), so that
pretraining does not load mmdet.
"""
from typing import List, Tuple

from mmdet.models.roi_heads import StandardRoIHead
from torch import Tensor

from ..registry import MODELS


def content_shape(meta: dict) -> Tuple[int, int]:
    """(h, w) of the resized image without padding: ``ori_shape`` times
    ``scale_factor`` (w, h), never larger than ``img_shape``."""
    h, w = meta['img_shape'][:2]
    if 'ori_shape' not in meta or 'scale_factor' not in meta:
        return h, w
    oh, ow = meta['ori_shape'][:2]
    sw, sh = meta['scale_factor'][:2]
    return min(h, int(round(oh * sh))), min(w, int(round(ow * sw)))


@MODELS.register_module()
class ContentRoIHead(StandardRoIHead):
    """``StandardRoIHead`` whose test-time boxes stay inside the image
    content (see the module doc); training is unchanged."""

    def predict_bbox(self,
                     x: Tuple[Tensor],
                     batch_img_metas: List[dict],
                     rpn_results_list,
                     rcnn_test_cfg,
                     rescale: bool = False):
        metas = [dict(m, img_shape=content_shape(m)) for m in batch_img_metas]
        results = super().predict_bbox(x, metas, rpn_results_list,
                                       rcnn_test_cfg, rescale)
        kept = []
        for r in results:
            b = r.get('bboxes')
            if isinstance(b, Tensor) and b.dim() == 2 and b.shape[-1] == 4:
                keep = (b[:, 2] > b[:, 0]) & (b[:, 3] > b[:, 1])
                if not bool(keep.all()):
                    r = r[keep.nonzero().flatten()]
            kept.append(r)
        return kept
