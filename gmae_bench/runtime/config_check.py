"""Checks that make a wrong config fail before anything runs, naming the
key: unknown ``--cfg-options`` keys (with the nearest valid one), hook
arguments nothing would read until the first save, and missing files
(data roots, annotation files, evaluator files, checkpoints)."""
import difflib
import inspect
import os
import os.path as osp
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set

from mmengine.config import Config


class ConfigKeyError(KeyError):
    """A config key that nothing would read."""

    def __str__(self) -> str:  # KeyError quotes its message; do not
        return str(self.args[0])


# Top-level keys mmengine's Runner reads besides its __init__ arguments.
RUNNER_EXTRAS = {
    'model_wrapper_cfg', 'find_unused_parameters', 'compile',
    'activation_checkpointing', 'efficient_conv_bn_eval', 'custom_imports',
    'default_scope', 'work_dir', 'launcher', 'resource_limit', 'sync_bn'
}
# Keys of untyped dicts, where no class signature tells what is valid.
UNTYPED = {
    'randomness': {'seed', 'diff_rank_seed', 'deterministic'},
    'env_cfg': {'cudnn_benchmark', 'mp_cfg', 'dist_cfg', 'resource_limit'},
    'env_cfg.mp_cfg': {'mp_start_method', 'opencv_num_threads'},
    'env_cfg.dist_cfg': {'backend', 'timeout', 'init_backend'},
    'auto_scale_lr': {'enable', 'base_batch_size'},
}
# Registry of the typed dicts under a top-level key.
REGISTRIES = {
    'model': 'MODELS',
    'data_preprocessor': 'MODELS',
    'optim_wrapper': 'OPTIM_WRAPPERS',
    'param_scheduler': 'PARAM_SCHEDULERS',
    'default_hooks': 'HOOKS',
    'custom_hooks': 'HOOKS',
    'visualizer': 'VISUALIZERS',
    'train_cfg': 'LOOPS',
    'val_cfg': 'LOOPS',
    'test_cfg': 'LOOPS',
    'log_processor': 'LOG_PROCESSORS',
    'val_evaluator': 'METRICS',
    'test_evaluator': 'METRICS',
}
# Arguments that a builder consumes before the class sees them.
BUILDER_ARGS = {'PARAM_SCHEDULERS': {'convert_to_iter_based'}}


