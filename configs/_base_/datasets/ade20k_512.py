# ADE20K 512x512 crops (mmseg).
_base_ = 'mmseg::_base_/datasets/ade20k.py'
train_dataloader = dict(batch_size=2)  # per GPU; 8 GPUs -> 16
