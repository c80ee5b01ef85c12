"""What the tools do around mmengine's Runner: config loading and
``--cfg-options`` (:mod:`.config`, key checks in :mod:`.config_check`),
how a tool ends under torchrun and reports stalled ranks (:mod:`.launch`),
and reading the result files a run leaves (:mod:`.results`). User entry
points live in :mod:`gmae_bench.apis`."""
from ..engine.atomic_io import write_json_atomic, write_text_atomic
from .config import (add_runtime_args, check_data_paths, load_config,
                     parse_tool_args, prepare_runtime)
from .launch import report_stalled_ranks, run_tool
from .results import describe_test_set

__all__ = [
    'add_runtime_args', 'check_data_paths', 'describe_test_set',
    'load_config', 'parse_tool_args',
    'prepare_runtime', 'report_stalled_ranks', 'run_tool', 'write_json_atomic',
    'write_text_atomic'
]
