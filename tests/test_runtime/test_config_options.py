"""--cfg-options as a user types them: every key is read by something
(typos fail with the nearest key), top-level variables take effect
everywhere they are used, one data_root moves every path under it, and
missing files are named before anything runs."""
import os

import pytest

from gmae_bench.runtime.config import load_config
from gmae_bench.runtime.config_check import (ConfigKeyError, check_hook_args,
                                             check_paths)

PRE = 'configs/gmae_pretrain_vit_tiny.py'
DET = 'configs/detection/mask-rcnn_vit-tiny_gmae-pre_voc-coco.py'
CLS = 'configs/classification/vit-b-p16_gmae-pre_in1k.py'


@pytest.mark.parametrize('key,value,match', [
    ('randomnes.seed', 1, "'randomnes'.*did you mean 'randomness'"),
    ('default_hooks.checkpoint.intervl', 3,
     "'intervl' is not a key of default_hooks.checkpoint.*'interval'"),
    ('model.backbone.drop_pth_rate', 0.2,
     "'drop_pth_rate'.*did you mean 'drop_path_rate'"),
    ('optim_wrapper.optimizer.weight_decy', 0.1, "'weight_decay'"),
    ('train_dataloader.batch_sise', 4, "'batch_size'"),
    ('model.backbone.mask_ratio.x', 1, 'model.backbone.mask_ratio is float'),
    ('param_scheduler.7.end', 1, 'a list of 2'),
])
def test_unknown_keys_fail_with_the_nearest_valid_one(key, value, match):
    with pytest.raises(ConfigKeyError, match=match):
        load_config(PRE, {key: value})


@pytest.mark.parametrize(
    'key,value',
    [
        ('optim_wrapper.clip_grad', dict(max_norm=2.0)),  # an OptimWrapper arg
        ('model.backbone.drop_path_rate', 0.1),  # a ViT arg not in the config
        ('train_dataloader.pin_memory', True),  # a DataLoader arg
        ('default_hooks.checkpoint.save_best', 'auto'),
        ('randomness.deterministic', True),
        ('load_from', None),  # a runner setting
        ('env_cfg.dist_cfg.timeout', 30),
    ])
def test_valid_new_keys_are_accepted(key, value):
    cfg = load_config(PRE, {key: value})
    node = cfg
    for part in key.split('.'):
        node = node[part]
    assert node == value


def test_schedule_variables_take_effect_everywhere():
    cfg = load_config(PRE, {'max_epochs': 5, 'warmup_epochs': 1})
    assert cfg.train_cfg.max_epochs == 5
    warm, cos = cfg.param_scheduler
    assert (warm.end, cos.begin, cos.end, cos.T_max) == (1, 1, 5, 4)
    assert cfg.max_epochs == 5


def test_pretrained_variable_reaches_init_cfg(tmp_path):
    ckpt = str(tmp_path / 'gmae.pth')
    for config in (DET, CLS):
        cfg = load_config(config, {'pretrained': ckpt})
        assert cfg.model.backbone.init_cfg.checkpoint == ckpt


def test_data_root_moves_every_path_under_it():
    cfg = load_config(DET, {'data_root': '/elsewhere/coco/'})
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.data_root == '/elsewhere/coco/'
    assert cfg.val_evaluator.ann_file == '/elsewhere/coco/annotations.json'
    assert cfg.test_evaluator.ann_file == '/elsewhere/coco/annotations.json'
    # ViT-B: the root comes from mmdet's own base file
    cfg = load_config('configs/detection/mask-rcnn_vit-b-p16_gmae-pre_coco.py',
                      {'data_root': '/d/coco/'})
    assert cfg.val_evaluator.ann_file == \
        '/d/coco/annotations/instances_val2017.json'
    assert cfg.train_dataloader.dataset.data_root == '/d/coco/'


def test_dataloader_data_root_moves_its_evaluator():
    cfg = load_config(DET, {'val_dataloader.dataset.data_root': '/val/root/'})
    assert cfg.val_evaluator.ann_file == '/val/root/annotations.json'
    assert cfg.test_evaluator.ann_file == 'data/voc_coco/annotations.json'


def test_missing_evaluator_file_and_checkpoint_are_named(tmp_path):
    cfg = load_config(DET, {'val_dataloader.dataset.data_root': 'data/'})
    with pytest.raises(FileNotFoundError, match='val_dataloader.*ann_file'):
        check_paths(cfg, ('val', ))
    cfg = load_config(DET, {'val_evaluator.ann_file': 'nope.json'})
    with pytest.raises(FileNotFoundError, match=r"val_evaluator\.ann_file="):
        check_paths(cfg, ('val', ))
    cfg = load_config(DET, {'pretrained': str(tmp_path / 'gone.pth')})
    with pytest.raises(
            FileNotFoundError, match=r'model\.backbone\.init_cfg\.checkpoint'):
        check_paths(cfg, ('train', ))


def test_hook_argument_typo_in_a_config_file_fails_early():
    cfg = load_config(PRE)
    cfg.default_hooks.checkpoint.intervl = 2
    with pytest.raises(
            ConfigKeyError,
            match=r"default_hooks\.checkpoint\.intervl.*"
            "'interval'"):
        check_hook_args(cfg)


def test_broken_symlink_in_an_image_folder_is_named(tmp_path):
    root = tmp_path / 'photos'
    (root / 'train').mkdir(parents=True)
    os.symlink(tmp_path / 'gone.jpg', root / 'train' / 'x.jpg')
    cfg = load_config(PRE, {'data_root': str(root)})
    with pytest.raises(FileNotFoundError, match='x.jpg is a broken symbolic'):
        check_paths(cfg, ('train', ))
