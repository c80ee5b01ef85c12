"""Checkpoints written the way other tools write them, holding this
project's tiny MAE weights: mmengine's ``Runner.save_checkpoint``,
facebookresearch/mae's ``misc.save_model``, timm's ``CheckpointSaver`` and
a plain state dict. Each loads through every reader (the file reader, the
encoder's ``pretrained=``, mmengine's ``load_from`` / ``--resume`` loader
and ``apis.init_model``); a crafted pickle and a call hidden in
``getattr`` stay refused; non-finite weights are named at load."""
import argparse
import os
from collections import OrderedDict

import numpy as np
import pytest
import torch

from gmae_bench.apis import init_model
from gmae_bench.utils.checkpoint import (CheckpointError, load_checkpoint_file,
                                         load_from_gmae_bench)
from tests.helpers import TINY_DECODER, TINY_VIT, build

MAE = dict(
    type='gmae_bench.MaskedAutoencoder',
    backbone=dict(TINY_VIT),
    decoder=dict(TINY_DECODER, out_dim=8 * 8 * 3),
    head=dict(type='gmae_bench.PixelHead', patch_size=8, norm_pix=True))


def _model():
    torch.manual_seed(1)
    return build(MAE)


def _fb_names(model) -> OrderedDict:
    """The tiny MAE's weights under facebookresearch/mae's names."""
    out = OrderedDict()
    for k, v in model.state_dict().items():
        if k.startswith('backbone.'):
            out[k[len('backbone.'):]] = v
        else:
            k = k.replace('decoder.mask_token', 'mask_token')
            for ours, fb in (('decoder.embed.', 'decoder_embed.'),
                             ('decoder.pos_embed', 'decoder_pos_embed'),
                             ('decoder.blocks.', 'decoder_blocks.'),
                             ('decoder.norm.', 'decoder_norm.'),
                             ('decoder.pred.', 'decoder_pred.')):
                k = k.replace(ours, fb)
            out[k] = v
    return out


def _optimizer(model):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    model.loss(torch.randn(2, 3, 32, 32))['loss'].backward()
    opt.step()
    return opt.state_dict()


def write_mmengine(path, model):
    """mmengine ``Runner.save_checkpoint``: meta (numpy seed, cfg text),
    state_dict, message_hub (HistoryBuffers), optimizer, schedulers."""
    from mmengine.logging import MessageHub
    hub = MessageHub.get_instance('foreign-ckpt')
    for i in range(3):
        hub.update_scalar('train/loss', 0.5 - 0.1 * i)
        hub.update_scalar('train/lr', np.float64(1e-3))
    hub.update_info('epoch', 1)
    hub.update_info('iter', np.int64(3))
    torch.save(
        dict(
            meta=dict(
                cfg="model = dict(type='MaskedAutoencoder')\n",
                seed=np.int64(1234),
                experiment_name='x_20260101_000000',
                time='20260101_000000',
                mmengine_version='0.10.7',
                epoch=1,
                iter=3,
                dataset_meta=dict(classes=('a', 'b'))),
            state_dict=OrderedDict(model.state_dict()),
            message_hub=hub.state_dict(),
            optimizer=_optimizer(model),
            param_schedulers=[dict(base_lrs=[1e-3], last_epoch=3)]), path)


def write_fb_mae(path, model):
    """facebookresearch/mae ``misc.save_model``."""
    args = argparse.Namespace(
        batch_size=64,
        epochs=400,
        model='mae_vit_base_patch16',
        mask_ratio=0.75,
        norm_pix_loss=True,
        blr=1.5e-4,
        lr=None,
        output_dir='./output_dir',
        device='cuda',
        seed=0,
        resume='',
        dist_url='env://',
        input_size=224,
        weight_decay=0.05)
    scaler = dict(
        scale=65536.0,
        growth_factor=2.0,
        backoff_factor=0.5,
        growth_interval=2000,
        _growth_tracker=0)
    torch.save(
        dict(
            model=_fb_names(model),
            optimizer=_optimizer(model),
            epoch=10,
            scaler=scaler,
            args=args), path)


def write_timm(path, model):
    """timm ``train.py`` ``CheckpointSaver``."""
    args = argparse.Namespace(
        model='vit_base_patch16_224',
        lr=5e-4,
        epochs=100,
        opt='adamw',
        smoothing=0.1,
        mixup=0.8,
        aa='rand-m9-mstd0.5-inc1')
    torch.save(
        dict(
            epoch=3,
            arch='vit_base_patch16_224',
            state_dict=_fb_names(model),
            optimizer=_optimizer(model),
            version=2,
            args=args,
            metric=81.5), path)


def write_plain(path, model):
    torch.save(model.state_dict(), path)


