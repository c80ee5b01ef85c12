"""Shared fixtures: seeding, the real-data root, markers, tiny runs
(helpers live in tests/helpers.py)."""
import os
from pathlib import Path

import pytest
import torch

from tests.helpers import DATA, TINY_DECODER, TINY_VIT, run_tool


def pytest_configure(config):
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    # pytest resets warning filters per test: re-apply the package's list
    # of third-party warnings nobody can act on (gmae_bench.utils.compat)
    from gmae_bench.utils.compat import KNOWN_WARNINGS
    for category, message, module, _ in KNOWN_WARNINGS:
        config.addinivalue_line(
            'filterwarnings',
            f'ignore:{message}:{category.__name__}:{module}')


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(reason='needs a CUDA device')
    for item in items:
        if 'cuda' in item.keywords and not torch.cuda.is_available():
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)
    yield


@pytest.fixture(scope='session')
def data_root() -> Path:
    """Real images installed by scripts/prepare_data.py (never synthetic)."""
    if not (DATA / 'photos/train').is_dir():
        pytest.fail(f'real test data missing under {DATA}: run '
                    'scripts/setup_env.sh (scripts/test.sh does it)')
    return DATA


@pytest.fixture
def tiny_mae_cfg() -> dict:
    return dict(
        type='gmae_bench.MaskedAutoencoder',
        backbone=dict(TINY_VIT),
        decoder=dict(TINY_DECODER, out_dim=8 * 8 * 3),
        head=dict(type='gmae_bench.PixelHead', patch_size=8, norm_pix=True))


@pytest.fixture
def tiny_gmae_cfg() -> dict:
    return dict(
        type='gmae_bench.MaskedAutoencoder',
        backbone=dict(TINY_VIT),
        decoder=dict(
            TINY_DECODER,
            out_dim=14,
            num_queries=12,
            pred_bias=False,
            pred_init='torch_default'),
        head=dict(
            type='gmae_bench.GaussianHead',
            patch_size=8,
            scale_max=2.0,
            renderer=dict(backend='torch')))


@pytest.fixture(scope='session')
def tiny_runs(tmp_path_factory, data_root) -> dict:
    """Very short tiny MAE (norm_pix), MAE (pixel targets) and GMAE
    pretraining runs on the real photos: {'mae': work_dir, 'mae-pixel':
    work_dir, 'gmae': work_dir}, each with epoch_1.pth."""
    import sys
    out = {}
    for method in ('mae', 'mae-pixel', 'gmae'):
        wd = tmp_path_factory.mktemp(f'{method}_pretrain_vit_tiny')
        run_tool([
            sys.executable, 'tools/train.py',
            f'configs/{method}_pretrain_vit_tiny.py', '--work-dir',
            str(wd), '--cfg-options', 'train_dataloader.dataset.times=1',
            'train_cfg.max_epochs=1', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False'
        ])
        out[method] = wd
    return out
