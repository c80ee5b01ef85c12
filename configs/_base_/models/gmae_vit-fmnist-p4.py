# GMAE twin of mae_vit-fmnist-p4.py: 64 queries -> 64 Gaussians for 49
# patches (the paper: 256 for 196, ~1.3 per patch). c = 2: with the fixed
# camera (focal = W / 2 = 14 px, depth ~8) the largest on-screen std is
# ~14 * 2 / 8 = 3.5 px, about one 4-px patch, as c = 1 gives about one
# 16-px patch at 224 px in the paper.
_base_ = './mae_vit-fmnist-p4.py'
model = dict(
    decoder=dict(
        out_dim=14, num_queries=64, pred_bias=False,
        pred_init='torch_default'),
    head=dict(
        _delete_=True,
        type='gmae_bench.GaussianHead',
        patch_size=4,
        norm_pix=False,
        target='pixels',  # raw [0, 1] RGB, as the GMAE authors
        loss_on='masked',
        scale_max=2.0,
        renderer=dict(
            backend='auto',
            background=None,  # None = white, as the authors' gsplat 0.1.0
            camera=dict(distance=8.0, model='ortho', size_by_depth=True))),
)
