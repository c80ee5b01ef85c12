"""What a shared run seed shares between the study's pretrainings, measured
through the Runner as tools/train.py builds them (docs/results.md states
it): MAE and MAE-pixel share encoder init, data order and masks; GMAE only
the data order (its decoder draws differently from the global generator)."""
import itertools

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


SCENES = {
    'mae': 'configs/scenes/mae_pretrain_scenes.py',
    'mae-pixel': 'configs/scenes/mae-pixel_pretrain_scenes.py',
    'gmae': 'configs/scenes/gmae_pretrain_scenes.py',
}


def _start(path, options, work_dir, part='backbone'):
    """Runner as tools/train.py builds it: data order, then weights."""
    from mmengine.runner import Runner

    from gmae_bench.runtime import load_config, prepare_runtime
    cfg = load_config(path, options)
    cfg = prepare_runtime(cfg, path, work_dir=str(work_dir))
    cfg.log_level = 'ERROR'
    runner = Runner.from_cfg(cfg)
    loader = runner.build_dataloader(cfg.train_dataloader)
    order = list(itertools.islice(iter(loader.sampler), 64))  # infinite
    runner.model.init_weights()
    state = {
        k: v.clone()
        for k, v in runner.model.state_dict().items()
        if (k.startswith(part) if part == 'backbone' else
            not k.startswith('backbone'))
    }
    return state, order, torch.rand(8), runner.model


def test_scenes_pretrainings_pair_as_the_fashion_mnist_ones(tmp_path):
    data = {'data_root': str(DATA / 'fmnist_scenes' / 'tiny') + '/'}
    s = {
        n: _start(p, dict(data, **{'randomness.seed': 1}), tmp_path / n)
        for n, p in SCENES.items()
    }
    assert _same_encoder(s['mae'][0], s['mae-pixel'][0])
    assert s['mae'][1] == s['mae-pixel'][1] == s['gmae'][1]
    assert torch.equal(s['mae'][2], s['mae-pixel'][2])
    assert not _same_encoder(s['mae'][0], s['gmae'][0])


def test_scenes_downstream_runs_of_one_seed_share_heads_and_data(tmp_path):
    """Mask R-CNN from two different encoders with the same seed: the
    pyramid and heads start from the same values and see the same data
    order (the loaded encoder is the only difference)."""
    data = {'data_root': str(DATA / 'fmnist_scenes' / 'tiny') + '/'}
    ckpts = {}
    for n in ('mae', 'gmae'):
        model = _start(SCENES[n], dict(data, **{'randomness.seed': 5}),
                       tmp_path / f'pre_{n}')[3]
        ckpts[n] = str(tmp_path / f'{n}.pth')
        torch.save({'state_dict': model.state_dict()}, ckpts[n])
    det = {
        n: _start(f'configs/scenes/mask-rcnn_vit-p8_{n}-pre_scenes.py',
                  dict(data, **{'randomness.seed': 0, 'pretrained': c}),
                  tmp_path / f'det_{n}', part='heads')
        for n, c in ckpts.items()
    }
    (ha, oa, _, ma), (hb, ob, _, mb) = det['mae'], det['gmae']
    assert oa == ob and set(ha) == set(hb)
    assert all(torch.equal(ha[k], hb[k]) for k in ha)
    assert not torch.equal(ma.backbone.blocks[0].attn.qkv.weight,
                           mb.backbone.blocks[0].attn.qkv.weight)


def test_paired_rng_pairs_gmae_with_mae(tmp_path):
    """model.paired_rng=True: the encoder's initialisation and the training
    masks come from the run's seed alone, so MAE, MAE-pixel and GMAE of one
    seed share them (and the data order); the masks of a resumed run
    continue the stream (they follow the saved step count)."""
    data = {'data_root': str(DATA / 'fmnist_scenes' / 'tiny') + '/',
            'randomness.seed': 3, 'model.paired_rng': True}
    s = {n: _start(p, dict(data), tmp_path / n) for n, p in SCENES.items()}
    for n in ('mae-pixel', 'gmae'):
        assert _same_encoder(s['mae'][0], s[n][0]), n
        assert s['mae'][1] == s[n][1], n
    x = torch.randn(4, 3, 64, 64)
    masks = {}
    for n, (_, _, _, model) in s.items():
        model.train()
        m1 = model.encode_decode(x)[1]
        m2 = model.encode_decode(x)[1]
        assert not torch.equal(m1, m2)  # a new draw every step
        masks[n] = (m1, m2, int(model.mask_step))
    assert all(torch.equal(masks['mae'][i], masks[n][i])
               for n in SCENES for i in (0, 1))
    # a resumed run: the step count comes back with the weights
    model = s['gmae'][3]
    state = {k: v.clone() for k, v in model.state_dict().items()}
    third = model.encode_decode(x)[1]
    model.load_state_dict(state)
    assert torch.equal(model.encode_decode(x)[1], third)
    # evaluation masks stay the caller's (seeded globally)
    model.eval()
    torch.manual_seed(0)
    a = model.encode_decode(x, 0.75)[1]
    torch.manual_seed(0)
    assert torch.equal(a, model.encode_decode(x, 0.75)[1])


def test_paired_rng_is_off_by_default_so_kept_runs_retrain_alike():
    from gmae_bench.runtime import load_config
    for path in list(CONFIGS.values()) + list(SCENES.values()):
        cfg = load_config(path, {})
        assert not cfg.model.get('paired_rng', False), path
