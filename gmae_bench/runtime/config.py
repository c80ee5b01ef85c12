"""Config loading and the runtime switches of tools/train.py / test.py.

``--cfg-options`` follow two rules beyond mmengine's:

* **Every key must be read by something** (:mod:`.config_check`): a typo
  fails before anything runs, naming the nearest valid key.
* **Top-level variables take effect everywhere.** Config files compute
  values from variables (``max_epochs`` in the schedule, ``pretrained`` in
  ``init_cfg``, ``data_root`` in dataset and evaluator paths) when they are
  read, so setting the variable afterwards changes nothing. A top-level
  override of a variable that this project's config files assign is
  therefore applied to the files' source, and the config is read again; a
  path-valued variable (``data_root``) also moves every path under its old
  value (the toolbox bases that use their own ``data_root``). Overriding
  ``{train,val,test}_dataloader.dataset.data_root`` moves the matching
  evaluator's files along.
"""
import argparse
import ast
import os
import os.path as osp
import tempfile
from typing import Any, Dict, List, Optional, Sequence

from mmengine.config import Config
from mmengine.logging import print_log

from ..engine.atomic_io import write_text_atomic
from .config_check import check_hook_args, check_option_keys

# process-group timeout when the config sets none (gloo / NCCL default is
# 30 min): a frozen rank is reported after this long
DEFAULT_DIST_TIMEOUT_S = 600


def add_runtime_args(parser: argparse.ArgumentParser) -> None:
    """Arguments shared by tools/train.py and tools/test.py."""
    from mmengine.config import DictAction
    parser.add_argument(
        '--work-dir',
        help='where logs, checkpoints and '
        'results go (default: work_dirs/<config name>)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        metavar='KEY=VALUE',
        help='override config keys, e.g. model.head.scale_max=2.0 or '
        'max_epochs=100 (variables take effect everywhere they are used)')
    parser.add_argument(
        '--launcher',
        default='none',
        choices=['none', 'pytorch', 'slurm', 'mpi'])
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def parse_tool_args(parser: argparse.ArgumentParser,
                    argv=None) -> argparse.Namespace:
    """Parse, and export LOCAL_RANK for launchers that pass --local-rank."""
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


# ----------------------------------------------------------------------
# loading with overrides
# ----------------------------------------------------------------------
def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Read a config file and apply ``--cfg-options`` (see module doc)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    options = dict(cfg_options or {})
    if not options:
        return cfg
    check_option_keys(cfg, options)
    variables = {k: v for k, v in options.items() if '.' not in k}
    chain = config_chain(path)
    assigned = {
        k
        for k in variables if any(k in assigned_names(f) for f in chain)
    }
    new = _read_with_variables(path, chain,
                               {k: variables[k]
                                for k in assigned}) if assigned else cfg
    for key in variables:  # paths under a path-valued variable move along
        old = cfg.get(key)
        if _is_path(old) and isinstance(variables[key], str):
            _move_paths(new, old, variables[key])
    for key, value in options.items():
        parts = key.split('.')
        if len(parts) >= 3 and parts[-1] == 'data_root' and \
                parts[0].endswith('_dataloader'):
            old = _get(cfg, parts)
            phase = parts[0][:-len('_dataloader')]
            if _is_path(old) and isinstance(value, str):
                for target in (f'{phase}_evaluator', parts[0]):
                    if new.get(target) is not None:
                        new[target] = _moved(new[target], old, value)
    new.merge_from_dict(options)
    return new


def config_chain(path: str) -> List[str]:
    """``path`` and the files it inherits from (this project's own, not
    ``toolbox::`` bases), each once."""
    out: List[str] = []

    def visit(p: str) -> None:
        p = osp.abspath(p)
        if p in out:
            return
        out.append(p)
        for base in _bases(p):
            if '::' not in base:
                visit(osp.join(osp.dirname(p), base))

    visit(path)
    return out


def _bases(path: str) -> List[str]:
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign) and any(
                getattr(t, 'id', None) == '_base_' for t in node.targets):
            value = ast.literal_eval(node.value)
            return [value] if isinstance(value, str) else list(value)
    return []


def assigned_names(path: str) -> set:
    """Top-level names a config file assigns."""
    names = set()
    for node in ast.parse(open(path).read()).body:
        if isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def _read_with_variables(path: str, chain: List[str],
                         variables: Dict[str, Any]) -> Config:
    """Read the config again from copies of its files in which the
    top-level assignments of ``variables`` carry the new values."""
    root = osp.commonpath([osp.dirname(f) for f in chain])
    with tempfile.TemporaryDirectory(prefix='gmae_cfg_') as tmp:
        for f in chain:
            dst = osp.join(tmp, osp.relpath(f, root))
            with open(f) as src:
                write_text_atomic(_patched(src.read(), variables), dst)
        return Config.fromfile(
            osp.join(tmp, osp.relpath(osp.abspath(path), root)))


