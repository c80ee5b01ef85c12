import pytest
import torch

from tests.helpers import build


@pytest.mark.parametrize('num_outs', [4, 5])
def test_pyramid_strides(num_outs):
    fpn = build(
        dict(
            type='gmae_bench.SimpleFPN',
            in_channels=32,
            out_channels=16,
            num_outs=num_outs))
    outs = fpn((torch.randn(2, 32, 8, 8), ))  # stride 16 of a 128-px image
    sizes = [o.shape[-1] for o in outs]
    assert sizes == [32, 16, 8, 4, 2][:num_outs]  # strides 4 ... 64
    assert all(o.shape[:2] == (2, 16) for o in outs)


def test_builds_from_mmdet_scope():
    pytest.importorskip('mmdet')
    from mmdet.registry import MODELS
    from mmengine.registry import DefaultScope

    import gmae_bench.models  # noqa: F401
    with DefaultScope.overwrite_default_scope('mmdet'):
        fpn = MODELS.build(
            dict(type='gmae_bench.SimpleFPN', in_channels=32, out_channels=16))
    assert type(fpn).__name__ == 'SimpleFPN'


def test_norm_cfg_swaps_every_norm_and_keeps_the_keys():
    """norm_cfg replaces the 4x path's and every conv's LayerNorm (mmdet's
    SimpleFPN argument); parameter names stay, so checkpoints still load."""
    ln = build(dict(type='gmae_bench.SimpleFPN', in_channels=32,
                    out_channels=16))
    gn = build(
        dict(
            type='gmae_bench.SimpleFPN',
            in_channels=32,
            out_channels=16,
            norm_cfg=dict(type='GN', num_groups=4)))
    assert list(ln.state_dict()) == list(gn.state_dict())
    kinds = {type(m).__name__ for m in gn.modules()}
    assert 'GroupNorm' in kinds and 'LayerNorm2d' not in kinds
    assert sum(isinstance(m, torch.nn.GroupNorm) for m in gn.modules()) == 9
    outs = gn((torch.randn(2, 32, 8, 8), ))
    assert all(torch.isfinite(o).all() for o in outs)
