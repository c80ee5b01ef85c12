"""Training and testing a run through the project's own tools
(``tools/train.py``, ``tools/test.py``), each a subprocess whose output is
appended to a log in the run's folder."""
import os
import os.path as osp
import subprocess
import sys
from typing import Dict, Sequence, Tuple

from ...runtime.results import read_json, require
from .store import StudyError


def run_tool(repo: str, tool: str, config: str, work_dir: str,
             args: Sequence[str], options: Dict[str, object],
             log_name: str) -> Tuple[int, str]:
    """``tools/<tool> CONFIG ARGS --work-dir WD --cfg-options K=V ...``,
    its output appended to ``WD/<log_name>``; returns the exit code and
    the log's path."""
    cmd = [
        sys.executable,
        osp.join(repo, 'tools', tool),
        osp.join(repo, config), *args, '--work-dir', work_dir
    ]
    if options:
        cmd += ['--cfg-options'] + [f'{k}={v}' for k, v in options.items()]
    os.makedirs(work_dir, exist_ok=True)
    log_path = osp.join(work_dir, log_name)
    with open(log_path, 'a') as logf:
        proc = subprocess.run(
            cmd, cwd=repo, stdout=logf, stderr=subprocess.STDOUT)
    return proc.returncode, log_path


def test_metrics(repo: str, config: str, work_dir: str, checkpoint: str,
                 options: Dict[str, object], required: Sequence[str],
                 extra_args: Sequence[str] = ()) -> Dict[str, float]:
    """``tools/test.py`` on ``checkpoint``; returns the metrics of the
    ``test_metrics.json`` it writes, which must hold ``required``."""
    code, log_path = run_tool(repo, 'test.py', config, work_dir,
                              [checkpoint, *extra_args], options,
                              'study_test.log')
    path = osp.join(work_dir, 'test_metrics.json')
    if code != 0 or not osp.isfile(path):
        raise StudyError(f'testing {work_dir} failed (exit {code}); its '
                         f'output is in {log_path}')
    data = read_json(path)
    require(data, ('metrics', ), path)
    missing = [k for k in required if k not in data['metrics']]
    if missing:
        raise StudyError(f'{path} holds no {", ".join(missing)} (it has '
                         f'{sorted(data["metrics"])}); its output is in '
                         f'{log_path}')
    return data['metrics']
