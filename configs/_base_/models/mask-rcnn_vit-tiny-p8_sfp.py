# Mask R-CNN on the tiny encoder (4x128, 8-px patches) at 128 px, 20 VOC
# classes. Patch 8 puts the ViT map at stride 8, so the simple pyramid has
# strides 2-32 instead of 4-64.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
strides = [2, 4, 8, 16, 32]
model = dict(
    backbone=dict(
        _delete_=True,
        type='gmae_bench.ViT',
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=128,
        patch_size=8,
        out_type='featmap',
        out_indices=(3, ),
        pos_embed_trainable=True,
        drop_path_rate=0.1),
    neck=dict(
        _delete_=True,
        type='gmae_bench.SimpleFPN',
        in_channels=128,
        out_channels=256,
        num_outs=5),
    rpn_head=dict(num_convs=2, anchor_generator=dict(strides=strides)),
    roi_head=dict(
        bbox_roi_extractor=dict(featmap_strides=strides[:4]),
        mask_roi_extractor=dict(featmap_strides=strides[:4]),
        bbox_head=dict(num_classes=20),
        mask_head=dict(num_classes=20)),
)
