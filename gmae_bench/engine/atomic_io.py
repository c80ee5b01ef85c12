"""Atomic local writes for mmengine's file I/O (checkpoints included).

mmengine's ``LocalBackend.put`` opens the target and writes into it, so a
crash mid-write leaves a truncated checkpoint under the final name. This
backend writes a temporary file in the same folder, fsyncs it and renames it
over the target (``os.replace`` is atomic on POSIX): a reader sees the old
file or the new one, never half of one.
"""
import os
import os.path as osp
import tempfile
from pathlib import Path
from typing import Union

from mmengine.fileio import register_backend
from mmengine.fileio.backends import LocalBackend


class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` / ``put_text`` are atomic."""

    def put(self, obj: bytes, filepath: Union[str, Path]) -> None:
        filepath = str(filepath)
        folder = osp.dirname(osp.abspath(filepath))
        os.makedirs(folder, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=folder, prefix=f'.{osp.basename(filepath)}.')
        try:
            with os.fdopen(fd, 'wb') as f:
                f.write(obj)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, filepath)
        except BaseException:
            if osp.exists(tmp):
                os.remove(tmp)
            raise

    def put_text(self,
                 obj: str,
                 filepath: Union[str, Path],
                 encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)


def install() -> None:
    """Make mmengine use the atomic backend for local paths."""
    register_backend('local', AtomicLocalBackend, force=True, prefixes='')
