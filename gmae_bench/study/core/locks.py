"""Run locks that survive a cluster: one worker trains a run at a time.

A lock is a file ``.study_lock`` in the run's folder naming the host and
pid of its worker. While the worker holds it, a heartbeat thread refreshes
the file's modification time every :data:`HEARTBEAT_S` seconds. Another
worker takes a lock over when

* its worker ran on this host and that process is gone (at once), or
* it has not been refreshed for :data:`STALE_S` seconds, whichever host
  wrote it (a worker killed on another node of a shared file system).
"""
import os
import os.path as osp
import socket
import threading
import time
from typing import Dict, List, Optional

from ...engine.atomic_io import create_text_exclusive

LOCK = '.study_lock'
HEARTBEAT_S = 60.0
# several missed heartbeats: a live worker refreshes its lock every minute,
# even while a long run trains
STALE_S = 10 * 60.0


def _me() -> str:
    return f'{socket.gethostname()} {os.getpid()}'


def lock_state(path: str, stale_s: float = STALE_S) -> Optional[str]:
    """'live' (leave it), 'dead' (take it over) or None (no lock)."""
    try:
        with open(path) as f:
            text = f.read()
        age = time.time() - os.stat(path).st_mtime
    except OSError:
        return None
    try:
        host, pid = text.split()
        pid = int(pid)
    except ValueError:
        # unreadable: a lock only its own creator could have half-written
        # (locks appear whole), so it is stale once the heartbeat is late
        return 'dead' if age > stale_s else 'live'
    if age > stale_s:
        return 'dead'
    if host != socket.gethostname():
        return 'live'  # another machine's worker, refreshed lately
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return 'dead'
    except PermissionError:
        return 'live'
    return 'live'


class RunLock:
    """The lock of one run folder: :meth:`acquire`, then :meth:`release`
    (the heartbeat runs in between)."""

    def __init__(self, folder: str, heartbeat_s: float = HEARTBEAT_S,
                 stale_s: float = STALE_S) -> None:
        self.path = osp.join(folder, LOCK)
        self.heartbeat_s, self.stale_s = heartbeat_s, stale_s
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def acquire(self) -> bool:
        """Claim the run (taking over a dead worker's lock); False when a
        live worker holds it."""
        os.makedirs(osp.dirname(self.path), exist_ok=True)
        for _ in range(2):
            # the lock appears complete or not at all: a worker reading a
            # lock another had created but not yet written would take it
            # for a dead worker's
            if create_text_exclusive(_me(), self.path):
                self._start_heartbeat()
                return True
            if lock_state(self.path, self.stale_s) == 'live':
                return False
            try:
                os.remove(self.path)  # its worker is gone
            except FileNotFoundError:
                pass  # another worker took it over first
        return False

    def _start_heartbeat(self) -> None:
        self._stop.clear()

        def beat():
            while not self._stop.wait(self.heartbeat_s):
                try:
                    os.utime(self.path)
                except OSError:
                    return  # taken away: nothing left to refresh

        self._thread = threading.Thread(target=beat, daemon=True)
        self._thread.start()

    def release(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        try:
            with open(self.path) as f:
                mine = f.read() == _me()
        except OSError:
            return
        if mine:
            os.remove(self.path)


def held_locks(root: str, stale_s: float = STALE_S) -> Dict[str, List[str]]:
    """Every lock under a study work dir by state ('live' / 'dead'), as
    ``<kind>/<name>/seed<s> (host pid, refreshed N s ago)``."""
    out: Dict[str, List[str]] = {'live': [], 'dead': []}
    for folder, _, files in os.walk(root):
        if LOCK not in files:
            continue
        path = osp.join(folder, LOCK)
        state = lock_state(path, stale_s)
        if state is None:
            continue
        try:
            with open(path) as f:
                owner = f.read().strip()
            age = time.time() - os.stat(path).st_mtime
        except OSError:
            continue
        out[state].append(f'{osp.relpath(folder, root)} ({owner}, '
                          f'refreshed {age:.0f} s ago)')
    return out
