# A CPU-sized MAE for smoke runs: 64 px images, 8-px patches (64 tokens),
# 4x128 encoder, 2x64 decoder; otherwise as mae_vit-b-p16.py.
model = dict(
    type='gmae_bench.MaskedAutoencoder',
    backbone=dict(
        type='gmae_bench.ViT',
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=64,
        patch_size=8,
        mask_ratio=0.75),
    decoder=dict(
        type='gmae_bench.MAEDecoder',
        embed_dims=64,
        depth=2,
        num_heads=4,
        out_dim=8 * 8 * 3),
    head=dict(
        type='gmae_bench.PixelHead',
        patch_size=8,
        norm_pix=True,
        target='input'),  # the normalised input, as FB-MAE
)
visualizer = dict(
    type='Visualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
