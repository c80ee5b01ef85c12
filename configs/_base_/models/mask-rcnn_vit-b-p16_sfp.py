# ViTDet Mask R-CNN (mmdet projects/ViTDet, vitdet_mask-rcnn_vit-b-mae_lsj):
# ViT-B/16 at 1024 px with 14x14 window attention in all blocks but the
# global ones (2, 5, 8, 11), decomposed relative positions (zero init),
# the last block's stride-16 map -> SimpleFPN (strides 4-64), RPN with 2
# convs, 4conv1fc box head and mask head with LayerNorm.
_base_ = 'mmdet::_base_/models/mask-rcnn_r50_fpn.py'
norm_cfg = dict(type='gmae_bench.LN2d', requires_grad=True, eps=1e-6)
model = dict(
    data_preprocessor=dict(
        pad_size_divisor=32,
        batch_augments=[
            dict(type='BatchFixedSizePad', size=(1024, 1024), pad_mask=True)
        ]),
    backbone=dict(
        _delete_=True,
        type='gmae_bench.ViT',
        arch=dict(embed_dims=768, depth=12, num_heads=12),
        img_size=1024,
        patch_size=16,
        # ViTDet: the pretrained 224-px (14 x 14) position table, resized
        # bicubically in every forward (mmdet's get_abs_pos), and mmcv's LN
        # (eps 1e-5) in the blocks
        pretrain_img_size=224,
        norm_eps=1e-5,
        out_type='featmap',
        out_indices=(11, ),
        pos_embed_trainable=True,
        drop_path_rate=0.1,
        window_size=14,
        window_block_indexes=(0, 1, 3, 4, 6, 7, 9, 10),
        use_rel_pos=True),
    neck=dict(
        _delete_=True,
        type='gmae_bench.SimpleFPN',
        in_channels=768,
        out_channels=256,
        num_outs=5),
    rpn_head=dict(num_convs=2),
    # boxes clipped to the image content at test time, not to the LSJ
    # padding (gmae_bench/models/det_heads.py; docs/recipes.md)
    roi_head=dict(
        type='gmae_bench.ContentRoIHead',
        bbox_head=dict(
            type='Shared4Conv1FCBBoxHead',
            conv_out_channels=256,
            norm_cfg=norm_cfg),
        mask_head=dict(norm_cfg=norm_cfg)),
)
visualizer = dict(
    type='DetLocalVisualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
