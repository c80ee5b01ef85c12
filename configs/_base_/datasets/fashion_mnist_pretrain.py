# Fashion-MNIST for the study's pretraining (configs/study/): the whole 60k
# train split at the native 28 px, no labels used.
# Images stay in memory (mmpretrain's FashionMNIST reads the IDX files once)
# and the per-sample pipeline is two cheap steps, so the model, not the
# data, sets the pace (tools/benchmark_study.py measures the data share).
# Augmentation is a horizontal flip only: the items are centred and
# size-normalised, so MAE's random-resized crop would mostly cut them.
data_root = 'data/fashion_mnist/'
train_pipeline = [
    dict(type='gmae_bench.GrayToRGB'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=256,
    num_workers=0,  # in-memory data: a worker process would only copy it
    persistent_workers=False,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='FashionMNIST',
        data_root=data_root,
        split='train',
        download=False,
        indices=None,  # an int: the first N images (the study's ci scale)
        pipeline=train_pipeline))
