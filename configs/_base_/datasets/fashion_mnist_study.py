# Fashion-MNIST for the study's fine-tuning (configs/study/): the 60k train
# split of fashion_mnist_pretrain.py with labels, and the 10k test split.
_base_ = './fashion_mnist_pretrain.py'
data_root = 'data/fashion_mnist/'
test_pipeline = [
    dict(type='gmae_bench.GrayToRGB'),
    dict(type='PackInputs'),
]
val_dataloader = dict(
    batch_size=500,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='FashionMNIST',
        data_root=data_root,
        split='test',
        # mmpretrain 1.2.0's (Fashion)MNIST picks its files by test_mode,
        # not by split: without it, split='test' reads the 60k train images
        test_mode=True,
        download=False,
        indices=None,
        pipeline=test_pipeline))
val_evaluator = dict(type='Accuracy', topk=(1, ))
test_dataloader = val_dataloader
test_evaluator = val_evaluator
