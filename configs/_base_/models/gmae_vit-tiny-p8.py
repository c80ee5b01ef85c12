# GMAE twin of mae_vit-tiny-p8.py: 64 queries -> 64 Gaussians. c = 2: the
# largest on-screen std is ~8 px = one 8-px patch at 64 px (c = 1 gives
# ~one 16-px patch at 224 px).
_base_ = './mae_vit-tiny-p8.py'
model = dict(
    decoder=dict(
        out_dim=14, num_queries=64, pred_bias=False,
        pred_init='torch_default'),
    head=dict(
        _delete_=True,
        type='gmae_bench.GaussianHead',
        patch_size=8,
        norm_pix=False,
        target='pixels',  # raw [0, 1] RGB, as the GMAE authors
        scale_max=2.0,
        renderer=dict(
            backend='auto',
            background=None,  # None = white
            camera=dict(distance=8.0, model='ortho', size_by_depth=True))),
)
