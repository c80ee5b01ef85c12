"""What a shared run seed shares between the study's pretrainings, measured
through the Runner as tools/train.py builds them (docs/results.md states
it): MAE and MAE-pixel share encoder init, data order and masks; GMAE only
the data order (its decoder draws differently from the global generator)."""
import pytest
import torch

from tests.helpers import DATA

CONFIGS = {
    'mae': 'configs/study/mae_pretrain_fmnist.py',
    'mae-pixel': 'configs/study/mae-pixel_pretrain_fmnist.py',
    'gmae': 'configs/study/gmae_pretrain_fmnist.py',
}


@pytest.fixture(scope='module')
def starts(tmp_path_factory):
    from mmengine.runner import Runner

    from gmae_bench.runtime import load_config, prepare_runtime
    out = {}
    for name, path in CONFIGS.items():
        cfg = load_config(
            path, {
                'randomness.seed': 0,
                'train_dataloader.dataset.indices': 256,
                'data_root': str(DATA / 'fashion_mnist') + '/'
            })
        cfg = prepare_runtime(
            cfg, path, work_dir=str(tmp_path_factory.mktemp(name)))
        cfg.log_level = 'ERROR'
        runner = Runner.from_cfg(cfg)
        loader = runner.build_dataloader(cfg.train_dataloader)
        order = list(iter(loader.sampler))
        runner.model.init_weights()  # as Runner.train does, after loaders
        encoder = {
            k: v.clone()
            for k, v in runner.model.backbone.state_dict().items()
        }
        out[name] = (encoder, order, torch.rand(8))  # next draw: the masks
    return out


def _same_encoder(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


def test_mae_and_mae_pixel_are_paired(starts):
    (ea, oa, ma), (eb, ob, mb) = starts['mae'], starts['mae-pixel']
    assert _same_encoder(ea, eb) and oa == ob and torch.equal(ma, mb)


def test_gmae_shares_only_the_data_order(starts):
    (ea, oa, ma), (eg, og, mg) = starts['mae'], starts['gmae']
    assert oa == og
    assert not _same_encoder(ea, eg) and not torch.equal(ma, mg)
