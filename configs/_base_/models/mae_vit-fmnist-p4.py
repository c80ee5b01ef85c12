# The study's MAE (configs/study/): Fashion-MNIST at its native 28 px, 4-px
# patches (7 x 7 = 49 tokens), a 4 x 128 encoder (4 heads) and a 2 x 64
# decoder (4 heads); otherwise as mae_vit-b-p16.py (FB-MAE, norm_pix).
# With 49 patches the mask ratios 0.70 / 0.75 / 0.80 keep 14 / 12 / 9
# patches, three distinct settings (16 patches would make 0.70 = 0.75).
model = dict(
    type='gmae_bench.MaskedAutoencoder',
    # the model's default, written out so that a scale can set one grey
    # mean / std for all three channels (the demo does)
    data_preprocessor=dict(
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(
        type='gmae_bench.ViT',
        arch=dict(embed_dims=128, depth=4, num_heads=4),
        img_size=28,
        patch_size=4,
        mask_ratio=0.75),
    decoder=dict(
        type='gmae_bench.MAEDecoder',
        embed_dims=64,
        depth=2,
        num_heads=4,
        out_dim=4 * 4 * 3),
    head=dict(
        type='gmae_bench.PixelHead',
        patch_size=4,
        norm_pix=True,
        target='input'),  # the normalised input, as FB-MAE
)
visualizer = dict(
    type='Visualizer',
    vis_backends=[dict(type='LocalVisBackend')],
    name='visualizer')
