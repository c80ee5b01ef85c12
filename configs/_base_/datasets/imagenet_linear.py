# ImageNet-1k linear probe (FB-MAE main_linprobe.py, mmpretrain
# imagenet_bs32_pil_resize): RandomResizedCrop 224 (scale 0.08-1, bicubic)
# + flip only; val: resize short side 256 (bicubic), centre crop 224.
_base_ = './imagenet_cls.py'
train_pipeline = [
    dict(  # LoadImage + RandomResizedCrop(0.08-1, bicubic) in one step
        type='gmae_bench.LoadRandomResizedCrop',
        scale=224,
        interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
