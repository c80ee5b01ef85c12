# Fashion-MNIST scenes (scripts/prepare_data.py; docs/data.md) as mmseg
# class maps: 0 = background, 1 + the item's Fashion-MNIST label. Train on
# the train scenes, evaluate on the test scenes (mIoU, aAcc).
data_root = 'data/fmnist_scenes/cpu/'
crop_size = (64, 64)
classes = ('background', 'T-shirt/top', 'Trouser', 'Pullover', 'Dress',
           'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
dataset = dict(
    type='BaseSegDataset',
    data_root=data_root,
    img_suffix='.png',
    seg_map_suffix='.png',
    metainfo=dict(classes=classes),
    reduce_zero_label=False)
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,  # mmengine refuses it without workers
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        dataset,
        data_prefix=dict(img_path='train/images', seg_map_path='train/semantic'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        dataset,
        data_prefix=dict(img_path='test/images', seg_map_path='test/semantic'),
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