def _patched(source: str, variables: Dict[str, Any]) -> str:
    """``source`` with ``NAME = ...`` replaced by ``NAME = <new value>``
    for the top-level assignments of ``variables``."""
    lines = source.splitlines(keepends=True)
    edits = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], ast.Name) and \
                node.targets[0].id in variables:
            v = node.value
            edits.append(
                (v.lineno, v.col_offset, v.end_lineno, v.end_col_offset,
                 repr(variables[node.targets[0].id])))
    for l0, c0, l1, c1, text in sorted(edits, reverse=True):
        head = lines[l0 - 1][:c0]
        tail = lines[l1 - 1][c1:]
        lines[l0 - 1:l1] = [head + text + tail]
    return ''.join(lines)


def _is_path(value: Any) -> bool:
    return isinstance(value, str) and ('/' in value or value.endswith(
        ('.pth', '.json')))


def _moved(value: Any, old: str, new: str) -> Any:
    """Every string that is ``old`` or lies under it, re-rooted at ``new``
    (lists, tuples and dicts are walked)."""
    if isinstance(value, str):
        if value == old:
            return new
        prefix = old if old.endswith('/') else old + '/'
        if value.startswith(prefix):
            return osp.join(new, value[len(prefix):])
        return value
    if isinstance(value, dict):
        for k in list(value):
            value[k] = _moved(value[k], old, new)
        return value
    if isinstance(value, (list, tuple)):
        return type(value)(_moved(v, old, new) for v in value)
    return value


def _move_paths(cfg: Config, old: str, new: str) -> None:
    for key in list(cfg.keys()):
        cfg[key] = _moved(cfg[key], old, new)


def _get(cfg: Config, parts: Sequence[str]) -> Any:
    node: Any = cfg.get(parts[0])
    for p in parts[1:]:
        if isinstance(node, (list, tuple)) and p.isdigit():
            node = node[int(p)]
        elif isinstance(node, dict) and p in node:
            node = node[p]
        else:
            return None
    return node


# ----------------------------------------------------------------------
# runtime
# ----------------------------------------------------------------------
def prepare_runtime(cfg: Config,
                    config_path: str,
                    work_dir: Optional[str] = None,
                    amp: bool = False,
                    resume: Optional[str] = None,
                    launcher: str = 'none') -> Config:
    """Fill work_dir, AMP, resume and launcher settings in ``cfg``.

    Args:
        work_dir: Overrides ``cfg.work_dir``; default
            ``work_dirs/<config name>``.
        amp: ``--amp``: switch to ``AmpOptimWrapper`` (needs CUDA).
        resume: None, 'auto' (latest checkpoint in the work dir) or a path.
        launcher: 'none' | 'pytorch' | 'slurm' | 'mpi'.
    """
    name = osp.splitext(osp.basename(config_path))[0]
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', name)
    _mixed_precision(cfg, amp)
    _resume(cfg, resume)
    cfg.launcher = launcher
    _add_guard_hooks(cfg)
    check_hook_args(cfg)
    _distributed(cfg, launcher)
    os.makedirs(cfg.work_dir, exist_ok=True)
    from ..engine import remove_stale_temp_files
    for path in remove_stale_temp_files(cfg.work_dir):
        print_log(f'removed {path} (an interrupted write)', logger='current')
    return cfg


def _mixed_precision(cfg: Config, amp: bool) -> None:
    """``AmpOptimWrapper`` as the sources train: fp16 autocast with a
    dynamic loss scale unless the config names another ``dtype``
    (``bfloat16`` on request). Without CUDA a config's AMP falls back to
    fp32 with a warning; an explicit ``--amp`` is an error."""
    import torch
    ow = cfg.optim_wrapper
    if amp and not torch.cuda.is_available():
        raise RuntimeError('--amp needs a CUDA device; none is visible')
    if amp and ow.get('type') != 'AmpOptimWrapper':
        ow.type = 'AmpOptimWrapper'
        ow.setdefault('loss_scale', 'dynamic')
        ow.setdefault('dtype', 'float16')
    elif amp:
        print_log(
            '--amp: the config already uses AmpOptimWrapper',
            logger='current',
            level=30)
    if ow.get('type') != 'AmpOptimWrapper':
        return
    if not torch.cuda.is_available():
        print_log(
            'no CUDA device: this config trains with AMP on GPUs; here it '
            'runs in fp32 (OptimWrapper)',
            logger='current',
            level=30)
        ow.type = 'OptimWrapper'
        for key in ('loss_scale', 'dtype'):
            ow.pop(key, None)
        return
    if ow.get('dtype') is None:
        ow.dtype = 'float16'