def nearest(word: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return f"; did you mean '{match[0]}'?" if match else ''


def runner_keys() -> Set[str]:
    from mmengine.runner import Runner
    params = set(inspect.signature(Runner.__init__).parameters)
    return (params - {'self', 'cfg'}) | RUNNER_EXTRAS


def _registry_name(path: List[str]) -> str:
    """Which registry the typed dict at ``path`` is built from."""
    top = path[0]
    if top.endswith('_dataloader'):
        if 'pipeline' in path:
            return 'TRANSFORMS'
        if path[-1] in ('sampler', 'batch_sampler'):
            return 'DATA_SAMPLERS'
        return 'FUNCTIONS' if path[-1] == 'collate_fn' else 'DATASETS'
    if top == 'optim_wrapper' and 'optimizer' in path:
        return 'OPTIMIZERS'
    if path[-1].endswith('init_cfg'):
        return 'WEIGHT_INITIALIZERS'
    return REGISTRIES.get(top, 'MODELS')


def resolve_type(type_name: Any, registry: str, scope: Optional[str]):
    """The class a ``type`` names (tried in ``registry`` first, then in
    mmengine's other registries), or None if it cannot be found."""
    if inspect.isclass(type_name):
        return type_name
    if not isinstance(type_name, str):
        return None
    import mmengine.registry as R
    names = [registry] + [
        n for n in ('MODELS', 'TASK_UTILS', 'TRANSFORMS', 'DATASETS', 'HOOKS',
                    'METRICS', 'OPTIMIZERS', 'OPTIM_WRAPPERS',
                    'PARAM_SCHEDULERS', 'VISUALIZERS', 'VISBACKENDS', 'LOOPS',
                    'DATA_SAMPLERS', 'WEIGHT_INITIALIZERS', 'LOG_PROCESSORS',
                    'FUNCTIONS') if n != registry
    ]
    for name in names:
        reg = getattr(R, name, None)
        if reg is None:
            continue
        try:
            with reg.switch_scope_and_registry(scope) as r:
                cls = r.get(type_name)
        except Exception:  # a toolbox that is not installed, ...
            cls = None
        if cls is not None:
            return cls
    return None


def accepted_args(cls, registry: str = '') -> Optional[Set[str]]:
    """Names ``cls(...)`` accepts explicitly, following ``**kwargs`` up the
    MRO; None if it takes anything (``**kwargs`` to the end)."""
    from mmengine.hooks import CheckpointHook
    names: Set[str] = set(BUILDER_ARGS.get(registry, ()))
    if not inspect.isclass(cls):
        return None
    for klass in inspect.getmro(cls):
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        try:
            params = inspect.signature(init).parameters.values()
        except (TypeError, ValueError):
            return None
        names |= {
            p.name
            for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        } - {'self'}
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names
        if klass is CheckpointHook:  # its **kwargs go to save_checkpoint
            from mmengine.runner import Runner
            return names | set(
                inspect.signature(Runner.save_checkpoint).parameters)
    return None


def _allowed_new(path: List[str], node: dict, scope: Optional[str],
                 value: Any) -> Optional[Set[str]]:
    """Keys that may be added to ``node`` (at ``path``); None: any."""
    dotted = '.'.join(path)
    if dotted in UNTYPED:
        return UNTYPED[dotted]
    if path and path[0] in ('default_hooks', ) and len(path) == 1:
        return None if isinstance(value, dict) and 'type' in value else set()
    if path and path[-1].endswith('_dataloader') and len(path) == 1:
        import torch.utils.data as tud
        return set(inspect.signature(tud.DataLoader).parameters)
    if 'type' not in node:
        return None  # model sub-dicts filled in by their owner, ...
    registry = _registry_name(path)
    cls = resolve_type(node['type'], registry, scope)
    return accepted_args(cls, registry) if cls is not None else None


def check_option_keys(cfg: Config, options: Dict[str, Any]) -> None:
    """Raise :class:`ConfigKeyError` for a ``--cfg-options`` key nothing
    would read: an unknown top-level key, a path through a missing key, or
    a new argument the target class does not take. Names the key and the
    nearest valid one."""
    scope = cfg.get('default_scope')
    tree = cfg.to_dict()
    top_ok = set(tree) | runner_keys()
    for key, value in options.items():
        parts = key.split('.')
        if parts[0] not in top_ok:
            raise ConfigKeyError(
                f"--cfg-options {key}: '{parts[0]}' is neither a key of the "
                f'config nor a runner setting{nearest(parts[0], top_ok)}')
        node: Any = tree
        for i, part in enumerate(parts):
            where = '.'.join(parts[:i]) or 'the config'
            if isinstance(node, (list, tuple)):
                if not (part.isdigit() and int(part) < len(node)):
                    raise ConfigKeyError(
                        f'--cfg-options {key}: {where} is a list of '
                        f'{len(node)}; use an index 0..{len(node) - 1}')
                node = node[int(part)]
                continue
            if not isinstance(node, dict):
                raise ConfigKeyError(
                    f'--cfg-options {key}: {where} is '
                    f'{type(node).__name__} {node!r}, not a dict')
            if part in node:
                node = node[part]
                continue
            if i == 0:
                break  # a new runner setting (checked above)
            last = i == len(parts) - 1
            allowed = _allowed_new(parts[:i], node, scope,
                                   value if last else {})
            if allowed is None or part in allowed:
                break  # a new argument (a dict below it is not checked)
            choices = set(node) | (allowed or set())
            raise ConfigKeyError(
                f"--cfg-options {key}: '{part}' is not a key of {where}" +
                (f" ({node.get('type')})" if 'type' in node else '') +
                nearest(part, choices))


def check_hook_args(cfg: Config) -> None:
    """Hook arguments are only read when the hook acts (a typo in
    ``default_hooks.checkpoint`` surfaced at the first save after an
    epoch): check them against the hook classes now."""
    scope = cfg.get('default_scope')
    hooks = [(f'default_hooks.{k}', v)
             for k, v in (cfg.get('default_hooks') or {}).items()]
    hooks += [(f'custom_hooks[{i}]', v)
              for i, v in enumerate(cfg.get('custom_hooks') or [])]
    for where, hook in hooks:
        if not isinstance(hook, dict) or 'type' not in hook:
            continue
        cls = resolve_type(hook['type'], 'HOOKS', scope)
        allowed = accepted_args(cls, 'HOOKS') if cls else None
        if allowed is None:
            continue
        for arg in set(hook) - allowed - {'type', 'priority'}:
            raise ConfigKeyError(
                f"{where}.{arg}: {hook['type']} takes no argument '{arg}'" +
                nearest(arg, allowed))


def _datasets(loader: dict, key: str):
    """(config key, dataset dict) for a dataloader and wrapped datasets."""
    ds = loader.get('dataset') if isinstance(loader, dict) else None
    key = f'{key}.dataset'
    while isinstance(ds, dict):
        yield key, ds
        inner = ds.get('dataset')
        ds, key = inner, f'{key}.dataset'


def _split_list_exists(root: str, ds: dict) -> bool:
    """mmpretrain's ImageNet reads ``meta/<split>.txt`` when it exists
    instead of scanning the folder."""
    split = ds.get('split')
    return bool(split) and osp.isfile(osp.join(root, 'meta', f'{split}.txt'))


def _image_folder(root: str, ds: dict) -> str:
    prefix = ds.get('data_prefix', '') or ''
    if isinstance(prefix, dict):
        prefix = prefix.get('img_path', prefix.get('img', '')) or ''
    if not prefix and ds.get('split'):
        prefix = ds['split']
    return osp.join(root, prefix)


def _first_broken_link(folder: str) -> Optional[str]:
    """A symbolic link under ``folder`` whose target does not exist (the
    folder-scanning datasets skip those silently)."""
    if not osp.isdir(folder):
        return None
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in filenames + dirnames:
            path = osp.join(dirpath, name)
            if osp.islink(path) and not osp.exists(path):
                return path
    return None


def _files_of(value: Any, key: str):
    """(config key, path) of every ``ann_file`` / ``checkpoint`` below."""
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f'{key}.{k}'
            if k in ('ann_file', 'checkpoint') and isinstance(v, str) and v:
                yield sub, v
            else:
                yield from _files_of(v, sub)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _files_of(v, f'{key}[{i}]')


def check_paths(cfg: Config, phases: Sequence[str]) -> None:
    """Fail early, naming the config key, when a file the run needs is
    missing: data roots and annotation files of the phases' dataloaders
    (``'train'``, ``'val'``, ``'test'``), their evaluators' files, and,
    when training, the model's pretrained checkpoints (``init_cfg``)."""
    for phase in phases:
        loader_key = f'{phase}_dataloader'
        for key, ds in _datasets(cfg.get(loader_key) or {}, loader_key):
            root = ds.get('data_root', '') or ''
            if root and not osp.isdir(root):
                raise FileNotFoundError(
                    f"{key}.data_root='{root}' does not exist: install the "
                    f'data there (docs/data.md) or set --cfg-options '
                    f'data_root=PATH')
            ann = ds.get('ann_file', '') or ''
            if ann:
                path = ann if osp.isabs(ann) else osp.join(root, ann)
                if not osp.isfile(path):
                    raise FileNotFoundError(
                        f"{key}.ann_file='{ann}' not found ({path})")
            elif root and not _split_list_exists(root, ds):
                folder = _image_folder(root, ds)
                broken = _first_broken_link(folder)
                if broken:
                    raise FileNotFoundError(
                        f'{key}: {broken} is a broken symbolic link (it '
                        f'points to {os.readlink(broken)!r}); the dataset '
                        'would leave that image out without a word. Fix or '
                        'remove the link.')
        ev_key = f'{phase}_evaluator'
        for key, path in _files_of(cfg.get(ev_key), ev_key):
            if not osp.isfile(path):
                raise FileNotFoundError(
                    f"{key}='{path}' not found: the evaluator reads it; "
                    'set --cfg-options data_root=PATH (moves every path '
                    f'under the data root) or {key}=PATH')
    for key, path in _files_of(cfg.get('model'), 'model'):
        wanted = 'train' in phases and key.endswith('init_cfg.checkpoint')
        if wanted and '://' not in path and not osp.isfile(path):
            raise FileNotFoundError(
                f"{key}='{path}' not found: pretrain first (docs/recipes.md)"
                ' or set --cfg-options pretrained=PATH')
