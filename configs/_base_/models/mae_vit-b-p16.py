# MAE: ViT-B/16 encoder, 8x512 decoder predicting p*p*3 pixels per patch,
# masked-patch MSE with per-patch normalised targets (FB-MAE norm_pix_loss).
model = dict(
    type='gmae_bench.MaskedAutoencoder',
    backbone=dict(
        type='gmae_bench.ViT',
        arch=dict(embed_dims=768, depth=12, num_heads=12),  # ViT-B
        img_size=224,
        patch_size=16,
        mask_ratio=0.75),
    decoder=dict(
        type='gmae_bench.MAEDecoder',
        embed_dims=512,
        depth=8,
        num_heads=16,
        out_dim=16 * 16 * 3),
    head=dict(
        type='gmae_bench.PixelHead',
        patch_size=16,
        norm_pix=True,
        target='input'),  # the normalised input, as FB-MAE
)
visualizer = dict(
    type='Visualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
