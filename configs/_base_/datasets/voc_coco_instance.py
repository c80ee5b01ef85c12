# labelme's 3 PASCAL VOC2011 photos with human polygons in COCO format
# (scripts/prepare_data.py). Train = val: a pipeline check, not a benchmark.
data_root = 'data/voc_coco/'
image_size = (128, 128)
classes = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car',
           'cat', 'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike',
           'person', 'potted plant', 'sheep', 'sofa', 'train', 'tv/monitor')
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='Pad', size=image_size, pad_val=dict(img=(114, 114, 114))),
    dict(type='PackDetInputs'),
]
# No Pad at test time: mmdet's Pad sets img_shape to the padded size, so
# boxes would be clipped to the padding instead of the image; the data
# preprocessor pads the batch to a multiple of 32 anyway.
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=image_size, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True, with_mask=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor')),
]
dataset = dict(
    type='CocoDataset',
    data_root=data_root,
    ann_file='annotations.json',
    data_prefix=dict(img=''),
    metainfo=dict(classes=classes))
train_dataloader = dict(
    batch_size=2,
    num_workers=0,
    persistent_workers=False,  # mmengine refuses it without workers
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        dataset,
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=0,
    persistent_workers=False,  # mmengine refuses it without workers
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(dataset, test_mode=True, pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations.json',
    metric=['bbox', 'segm'],
    format_only=False)
test_evaluator = val_evaluator
