"""Public entry points (as ``mmdet.apis`` / ``mmpretrain.apis``).

* :func:`init_model`, :func:`reconstruct`, :func:`render_layers`: load a
  pretrained MAE / GMAE and use it;
* :func:`load_config`, :func:`prepare_runtime`, :func:`check_data_paths`:
  what ``tools/train.py`` / ``tools/test.py`` do before mmengine's Runner;
* :func:`run_tool`, :func:`report_stalled_ranks`: how tools run under
  torchrun.
"""
from .config import (add_runtime_args, check_data_paths, load_config,
                     parse_tool_args, prepare_runtime)
from .export import export_encoder
from .inference import images_to_inputs, init_model, reconstruct, render_layers
from .launch import report_stalled_ranks, run_tool, write_json_atomic

__all__ = [
    'add_runtime_args', 'check_data_paths', 'export_encoder',
    'images_to_inputs', 'init_model',
    'load_config', 'parse_tool_args', 'prepare_runtime', 'reconstruct',
    'render_layers', 'report_stalled_ranks', 'run_tool', 'write_json_atomic'
]
