"""What a number was measured with: the machine and the code revision."""
import os
import platform
import subprocess
from typing import Dict

import torch


def machine() -> Dict[str, object]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open('/proc/cpuinfo') as f:
            names = [
                l.split(':', 1)[1].strip() for l in f
                if l.startswith('model name')
            ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return dict(
        cpu=cpu,
        cores=os.cpu_count(),
        gpu=gpu,
        python=platform.python_version(),
        torch=torch.__version__,
        threads=torch.get_num_threads())


def git_revision(root: str) -> str:
    """HEAD, with '+dirty' when tracked files differ from it."""

    def git(*args):
        return subprocess.run(['git', '-C', root, *args],
                              capture_output=True,
                              text=True).stdout.strip()

    rev = git('rev-parse', 'HEAD') or 'unknown'
    dirty = git('status', '--porcelain', '--untracked-files=no')
    return rev + ('+dirty' if dirty else '')

