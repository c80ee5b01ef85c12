"""gmae_bench.apis: one way to build, load and use a model."""
import numpy as np
import pytest
import torch

from gmae_bench.apis import init_model, reconstruct, render_layers

GMAE = 'configs/gmae_pretrain_vit_tiny.py'


def test_reconstruct_files_and_arrays(data_root):
    model = init_model(GMAE)
    photo = sorted((data_root / 'photos/train').glob('*.png'))[0]
    grey = np.full((50, 70), 128, np.uint8)
    out = reconstruct(model, [str(photo), grey], mask_ratio=0.5)
    assert out['recon'].shape == (2, 3, 64, 64)
    assert out['mask'].float().mean() == pytest.approx(0.5)
    assert out['gaussians'].means.shape == (2, 64, 3)
    again = reconstruct(model, [str(photo), grey], mask_ratio=0.5)
    assert torch.equal(out['recon'], again['recon'])  # seeded masking


def test_render_layers_gives_the_zero_shot_readouts(data_root):
    model = init_model(GMAE)
    photo = str(sorted((data_root / 'photos/train').glob('*.png'))[0])
    out = render_layers(model, [photo], num_layers=4, ks=(8, 32))
    assert sorted(out['first_k']) == [8, 32, 64]
    assert len(out['layers']) == 4 and out['layers'][0].shape == (1, 3, 64, 64)
    assert out['layer_map'].shape == (1, 64, 64)
    assert 0 <= int(out['layer_map'].min()) and int(
        out['layer_map'].max()) <= 4
    assert out['edges'].shape == (1, 64, 64)
    with pytest.raises(ValueError, match='needs a GMAE'):
        render_layers(init_model('configs/mae_pretrain_vit_tiny.py'), [photo])


def test_init_model_loads_strictly_and_checks_options(tmp_path):
    model = init_model(GMAE, cfg_options={'model.head.scale_max': 3.0})
    assert model.head.scale_max == 3.0 and not model.training
    path = tmp_path / 'ckpt.pth'
    torch.save({'state_dict': model.state_dict()}, path)
    same = init_model(
        GMAE, str(path), cfg_options={'model.head.scale_max': 3.0})
    for k, v in model.state_dict().items():
        assert torch.equal(v, same.state_dict()[k]), k
    from gmae_bench.utils.checkpoint import CheckpointError
    with pytest.raises(CheckpointError, match='does not fit'):
        init_model('configs/mae_pretrain_vit_tiny.py', str(path))
