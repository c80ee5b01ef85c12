"""Config loading and the runtime switches of tools/train.py / test.py."""
import argparse
import os
import os.path as osp
from typing import Optional

from mmengine.config import Config
from mmengine.logging import print_log


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
        help='override config keys, e.g. model.head.scale_max=2.0')
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


def load_config(path: str, cfg_options: Optional[dict] = None) -> Config:
    """Read a config file and apply ``--cfg-options`` overrides."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return cfg


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
        amp: Switch the optimizer wrapper to ``AmpOptimWrapper``.
        resume: None, 'auto' (latest checkpoint in the work dir) or a path.
        launcher: 'none' | 'pytorch' | 'slurm' | 'mpi'.
    """
    import torch
    name = osp.splitext(osp.basename(config_path))[0]
    cfg.work_dir = work_dir or cfg.get('work_dir') or osp.join(
        'work_dirs', name)
    if amp:
        if cfg.optim_wrapper.get('type') == 'AmpOptimWrapper':
            print_log(
                '--amp: the config already uses AmpOptimWrapper',
                logger='current',
                level=30)
        elif not torch.cuda.is_available():
            raise RuntimeError('--amp needs a CUDA device; none is visible')
        else:
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if resume == 'auto':
        from .checkpoint import latest_checkpoint
        latest = latest_checkpoint(cfg.work_dir)
        cfg.resume, cfg.load_from = latest is not None, latest
        print_log(
            f'--resume: {latest or "no checkpoint, starting fresh"}',
            logger='current')
    elif resume is not None:
        if not osp.isfile(resume):
            raise FileNotFoundError(f'--resume checkpoint not found: {resume}')
        cfg.resume, cfg.load_from = True, resume
    cfg.launcher = launcher
    _add_guard_hooks(cfg)
    dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    if not torch.cuda.is_available():
        if dist_cfg.get('backend') == 'nccl':
            dist_cfg['backend'] = 'gloo'  # CPU processes (tests, laptops)
        if launcher == 'pytorch':
            _init_cpu_distributed(cfg)
    os.makedirs(cfg.work_dir, exist_ok=True)
    return cfg


def _add_guard_hooks(cfg: Config) -> None:
    """Every run stops on a NaN loss, refuses checkpoints of another model
    and saves / restores RNG states (gmae_bench.engine.GUARD_HOOKS)."""
    imports = cfg.get('custom_imports', {}).get('imports', [])
    if 'gmae_bench.engine' not in imports:
        return  # a config without gmae_bench's engine: leave it alone
    from ..engine import GUARD_HOOKS
    hooks = list(cfg.get('custom_hooks', []))
    have = {h['type'] for h in hooks}
    hooks += [dict(type=t) for t in GUARD_HOOKS if t not in have]
    cfg.custom_hooks = hooks


def check_data_paths(
    cfg: Config, loaders=('train_dataloader', 'val_dataloader')) -> None:
    """Fail early, naming the config key, when a dataset path is missing."""
    for loader in loaders:
        ds = cfg.get(loader)
        key = f'{loader}.dataset'
        ds = ds.get('dataset') if ds else None
        while ds is not None:
            root = ds.get('data_root', '') or ''
            if root and not osp.isdir(root):
                raise FileNotFoundError(
                    f"{key}.data_root='{root}' does not exist: install the "
                    f'data there (README) or set --cfg-options '
                    f'{key}.data_root=PATH')
            ann = ds.get('ann_file', '') or ''
            if ann:
                path = ann if osp.isabs(ann) else osp.join(root, ann)
                if not osp.isfile(path):
                    raise FileNotFoundError(
                        f"{key}.ann_file='{ann}' not found ({path})")
            if 'dataset' in ds:  # RepeatDataset and other wrappers
                ds, key = ds['dataset'], f'{key}.dataset'
            else:
                ds = None


def _init_cpu_distributed(cfg: Config) -> None:
    """torchrun on CPU: mmengine's own init calls torch.cuda.set_device and
    its DDP wrapper passes GPU device_ids, so start gloo here (mmengine then
    skips its init) and wrap with device_ids=None."""
    import torch.distributed as dist
    if not dist.is_initialized():
        dist.init_process_group(backend=cfg.env_cfg.dist_cfg.backend)
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