FORMATS = dict(
    mmengine=write_mmengine,
    fb_mae=write_fb_mae,
    timm=write_timm,
    plain=write_plain)


@pytest.fixture(params=sorted(FORMATS))
def foreign(request, tmp_path):
    model = _model()
    path = tmp_path / f'{request.param}.pth'
    FORMATS[request.param](path, model)
    assert not os.path.exists(str(path) + '.sha256')  # another tool's file
    return request.param, str(path), model


def _same_encoder(a, b):
    sa, sb = a.backbone.state_dict(), b.backbone.state_dict()
    assert sa.keys() == sb.keys()
    for k in sa:
        torch.testing.assert_close(sa[k], sb[k], rtol=0, atol=0)


def test_file_reader_keeps_the_plain_data(foreign):
    kind, path, _ = foreign
    ckpt = load_checkpoint_file(path)
    if kind == 'mmengine':
        buf = ckpt['message_hub']['log_scalars']['train/loss']
        assert buf.mean() == pytest.approx(0.4)  # a working HistoryBuffer
        assert int(ckpt['meta']['seed']) == 1234
    if kind in ('fb_mae', 'timm'):
        assert isinstance(ckpt['args'], argparse.Namespace)


def test_encoder_pretrained_path(foreign):
    _, path, model = foreign
    enc = build(
        dict(TINY_VIT, init_cfg=dict(type='Pretrained', checkpoint=path)))
    ref = model.backbone.state_dict()
    for k, v in enc.state_dict().items():
        torch.testing.assert_close(v, ref[k], rtol=0, atol=0)


def test_mmengine_loader_path(foreign):
    """What ``load_from`` and ``--resume`` read (mmengine's CheckpointLoader
    with this project's local reader)."""
    _, path, model = foreign
    ckpt = load_from_gmae_bench(path)
    fresh = build(MAE)
    from mmengine.runner.checkpoint import load_state_dict
    load_state_dict(
        fresh,
        ckpt['state_dict'] if 'state_dict' in ckpt else ckpt,
        strict=True)
    _same_encoder(fresh, model)


def test_init_model_path(foreign):
    from mmengine.config import Config
    _, path, model = foreign
    loaded = init_model(Config(dict(model=MAE)), path)
    _same_encoder(loaded, model)


def test_resume_runs_on_an_mmengine_checkpoint(tmp_path):
    """mmengine's own resume (message hub, optimizer, meta) on a file in
    Runner.save_checkpoint's layout, read through this project's loader."""
    from mmengine.logging import MessageHub
    from mmengine.runner import CheckpointLoader

    from gmae_bench.engine import install_safe_io
    install_safe_io()
    path = tmp_path / 'epoch_1.pth'
    write_mmengine(path, _model())
    ckpt = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    hub = MessageHub.get_instance('resumed')
    hub.load_state_dict(ckpt['message_hub'])
    assert hub.get_scalar('train/loss').current() == pytest.approx(0.3)


class _Call:

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


@pytest.mark.parametrize('fn,name', [(os.system, 'system'), (eval, 'eval'),
                                     (getattr, 'getattr')])
def test_calls_stay_refused_and_are_named(tmp_path, fn, name):
    marker = tmp_path / 'RAN'
    arg = (f'touch {marker}', ) if fn is os.system else (
        f'open({str(marker)!r}, "w")', ) if fn is eval else (
            argparse.Namespace, '__init__')
    path = tmp_path / 'evil.pth'
    torch.save(
        dict(state_dict=dict(w=torch.zeros(1)), x=_Call(fn, *arg)), path)
    with pytest.raises(CheckpointError, match=name):
        load_checkpoint_file(str(path))
    assert not marker.exists()


def test_getattr_beyond_history_buffer_is_refused(tmp_path):
    """A HistoryBuffer whose statistics point at another class's method."""
    from mmengine.logging import HistoryBuffer
    buf = HistoryBuffer([1.0], [1])
    buf._statistics_methods = dict(mean=np.ndarray.tofile)
    path = tmp_path / 'odd.pth'
    torch.save(dict(message_hub=dict(log_scalars=dict(x=buf))), path)
    with pytest.raises(CheckpointError, match='refusing'):
        load_checkpoint_file(str(path))


def test_non_finite_weights_are_named_at_load(tmp_path):
    model = _model()
    sd = _fb_names(model)
    sd['blocks.0.attn.qkv.weight'][0, :2] = float('nan')
    path = tmp_path / 'diverged.pth'
    torch.save(dict(model=sd), path)
    with pytest.raises(
            CheckpointError,
            match='diverged.pth holds 2 non-finite values in '
            'blocks.0.attn.qkv.weight'):
        load_checkpoint_file(str(path))
