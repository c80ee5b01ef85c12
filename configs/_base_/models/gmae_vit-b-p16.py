# GMAE = MAE with k learnable queries -> k Gaussians (14 numbers each),
# splatted by a fixed camera; masked-patch MSE on raw [0, 1] pixels.
_base_ = './mae_vit-b-p16.py'
model = dict(
    decoder=dict(
        out_dim=14,
        num_queries=256,
        pred_bias=False,
        pred_init='torch_default'),
    head=dict(
        _delete_=True,
        type='gmae_bench.GaussianHead',
        patch_size=16,
        norm_pix=False,
        target='pixels',  # raw [0, 1] RGB, as the GMAE authors
        scale_max=1.0,
        renderer=dict(
            backend='auto',
            background=None,  # None = white
            camera=dict(distance=8.0, model='ortho', size_by_depth=True))),
)
