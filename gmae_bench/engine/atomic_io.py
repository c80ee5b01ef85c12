"""Atomic local writes for mmengine's file I/O (checkpoints included).

mmengine's ``LocalBackend.put`` opens the target and writes into it, so a
crash mid-write leaves a truncated checkpoint under the final name. This
backend writes a temporary file in the same folder, fsyncs it and renames it
over the target (``os.replace`` is atomic on POSIX): a reader sees the old
file or the new one, never half of one. In addition it

* gives the file the usual mode (0666 minus the umask, not mkstemp's 0600);
* writes ``<file>.sha256`` (``sha256sum`` format) next to every ``.pth``,
  which :func:`gmae_bench.utils.checkpoint.load_checkpoint_file` verifies;
* names the file, the bytes needed and the bytes free when the disk is full
  (nothing is replaced then: the previous checkpoints stay intact);
* removes the ``.sha256`` with its checkpoint.

Temporary files are called ``.<name>.tmp-<host>-<pid>-<random>``;
:func:`remove_stale_temp_files` deletes those whose writer is gone.
"""
import errno
import os
import os.path as osp
import re
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Callable, List, TypeVar, Union

from mmengine.fileio import register_backend
from mmengine.fileio.backends import LocalBackend

from ..utils.checkpoint import sha256_sidecar, write_sha256_sidecar

_UMASK = os.umask(0)
os.umask(_UMASK)
_HOST = re.sub(r'[^A-Za-z0-9_]', '_', socket.gethostname())[:32]
T = TypeVar('T')
_TEMP = re.compile(r'^\.(.+)\.tmp-(\w+)-(\d+)-\w+$')


def temp_prefix(filepath: str) -> str:
    return f'.{osp.basename(filepath)}.tmp-{_HOST}-{os.getpid()}-'


def write_bytes_atomic(obj: bytes, filepath: str) -> None:
    """Write ``obj`` to ``filepath`` through a fsynced temporary file and a
    rename; on failure nothing under ``filepath`` changes."""
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=temp_prefix(filepath))
    try:
        os.fchmod(fd, 0o666 & ~_UMASK)
        with os.fdopen(fd, 'wb') as f:
            f.write(obj)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, filepath)
    except BaseException as e:
        if osp.exists(tmp):
            os.remove(tmp)
        if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
            free = shutil.disk_usage(folder).free
            raise OSError(
                e.errno, f'no space left to write {filepath}: it needs '
                f'{len(obj) / 2**20:.1f} MiB, {free / 2**20:.1f} MiB are '
                f'free in {folder}. Nothing was replaced (earlier '
                'checkpoints are intact); free some space or choose another '
                '--work-dir, then continue with --resume') from e
        raise


def write_text_atomic(text: str, filepath: str) -> None:
    """UTF-8 text through :func:`write_bytes_atomic`."""
    write_bytes_atomic(text.encode('utf-8'), filepath)


def create_text_exclusive(text: str, filepath: str) -> bool:
    """Create ``filepath`` holding ``text`` unless it exists (False then).
    The file appears complete or not at all (written aside, then
    hard-linked into place), so a reader never sees it half-written, and of
    several processes creating it at once exactly one succeeds."""
    folder = osp.dirname(osp.abspath(filepath))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=temp_prefix(filepath))
    try:
        with os.fdopen(fd, 'w', encoding='utf-8') as f:
            f.write(text)
        try:
            os.link(tmp, filepath)
        except FileExistsError:
            return False
        return True
    finally:
        os.remove(tmp)


def write_torch_atomic(obj, filepath: str) -> None:
    """``torch.save`` through :func:`write_bytes_atomic`."""
    import io

    import torch
    buf = io.BytesIO()
    torch.save(obj, buf)
    write_bytes_atomic(buf.getvalue(), filepath)


def write_json_atomic(obj, filepath: str) -> None:
    """JSON (indent 1) through :func:`write_bytes_atomic`: never half a
    file under ``filepath``."""
    import json
    write_text_atomic(json.dumps(obj, indent=1) + '\n', filepath)


def write_figure_atomic(fig, filepath: str, dpi: int = 100) -> None:
    """A matplotlib figure as PNG through :func:`write_bytes_atomic`; the
    figure is closed afterwards."""
    import io

    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.savefig(buf, format='png', dpi=dpi)
    plt.close(fig)
    write_bytes_atomic(buf.getvalue(), filepath)


def build_folder_atomic(folder: str, build: Callable[[str], T]) -> T:
    """Create ``folder`` whole or not at all: ``build(tmp)`` fills a
    temporary sibling folder, which is renamed to ``folder`` when it
    returns (files inside are written plainly: nothing is visible under the
    final name before the rename). On failure the temporary folder is
    removed; one left by a killed process is removed by
    :func:`remove_stale_temp_files`. Returns what ``build`` returns."""
    parent = osp.dirname(osp.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=temp_prefix(folder))
    try:
        result = build(tmp)
        os.chmod(tmp, 0o777 & ~_UMASK)
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return result


class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` / ``put_text`` are atomic and whose
    checkpoints carry a content hash."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        filepath = str(filepath)
        write_bytes_atomic(obj, filepath)
        if filepath.endswith('.pth'):
            write_sha256_sidecar(filepath, obj, write_bytes_atomic)

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)

    def remove(self, filepath: Union[str, Path]) -> None:
        super().remove(filepath)
        sidecar = sha256_sidecar(str(filepath))
        if osp.isfile(sidecar):
            os.remove(sidecar)


def remove_stale_temp_files(folder: str) -> List[str]:
    """Delete temporary files (and folders) of interrupted writes in
    ``folder`` (written on this host by processes that no longer exist);
    returns their paths.
    """
    removed = []
    if not osp.isdir(folder):
        return removed
    for name in os.listdir(folder):
        m = _TEMP.match(name)
        if not m or m.group(2) != _HOST:
            continue
        pid = int(m.group(3))
        if pid == os.getpid() or _alive(pid):
            continue
        path = osp.join(folder, name)
        try:
            if osp.isdir(path):  # an interrupted build_folder_atomic
                shutil.rmtree(path)
            else:
                os.remove(path)
            removed.append(path)
        except FileNotFoundError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def install() -> None:
    """Make mmengine use the atomic backend for local paths."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')
