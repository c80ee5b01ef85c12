# Fashion-MNIST scenes (scripts/prepare_data.py; docs/data.md) for
# pretraining: the train scenes' images, no annotations used. 64 px grey
# canvases, loaded as 3 equal channels. Augmentation is a horizontal flip
# only: the scenes are already random compositions, and a random-resized
# crop would cut items off at the border.
data_root = 'data/fmnist_scenes/cpu/'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=128,
    num_workers=0,  # small PNGs: a worker process would only take a core
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='CustomDataset',
        data_root=data_root,
        data_prefix='train/images',
        with_label=False,
        pipeline=train_pipeline))
