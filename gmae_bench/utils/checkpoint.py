"""Checkpoint reading and strict backbone loading.

Accepts mmengine checkpoints (``{'state_dict': ...}``, keys prefixed with
``backbone.``), facebookresearch/mae checkpoints (``{'model': ...}``) and
plain timm / MAE ViT state dicts. Loading is strict: anything missing,
unexpected or of the wrong shape raises :class:`CheckpointError` with the
key names (never the silent ``load_state_dict(sd, False)``).
"""
import os.path as osp
import pickle
from typing import Callable, Dict, Optional

import torch
from mmengine.logging import print_log
from torch import Tensor, nn


class CheckpointError(RuntimeError):
    """A checkpoint file that cannot be read or does not fit the model."""


def load_checkpoint_file(path: str, map_location: str = 'cpu') -> dict:
    """torch.load with clear errors.

    Plain weight files load with ``weights_only=True``. mmengine training
    checkpoints also pickle the message hub (``HistoryBuffer`` and bound
    methods), which only a full unpickle can read: they are assumed to be
    the user's own files (work_dirs) and loaded with ``weights_only=False``.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError:
        pass  # not weights-only: an mmengine checkpoint, see docstring
    except Exception as e:  # truncated, not a torch file, ...
        raise CheckpointError(
            f'cannot read checkpoint {path}: {type(e).__name__}: {e}') from e
    try:
        return torch.load(path, map_location=map_location, weights_only=False)
    except Exception as e:
        raise CheckpointError(
            f'cannot read checkpoint {path}: {type(e).__name__}: {e}') from e


def latest_checkpoint(work_dir: str):
    """Newest complete checkpoint in ``work_dir`` (None if there is none).

    Prefers mmengine's ``last_checkpoint`` record; if that file is missing
    or unreadable (e.g. the run was killed while writing), falls back to the
    ``epoch_*/iter_*.pth`` with the highest number that is a complete file.
    """
    import glob
    import re
    import zipfile
    candidates = []
    record = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(record):
        with open(record) as f:
            candidates.append(f.read().strip())
    numbered = glob.glob(osp.join(work_dir, 'epoch_*.pth')) + glob.glob(
        osp.join(work_dir, 'iter_*.pth'))
    candidates += sorted(
        numbered,
        key=lambda p: int(re.findall(r'(\d+)\.pth$', p)[0]),
        reverse=True)
    for path in candidates:
        if osp.isfile(path) and zipfile.is_zipfile(path):
            return path
    return None


def mmengine_local_loader(filename: str, map_location=None) -> dict:
    """Replacement for mmengine's local-file loader (resume, load_from)."""
    filename = osp.expanduser(filename)
    return load_checkpoint_file(filename, map_location or 'cpu')


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
    gmae_bench, mmpretrain, mmdet, mmseg). Otherwise a timm / FB-MAE ViT
    state dict (``patch_embed.proj.weight`` at top level) is taken as it is,
    minus the MAE decoder and classifier.
    """
    sd = state_dict_of(ckpt)
    if prefix and any(k.startswith(prefix) for k in sd):
        return {
            k[len(prefix):]: v
            for k, v in sd.items() if k.startswith(prefix)
        }
    if 'patch_embed.proj.weight' in sd:  # timm / facebookresearch/mae
        drop = ('decoder', 'mask_token', 'head.')
        return {k: v for k, v in sd.items() if not k.startswith(drop)}
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
    new = [k for k in own if k not in sd and k.startswith('fc_norm.')]
    expected = {k: v for k, v in own.items() if k not in new}
    check_fits(expected, sd, path, 'this backbone', shape_ok=_pos_embed_grid)
    model.load_state_dict(sd, strict=False)  # keys checked above
    print_log(
        f'loaded {len(sd)} backbone tensors from {path} (prefix '
        f'{prefix!r}); ignored: {ignored or "none"}; newly '
        f'initialised: {new or "none"}',
        logger='current')


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
