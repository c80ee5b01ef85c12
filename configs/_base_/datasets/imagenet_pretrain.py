# ImageNet-1k pretraining data: RandomResizedCrop(0.2-1, bicubic) + flip.
# LoadRandomResizedCrop = LoadImage + mmpretrain's RandomResizedCrop in one
# step (same crop boxes, crop chosen before decoding, JPEG draft decoding):
# see tools/benchmark_data.py.
data_root = 'data/imagenet/'
train_pipeline = [
    dict(
        type='gmae_bench.LoadRandomResizedCrop',
        scale=224,
        crop_ratio_range=(0.2, 1.0),
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    # per GPU; 8 GPUs -> 4096 (FB-MAE: 64 GPUs x 64, mmpretrain: 8 x 512)
    batch_size=512,
    num_workers=10,
    # non-persistent workers are re-seeded each epoch: exact --resume
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    collate_fn=dict(type='default_collate'),
    dataset=dict(
        type='ImageNet',
        data_root=data_root,
        split='train',
        pipeline=train_pipeline),
)