def _resume(cfg: Config, resume: Optional[str]) -> None:
    if resume == 'auto':
        from ..utils.checkpoint import latest_checkpoint
        latest = latest_checkpoint(cfg.work_dir)
        cfg.resume, cfg.load_from = latest is not None, latest
        print_log(
            f'--resume: {latest or "no checkpoint, starting fresh"}',
            logger='current')
    elif resume is not None:
        if not osp.isfile(resume):
            raise FileNotFoundError(f'--resume checkpoint not found: {resume}')
        cfg.resume, cfg.load_from = True, resume
    elif cfg.get('load_from') and not osp.isfile(cfg.load_from):
        raise FileNotFoundError(f"load_from='{cfg.load_from}' not found")


def _add_guard_hooks(cfg: Config) -> None:
    """Every run stops on a NaN loss, refuses checkpoints of another model,
    saves / restores RNG states, writes checkpoints that load without
    unpickling, deletes old checkpoints only after a new one is complete,
    and saves and exits on preemption, resuming mid-epoch exactly
    (gmae_bench.engine.GUARD_HOOKS, CHECKPOINT_HOOK, EPOCH_LOOP)."""
    imports = cfg.get('custom_imports', {}).get('imports', [])
    if 'gmae_bench.engine' not in imports:
        return  # a config without gmae_bench's engine: leave it alone
    from ..engine import CHECKPOINT_HOOK, EPOCH_LOOP, GUARD_HOOKS
    hooks = list(cfg.get('custom_hooks', []))
    have = {h['type'] for h in hooks}
    hooks += [dict(type=t) for t in GUARD_HOOKS if t not in have]
    cfg.custom_hooks = hooks
    ckpt = (cfg.get('default_hooks') or {}).get('checkpoint')
    if ckpt and ckpt.get('type') in ('CheckpointHook',
                                     'mmengine.CheckpointHook'):
        ckpt.type = CHECKPOINT_HOOK
    loop = cfg.get('train_cfg')
    if loop and (loop.get('type')
                 in ('EpochBasedTrainLoop', 'mmengine.EpochBasedTrainLoop') or
                 ('type' not in loop and loop.get('by_epoch'))):
        loop.pop('by_epoch', None)  # exact mid-epoch resume (preemption)
        loop.type = EPOCH_LOOP


def _distributed(cfg: Config, launcher: str) -> None:
    """gloo without CUDA; a process-group timeout (``env_cfg.dist_cfg.
    timeout``, seconds, default :data:`DEFAULT_DIST_TIMEOUT_S`)."""
    import torch
    dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    dist_cfg.setdefault('timeout', DEFAULT_DIST_TIMEOUT_S)
    if not torch.cuda.is_available():
        if dist_cfg.get('backend') == 'nccl':
            dist_cfg['backend'] = 'gloo'  # CPU processes (tests, laptops)
        if launcher == 'slurm':
            _slurm_to_torch_env()
        if launcher in ('pytorch', 'slurm'):
            _init_cpu_distributed(cfg)


def _slurm_to_torch_env() -> None:
    """Rank, world size and master address of an srun task as torch's
    env:// rendezvous reads them (mmengine's own Slurm init needs CUDA)."""
    import subprocess
    env = os.environ
    env.setdefault('RANK', env['SLURM_PROCID'])
    env.setdefault('WORLD_SIZE', env['SLURM_NTASKS'])
    env.setdefault('LOCAL_RANK', env.get('SLURM_LOCALID', '0'))
    env.setdefault('MASTER_PORT', env.get('PORT', '29500'))
    if 'MASTER_ADDR' not in env:
        hosts = subprocess.run(
            ['scontrol', 'show', 'hostnames', env['SLURM_NODELIST']],
            capture_output=True,
            text=True).stdout.split()
        env['MASTER_ADDR'] = hosts[0] if hosts else '127.0.0.1'


def _init_cpu_distributed(cfg: Config) -> None:
    """torchrun on CPU: mmengine's own init calls torch.cuda.set_device and
    its DDP wrapper passes GPU device_ids, so start gloo here (mmengine then
    skips its init) and wrap with device_ids=None."""
    import datetime

    import torch.distributed as dist
    dist_cfg = cfg.env_cfg.dist_cfg
    if not dist.is_initialized():
        dist.init_process_group(
            backend=dist_cfg.backend,
            timeout=datetime.timedelta(seconds=dist_cfg.timeout))
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def check_data_paths(cfg: Config, phases: Sequence[str]) -> None:
    """Fail early when a file the run needs is missing (see
    :func:`gmae_bench.runtime.config_check.check_paths`)."""
    from .config_check import check_paths
    check_paths(cfg, phases)
