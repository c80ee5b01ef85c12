# ViTDet-style Mask R-CNN: plain ViT-B/16 (global attention) at 1024 px,
# last block's stride-16 map -> SimpleFPN (strides 4-64) -> mmdet heads.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='gmae_bench.ViT',
        arch=dict(embed_dims=768, depth=12, num_heads=12),
        img_size=1024,
        patch_size=16,
        out_type='featmap',
        out_indices=(11, ),
        pos_embed_trainable=True,
        drop_path_rate=0.1),
    neck=dict(
        _delete_=True,
        type='gmae_bench.SimpleFPN',
        in_channels=768,
        out_channels=256,
        num_outs=5),
    rpn_head=dict(num_convs=2),
)
