import pytest
import torch

from tests.helpers import build


def _batch(n=2, size=32):
    g = torch.Generator().manual_seed(0)
    return dict(
        inputs=[
            torch.randint(
                0, 256, (3, size, size), generator=g, dtype=torch.uint8)
            for _ in range(n)
        ],
        data_samples=None)


@pytest.mark.parametrize('cfg', ['tiny_mae_cfg', 'tiny_gmae_cfg'])
def test_loss_mode_through_preprocessor(cfg, request):
    model = build(request.getfixturevalue(cfg))
    data = model.data_preprocessor(_batch(), True)
    losses = model(**data, mode='loss')
    # the tiny MAE uses norm_pix: its pixel MSE is named for the true
    # patch statistics it needs
    mse = 'mse_pixels' if cfg == 'tiny_gmae_cfg' else 'mse_pixels_true_stats'
    assert set(losses) == {'loss', mse}
    assert torch.isfinite(losses['loss']) and not losses[mse].requires_grad


@pytest.mark.parametrize('cfg', ['tiny_mae_cfg', 'tiny_gmae_cfg'])
def test_predict_and_reconstruct(cfg, request):
    model = build(request.getfixturevalue(cfg))
    data = model.data_preprocessor(_batch(), False)
    results = model(**data, mode='predict')
    assert len(results) == 2 and results[0].recon.shape == (3, 32, 32)
    rec = model.reconstruct(data['inputs'])
    for key in ('image', 'masked', 'recon', 'pasted'):
        assert rec[key].shape == (2, 3, 32, 32)
        assert rec[key].min() >= 0 and rec[key].max() <= 1
    # pasted keeps the visible pixels of the input exactly
    p = 8
    vis = (rec['mask'] == 0).view(2, 4, 4).repeat_interleave(p, 1) \
        .repeat_interleave(p, 2).unsqueeze(1).expand(-1, 3, -1, -1)
    assert torch.allclose(rec['pasted'][vis], rec['image'][vis])
    assert ('gaussians' in rec) == (cfg == 'tiny_gmae_cfg')


def test_to_pixels_undoes_normalisation(tiny_mae_cfg):
    model = build(tiny_mae_cfg)
    raw = _batch(1)
    data = model.data_preprocessor(raw, False)
    rgb = raw['inputs'][0].flip(0).float() / 255  # BGR -> RGB
    torch.testing.assert_close(model.to_pixels(data['inputs'])[0], rgb)


def test_tensor_mode_shapes(tiny_mae_cfg, tiny_gmae_cfg):
    x = torch.randn(2, 3, 32, 32)
    assert build(tiny_mae_cfg)(x).shape == (2, 16, 192)
    assert build(tiny_gmae_cfg)(x).shape == (2, 12, 14)


def test_patch_size_mismatch_is_named(tiny_mae_cfg):
    tiny_mae_cfg['head']['patch_size'] = 16
    with pytest.raises(ValueError, match='head.patch_size'):
        build(tiny_mae_cfg)


@pytest.mark.parametrize('where,key,value,match', [
    ('backbone', 'mask_ratio', 0.0, 'at least one visible and one masked'),
    ('backbone', 'mask_ratio', 0.99, 'at least one visible and one masked'),
    ('backbone', 'mask_ratio', 1.5, r'mask_ratio must be in \[0, 1\)'),
    ('decoder', 'num_queries', -1, 'decoder.num_queries must be an integer'),
    ('decoder', 'depth', 0, 'decoder.depth'),
    ('head', 'scale_max', 0, 'head.scale_max'),
    ('backbone', 'img_size', 36, 'multiple of patch_size=8'),
])
def test_out_of_range_settings_are_named_at_build(tiny_gmae_cfg, where, key,
                                                  value, match):
    tiny_gmae_cfg[where][key] = value
    with pytest.raises(ValueError, match=match):
        build(tiny_gmae_cfg)


def test_truncated_photo_is_named_in_the_zero_shot_loader(tmp_path, data_root):
    from gmae_bench.datasets import ImageDecodeError
    from gmae_bench.zero_shot.suite import load_fixture
    src = data_root / 'masks'
    name = sorted(p.stem for p in src.glob('*_inst.png'))[0][:-len('_inst')]
    data = (src / f'{name}.png').read_bytes()
    (tmp_path / f'{name}.png').write_bytes(data[:len(data) // 3])
    (tmp_path / f'{name}_inst.png').write_bytes(
        (src / f'{name}_inst.png').read_bytes())
    with pytest.raises(ImageDecodeError, match=f'{name}.png'):
        load_fixture(str(tmp_path), name, 32)


def test_zero_shot_index_errors_name_the_file(tmp_path):
    from gmae_bench.zero_shot import read_index
    with pytest.raises(FileNotFoundError, match='index.json not found'):
        read_index(str(tmp_path))
    (tmp_path / 'index.json').write_text('[{"name": ')
    with pytest.raises(ValueError, match='index.json is not valid JSON'):
        read_index(str(tmp_path))
    (tmp_path / 'index.json').write_text('[{"nme": "x"}]')
    with pytest.raises(ValueError, match='expected a list'):
        read_index(str(tmp_path))
