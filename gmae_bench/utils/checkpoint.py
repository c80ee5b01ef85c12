"""Checkpoint reading and strict backbone loading.

Accepts mmengine checkpoints (``{'state_dict': ...}``, keys prefixed with
``backbone.``), facebookresearch/mae checkpoints (``{'model': ...}``, the
encoder alone or the full pretraining model with its decoder) and plain timm
ViT state dicts. FB-MAE / timm names map onto :class:`MaskedAutoencoder`'s
by one table, :data:`FB_MAE_KEYS` (:func:`to_model_layout`). Loading is
strict: anything missing, unexpected or of the wrong shape raises
:class:`CheckpointError` with the key names (never the silent
``load_state_dict(sd, False)``).
"""
import glob
import hashlib
import os
import os.path as osp
import pickle
import re
import zipfile
from typing import Callable, Dict, List, Optional

import torch
from mmengine.logging import print_log
from torch import Tensor, nn

# Opt-in for unpickling a checkpoint that this project wrote (its
# ``.sha256`` matches) but that the safe loader cannot read.
ALLOW_PICKLE_ENV = 'GMAE_BENCH_ALLOW_PICKLE'


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be read or does not fit the model."""


# ----------------------------------------------------------------------
# content hash: ``<file>.sha256`` next to every checkpoint this project
# writes (``sha256sum -c`` reads it)
# ----------------------------------------------------------------------
def sha256_sidecar(path: str) -> str:
    return path + '.sha256'


def write_sha256_sidecar(path: str, data: bytes, write: Callable) -> None:
    """Write ``<path>.sha256`` for the bytes ``data`` of ``path`` with
    ``write(bytes, filepath)`` (an atomic writer)."""
    digest = hashlib.sha256(data).hexdigest()
    write(f'{digest}  {osp.basename(path)}\n'.encode(), sha256_sidecar(path))


def file_sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 22), b''):
            h.update(block)
    return h.hexdigest()


def verify_sha256(path: str) -> Optional[bool]:
    """True / False if ``path`` has a ``.sha256`` that matches / does not;
    None if it has none (a file this project did not write)."""
    sidecar = sha256_sidecar(path)
    if not osp.isfile(sidecar):
        return None
    with open(sidecar) as f:
        expected = f.read().split()[:1]
    return bool(expected) and expected[0] == file_sha256(path)


# ----------------------------------------------------------------------
# plain data that other tools pickle beside their tensors
# ----------------------------------------------------------------------
# mmengine's HistoryBuffer pickles its statistics as getattr(HistoryBuffer,
# 'mean') etc.; these four look-ups are the only getattr calls allowed
HISTORY_BUFFER_METHODS = ('mean', 'max', 'min', 'current')


def _guarded_getattr(obj, name):
    """``builtins.getattr`` as the checkpoint reader allows it: only the
    statistics of mmengine's ``HistoryBuffer``; anything else is refused
    with what it would have looked up."""
    if (isinstance(obj, type) and obj.__name__ == 'HistoryBuffer'
            and obj.__module__.startswith('mmengine.')
            and name in HISTORY_BUFFER_METHODS):
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'the file calls builtins.getattr({getattr(obj, "__name__", obj)!r}'
        f', {name!r})')


def plain_data_globals() -> List[object]:
    """What mmengine, facebookresearch/mae and timm pickle beside tensors,
    allowed for ``torch.load(weights_only=True)``: ``argparse.Namespace``
    (FB-MAE's and timm's ``args``), numpy scalars / arrays / dtypes
    (mmengine's seeds and log buffers), mmengine's ``HistoryBuffer`` (its
    ``message_hub``) and the guarded ``getattr`` above. None of them runs
    code when rebuilt; everything else stays refused."""
    import argparse

    import numpy as np
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray
    out: List[object] = [argparse.Namespace, np.ndarray, np.dtype]
    for fn in (multiarray._reconstruct, multiarray.scalar):
        for mod in ('numpy.core.multiarray', 'numpy._core.multiarray'):
            out.append((fn, f'{mod}.{fn.__name__}'))
    out += sorted({type(np.dtype(c)) for c in '?bBhHiIlLqQefdgFDGUS'}, key=str)
    try:
        from mmengine.logging.history_buffer import HistoryBuffer
        out.append(HistoryBuffer)
    except ImportError:
        pass
    out += [(_guarded_getattr, 'builtins.getattr'),
            (_guarded_getattr, '__builtin__.getattr')]
    return out


def _global_name(g) -> str:
    if isinstance(g, tuple):
        return g[1]
    return f'{g.__module__}.{g.__qualname__}'


def non_finite_report(path: str, ckpt) -> Optional[str]:
    """'PATH holds N non-finite values in KEY' for the first weight tensor
    with NaN / inf (None when all are finite)."""
    try:
        sd = state_dict_of(ckpt) if isinstance(ckpt, dict) else {}
    except CheckpointError:
        return None
    for key, value in sd.items():
        if isinstance(value, Tensor) and value.is_floating_point():
            bad = int((~torch.isfinite(value)).sum())
            if bad:
                return (f'{path} holds {bad} non-finite value'
                        f'{"s" if bad > 1 else ""} in {key}')
    return None


def load_checkpoint_file(path: str, map_location: str = 'cpu') -> dict:
    """Read a checkpoint safely, with errors that name the file.

    * A checkpoint with a ``.sha256`` (every one this project writes) must
      match it: flipped bytes are reported here, not as a NaN loss later.
    * Only ``torch.load(weights_only=True)`` is used: tensors, numbers,
      strings, containers and the plain data other tools store beside
      them (:func:`plain_data_globals`: mmengine's message hub and numpy
      seeds, FB-MAE's and timm's ``args`` namespaces). A file that needs
      more (``os.system``, ``eval``, any other class or call) is never
      unpickled, and the error names what it would have imported; one
      exception the user opts into: ``GMAE_BENCH_ALLOW_PICKLE=1`` for a
      file this project wrote (its ``.sha256`` matches).
    * A file without a ``.sha256`` (another tool's) whose weights hold NaN
      or inf is refused here, naming the tensor.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    ours = verify_sha256(path)
    if ours is False:
        raise CheckpointError(
            f'checkpoint {path} does not match its content hash '
            f'{sha256_sidecar(path)}: the file changed after it was written '
            '(disk or copy error, or edited). Use an earlier checkpoint or '
            'copy the file again.')
    try:
        with torch.serialization.safe_globals(plain_data_globals()):
            ckpt = torch.load(
                path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        unsafe = _unsafe_globals(path)
        if ours and os.environ.get(ALLOW_PICKLE_ENV) == '1':
            print_log(
                f'{ALLOW_PICKLE_ENV}=1: unpickling {path} (written by '
                f'gmae_bench, hash verified; needs {unsafe})',
                logger='current',
                level=30)
            return torch.load(
                path, map_location=map_location, weights_only=False)
        why = ('it was written by gmae_bench (hash verified): set '
               f'{ALLOW_PICKLE_ENV}=1 to unpickle it if you trust it'
               if ours else 'this project did not write it (no matching '
               '.sha256 next to it), so it is never unpickled')
        raise CheckpointError(
            f'refusing to load {path}: besides tensors it holds pickled '
            f'Python objects ({", ".join(unsafe) or e}), and unpickling '
            f'runs code stored in the file; {why}. Checkpoints of weights '
            '(facebookresearch/mae, timm, gmae_bench) need no unpickling.'
        ) from e
    except Exception as e:  # truncated, not a torch file, ...
        raise CheckpointError(
            f'cannot read checkpoint {path}: {type(e).__name__}: {e}') from e
    if ours is None:  # another tool's file: no hash vouches for it
        bad = non_finite_report(path, ckpt)
        if bad:
            raise CheckpointError(
                f'{bad}: the weights are broken (a diverged run?); use '
                'another checkpoint')
    return ckpt


def _unsafe_globals(path: str) -> List[str]:
    """The Python objects a checkpoint would import beyond plain data (read
    without running anything)."""
    allowed = {_global_name(g) for g in plain_data_globals()}
    try:
        found = torch.serialization.get_unsafe_globals_in_checkpoint(path)
    except Exception:  # an old-format or odd file: no list, still refused
        return []
    return [g for g in found if g not in allowed]


def _step(path: str):
    """Sort key of a checkpoint name: ``epoch_E.pth`` -> (E, 0); a
    mid-epoch preemption checkpoint ``epoch_E_iter_N.pth`` -> (E - 1, N),
    after ``epoch_{E-1}`` and before ``epoch_E``; ``iter_N.pth`` -> (0,
    N)."""
    name = osp.basename(path)
    m = re.match(r'epoch_(\d+)_iter_(\d+)\.pth$', name)
    if m:
        return int(m.group(1)) - 1, int(m.group(2))
    m = re.match(r'epoch_(\d+)\.pth$', name)
    if m:
        return int(m.group(1)), 0
    return 0, int(re.findall(r'(\d+)\.pth$', name)[0])


def latest_checkpoint(work_dir: str) -> Optional[str]:
    """Newest complete checkpoint in ``work_dir`` (None if there is none).

    Complete: a whole zip file whose ``.sha256`` (if any) matches. The
    newest such ``epoch_*.pth`` / ``iter_*.pth`` wins, whatever mmengine's
    ``last_checkpoint`` record says (a kill between writing a checkpoint
    and the record leaves the record one behind). But a record naming a
    file that does not exist means checkpoints were lost: that raises
    :class:`CheckpointError` instead of resuming from something older or
    starting over.
    """
    numbered = glob.glob(osp.join(work_dir, 'epoch_*.pth')) + glob.glob(
        osp.join(work_dir, 'iter_*.pth'))
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record) as f:
            announced = f.read().strip()
        local = osp.join(work_dir, osp.basename(announced))
        if announced and not (osp.isfile(announced) or osp.isfile(local)):
            raise CheckpointError(
                f'{record} names {announced}, which does not exist: '
                'checkpoints of this run were deleted or moved. Restore '
                'them, or resume from a file of your choice with --resume '
                'PATH (or start over in a new --work-dir).')
    skipped = []
    for path in sorted(numbered, key=_step, reverse=True):
        if zipfile.is_zipfile(path) and verify_sha256(path) is not False:
            if skipped:
                print_log(
                    f'resume: skipped incomplete or corrupt {skipped}',
                    logger='current',
                    level=30)
            return path
        skipped.append(path)
    if skipped:
        raise CheckpointError(
            f'no complete checkpoint in {work_dir}: {skipped} are '
            'truncated or do not match their .sha256')
    return None


def load_from_gmae_bench(filename: str, map_location=None) -> dict:
    """Replacement for mmengine's local-file loader (resume, load_from,
    ``Pretrained`` init): FB-MAE / timm checkpoints come back as
    ``{'state_dict': <MaskedAutoencoder names>, 'meta': {}}``
    (:func:`to_model_layout`), so ``load_from`` continues pretraining from
    ``mae_pretrain_vit_base_full.pth``."""
    filename = osp.expanduser(filename)
    ckpt = load_checkpoint_file(filename, map_location or 'cpu')
    if isinstance(ckpt, dict):
        try:
            sd = state_dict_of(ckpt)
        except CheckpointError:
            return ckpt
        if is_vit_layout(sd):  # FB-MAE's 'model', timm's 'state_dict', plain
            return dict(state_dict=to_model_layout(sd), meta={})
    return ckpt


# facebookresearch/mae ``MaskedAutoencoderViT`` name -> MaskedAutoencoder
# name (prefix or whole key). Everything else is the encoder: ``backbone.``
# + the same name (timm's ViT names are shared).
FB_MAE_KEYS = (
    ('decoder_embed.', 'decoder.embed.'),
    ('decoder_pos_embed', 'decoder.pos_embed'),
    ('decoder_blocks.', 'decoder.blocks.'),
    ('decoder_norm.', 'decoder.norm.'),
    ('decoder_pred.', 'decoder.pred.'),
    ('mask_token', 'decoder.mask_token'),
)


def is_vit_layout(sd: Dict[str, Tensor]) -> bool:
    """True for a facebookresearch/mae or timm ViT state dict (encoder
    keys at top level) rather than one of a gmae_bench model."""
    return 'patch_embed.proj.weight' in sd


def to_model_layout(sd: Dict[str, Tensor]) -> Dict[str, Tensor]:
    """Rename a facebookresearch/mae (with or without decoder) or timm ViT
    state dict to :class:`MaskedAutoencoder`'s names (:data:`FB_MAE_KEYS`);
    a gmae_bench state dict is returned as it is."""
    if not is_vit_layout(sd):
        return sd
    out = {}
    for key, value in sd.items():
        for fb, ours in FB_MAE_KEYS:
            if key == fb or (fb.endswith('.') and key.startswith(fb)):
                out[ours + key[len(fb):]] = value
                break
        else:
            out['backbone.' + key] = value
    return out


def state_dict_of(ckpt: dict) -> Dict[str, Tensor]:
    """The tensor dict inside mmengine / FB-MAE / plain checkpoints."""
    for key in ('state_dict', 'model', 'module'):
        if isinstance(ckpt.get(key), dict):
            return ckpt[key]
    if ckpt and all(isinstance(v, Tensor) for v in ckpt.values()):
        return ckpt
    raise CheckpointError('checkpoint has no state_dict / model / module '
                          f'entry; top-level keys: {sorted(ckpt)[:10]}')


def backbone_state_dict(ckpt: dict,
                        prefix: str = 'backbone.',
                        source: str = 'checkpoint') -> Dict[str, Tensor]:
    """Encoder weights with ``prefix`` stripped.

    Keys under ``prefix`` are taken when present (mmengine checkpoints of
    gmae_bench, mmpretrain, mmdet, mmseg). A timm / FB-MAE ViT state dict
    (``patch_embed.proj.weight`` at top level) is taken through
    :func:`to_model_layout`, minus its decoder and classifier (``head.``).
    """
    sd = state_dict_of(ckpt)
    if is_vit_layout(sd):
        enc = {
            k[len('backbone.'):]: v
            for k, v in to_model_layout(sd).items()
            if k.startswith('backbone.')
        }
        return {k: v for k, v in enc.items() if not k.startswith('head.')}
    if prefix and any(k.startswith(prefix) for k in sd):
        return {
            k[len(prefix):]: v
            for k, v in sd.items() if k.startswith(prefix)
        }
    raise CheckpointError(
        f"{source}: no key starts with prefix {prefix!r} and it is not a "
        f'timm/MAE ViT state dict; first keys: {sorted(sd)[:8]}')


def load_pretrained_backbone(model: nn.Module,
                             path: str,
                             prefix: str = 'backbone.') -> None:
    """Strictly load a pretrained encoder into ``model`` (a gmae_bench ViT).

    Expected differences are allowed and reported: the final ``norm`` of a
    pretraining checkpoint is ignored by a ViT without one (featmap /
    avg_featmap outputs) and a new ``fc_norm`` starts from its init.
    Everything else must match by name and shape.
    """
    sd = backbone_state_dict(load_checkpoint_file(path), prefix, path)
    own = model.state_dict()
    ignored = [
        k for k in sd if k not in own and k.startswith(('norm.', 'fc_norm.'))
    ]
    sd = {k: v for k, v in sd.items() if k not in ignored}
    new = [k for k in own if k not in sd and _new_in_task(k)]
    expected = {k: v for k, v in own.items() if k not in new}
    check_fits(expected, sd, path, 'this backbone', shape_ok=_pos_embed_grid)
    model.load_state_dict(sd, strict=False)  # keys checked above
    print_log(
        f'loaded {len(sd)} backbone tensors from {path} (prefix '
        f'{prefix!r}); ignored: {ignored or "none"}; newly '
        f'initialised: {new or "none"}',
        logger='current')


def _new_in_task(key: str) -> bool:
    """Parameters a downstream ViT adds to a pretrained encoder: ``fc_norm``
    (mean-pooled fine-tuning) and ViTDet's relative position tables."""
    return key.startswith('fc_norm.') or key.endswith(
        ('attn.rel_pos_h', 'attn.rel_pos_w'))


def load_pretrained_model(model: nn.Module,
                          path: str,
                          target: Optional[str] = None) -> None:
    """Strictly load a whole checkpoint into ``model`` (a
    :class:`MaskedAutoencoder`'s ``init_cfg=dict(type='Pretrained',
    checkpoint=...)``, ``apis.init_model``): a gmae_bench checkpoint or
    facebookresearch/mae's full one (``mae_pretrain_vit_base_full.pth``),
    via :func:`to_model_layout`. ``target`` names the model in errors
    (default: its class)."""
    sd = to_model_layout(state_dict_of(load_checkpoint_file(path)))
    check_fits(model.state_dict(), sd, path, target or type(model).__name__)
    model.load_state_dict(sd)
    print_log(f'loaded {len(sd)} tensors from {path}', logger='current')


def _pos_embed_grid(key: str, ckpt: Tensor, model: Tensor) -> bool:
    """pos_embed may differ in its grid (the ViT's load hook resizes it),
    never in width."""
    return key == 'pos_embed' and ckpt.shape[-1] == model.shape[-1]


def check_fits(own: Dict[str, Tensor],
               sd: Dict[str, Tensor],
               source: str,
               target: str,
               shape_ok: Optional[Callable] = None) -> None:
    """Raise :class:`CheckpointError` unless ``sd`` has exactly the keys and
    shapes of ``own`` (a model's state dict), naming ``source`` (the file),
    ``target`` (the model) and up to 12 keys per kind of mismatch.
    ``shape_ok(key, ckpt_tensor, model_tensor)`` may accept a shape
    difference the model resolves itself."""
    missing = [k for k in own if k not in sd]
    unexpected = [k for k in sd if k not in own]
    wrong = [
        f'{k}: checkpoint {tuple(v.shape)} vs model {tuple(own[k].shape)}'
        for k, v in sd.items() if k in own and v.shape != own[k].shape
        and not (shape_ok and shape_ok(k, v, own[k]))
    ]
    parts = []
    for title, keys in (('missing in checkpoint', missing),
                        ('not in model', unexpected), ('shape mismatch',
                                                       wrong)):
        if keys:
            shown = ', '.join(keys[:12]) + (' ...' if len(keys) > 12 else '')
            parts.append(f'{title} ({len(keys)}): {shown}')
    if parts:
        raise CheckpointError(
            f'checkpoint {source} does not fit {target} (wrong model or '
            'prefix?): ' + '; '.join(parts))
