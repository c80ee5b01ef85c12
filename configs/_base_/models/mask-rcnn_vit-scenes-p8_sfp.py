# ViTDet Mask R-CNN on the tiny encoder (4x128, 8-px patches) for the 64-px
# Fashion-MNIST scenes, 10 classes: the ViT-B model's parts (windowed and
# global blocks, relative positions, SimpleFPN, 4conv1fc heads) at the
# scenes' size, with GroupNorm where ViTDet has LayerNorm (below). 4x4 windows in blocks 0 and 2 (the 8x8 map holds
# 2x2 of them), global blocks 1 and 3. The stride-8 ViT map gives a pyramid
# of strides 2-32. Sized for 2 CPU cores (measured: the ViT-B heads' 256
# channels cost 28 s per batch of 16 here): 64 channels in the pyramid and
# the heads (256), and, as scenes hold at most 6 items, 32 sampled RoIs per
# image (512, for COCO's crowds) from 100 proposals (2000), RoIAlign with
# 2x2 samples per bin (0 = adaptive: its CPU backward was a fifth of a step);
# at most 100 detections per image at test time.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
strides = [2, 4, 8, 16, 32]
channels = 64
# GroupNorm (32 groups, as mmdet's GN Mask R-CNN), not ViTDet's LayerNorm
# over channels, in the pyramid and both heads: on these black-canvas
# scenes this ViT's tokens carry an item's appearance largely in each
# token's scale, which a per-pixel LayerNorm divides away. Measured
# (tools/roi_probe.py; docs/results_scenes.md, finding 1): a linear probe
# on RoI features of the true boxes reads the class at 42-48 % from the
# tokens and 17-21 % after a per-pixel LayerNorm (chance 10 %), and with
# LayerNorm the RoI classifier never left the class prior; GroupNorm
# keeps 42-49 %.
norm_cfg = dict(type='GN', num_groups=32, requires_grad=True)
model = dict(
    data_preprocessor=dict(pad_size_divisor=32),
    backbone=dict(
        _delete_=True,
        type='gmae_bench.ViT',
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=64,
        patch_size=8,
        pretrain_img_size=64,  # the pretraining size: the table fits as is
        norm_eps=1e-5,
        out_type='featmap',
        out_indices=(3, ),
        pos_embed_trainable=True,
        drop_path_rate=0.1,
        window_size=4,
        window_block_indexes=(0, 2),
        use_rel_pos=True),
    neck=dict(
        _delete_=True,
        type='gmae_bench.SimpleFPN',
        in_channels=128,
        out_channels=channels,
        num_outs=5,
        norm_cfg=norm_cfg),
    rpn_head=dict(
        num_convs=2,
        in_channels=channels,
        feat_channels=channels,
        anchor_generator=dict(strides=strides)),
    # boxes clipped to the image content at test time (det_heads.py)
    roi_head=dict(
        type='gmae_bench.ContentRoIHead',
        bbox_roi_extractor=dict(
            roi_layer=dict(sampling_ratio=2),
            out_channels=channels,
            featmap_strides=strides[:4]),
        mask_roi_extractor=dict(
            roi_layer=dict(sampling_ratio=2),
            out_channels=channels,
            featmap_strides=strides[:4]),
        bbox_head=dict(
            type='Shared4Conv1FCBBoxHead',
            in_channels=channels,
            conv_out_channels=channels,
            norm_cfg=norm_cfg,
            num_classes=10),
        mask_head=dict(
            in_channels=channels,
            conv_out_channels=channels,
            norm_cfg=norm_cfg,
            num_classes=10)),
    train_cfg=dict(
        rpn_proposal=dict(nms_pre=300, max_per_img=100),
        rcnn=dict(sampler=dict(num=32))),
    # every detection up to 100 per image is scored (COCO's limit): a
    # weak encoder's boxes may all score under mmdet's 0.05, and COCOeval
    # would then report nothing instead of a low AP
    test_cfg=dict(
        rpn=dict(nms_pre=300, max_per_img=100),
        rcnn=dict(score_thr=0.0, max_per_img=100)),
)
visualizer = dict(
    type='DetLocalVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
