# ViTDet Mask R-CNN on the tiny encoder (4x128, 8-px patches) at 128 px, 20
# VOC classes: 8x8 windows in blocks 0 and 2, global blocks 1 and 3,
# relative positions, 4conv1fc / LayerNorm heads, as the ViT-B model.
# Patch 8 puts the ViT map at stride 8, so the pyramid has strides 2-32.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
strides = [2, 4, 8, 16, 32]
norm_cfg = dict(type='gmae_bench.LN2d', requires_grad=True, eps=1e-6)
model = dict(
    data_preprocessor=dict(pad_size_divisor=32),
    backbone=dict(
        _delete_=True,
        type='gmae_bench.ViT',
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=128,
        patch_size=8,
        pretrain_img_size=64,  # the tiny encoder's table, as ViT-B's 224
        norm_eps=1e-5,
        out_type='featmap',
        out_indices=(3, ),
        pos_embed_trainable=True,
        drop_path_rate=0.1,
        window_size=8,
        window_block_indexes=(0, 2),
        use_rel_pos=True),
    neck=dict(
        _delete_=True,
        type='gmae_bench.SimpleFPN',
        in_channels=128,
        out_channels=256,
        num_outs=5),
    rpn_head=dict(num_convs=2, anchor_generator=dict(strides=strides)),
    # boxes clipped to the image content at test time, not to the LSJ
    # padding (gmae_bench/models/det_heads.py; docs/recipes.md)
    roi_head=dict(
        type='gmae_bench.ContentRoIHead',
        bbox_roi_extractor=dict(featmap_strides=strides[:4]),
        mask_roi_extractor=dict(featmap_strides=strides[:4]),
        bbox_head=dict(
            type='Shared4Conv1FCBBoxHead',
            conv_out_channels=256,
            norm_cfg=norm_cfg,
            num_classes=20),
        mask_head=dict(norm_cfg=norm_cfg, num_classes=20)),
    # keep every detection: after a few CPU iterations all scores are under
    # mmdet's 0.05 and COCOeval would report nothing (the ViT-B model keeps
    # mmdet's threshold)
    test_cfg=dict(rcnn=dict(score_thr=0.0)),
)
visualizer = dict(
    type='DetLocalVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
