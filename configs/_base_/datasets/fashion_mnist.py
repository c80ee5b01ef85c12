# Fashion-MNIST (Debian package, installed by scripts/prepare_data.py): the
# real classification set for CPU smoke runs. 28x28 grey -> RGB, resized.
data_root = 'data/fashion_mnist/'
train_pipeline = [
    dict(type='gmae_bench.GrayToRGB'),
    dict(type='Resize', scale=(64, 64), interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='gmae_bench.GrayToRGB'),
    dict(type='Resize', scale=(64, 64), interpolation='bicubic'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,  # mmengine refuses it without workers
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='FashionMNIST',
        data_root=data_root,
        split='train',
        download=False,
        indices=2048,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=64,
    num_workers=0,
    persistent_workers=False,  # mmengine refuses it without workers
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='FashionMNIST',
        data_root=data_root,
        split='test',
        # mmpretrain 1.2.0's (Fashion)MNIST picks its files by test_mode,
        # not by split: without it, split='test' reads the 60k train images
        test_mode=True,
        download=False,
        indices=512,
        pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
