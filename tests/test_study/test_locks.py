"""Run locks that survive a cluster: a heartbeat while the run trains, and
a lock not refreshed for STALE_S taken over whichever host wrote it."""
import os
import signal
import subprocess
import sys
import time

from gmae_bench.study.core.locks import LOCK, RunLock, held_locks, lock_state


def test_a_live_lock_is_refreshed_and_left_alone(tmp_path):
    lock = RunLock(str(tmp_path), heartbeat_s=0.05)
    assert lock.acquire()
    path = tmp_path / LOCK
    os.utime(path, (time.time() - 100, time.time() - 100))
    time.sleep(0.3)  # the heartbeat refreshed it
    assert time.time() - path.stat().st_mtime < 5
    assert not RunLock(str(tmp_path)).acquire()
    assert held_locks(str(tmp_path))['live']
    lock.release()
    assert not path.exists()


def test_another_hosts_lock_is_taken_over_only_when_stale(tmp_path):
    path = tmp_path / LOCK
    path.write_text('node-b.cluster 4242')  # a worker on another node
    assert lock_state(str(path)) == 'live'
    assert not RunLock(str(tmp_path)).acquire()
    old = time.time() - 3600  # its worker stopped refreshing an hour ago
    os.utime(path, (old, old))
    assert lock_state(str(path)) == 'dead'
    assert held_locks(str(tmp_path))['dead']
    taken = RunLock(str(tmp_path))
    assert taken.acquire()
    assert path.read_text().split()[1] == str(os.getpid())
    taken.release()


WORKER = '''
import sys, time
from gmae_bench.study.core.locks import RunLock
lock = RunLock(sys.argv[1], heartbeat_s=0.05)
assert lock.acquire()
print('held', flush=True)
time.sleep(60)
'''


def test_a_killed_worker_s_run_is_taken_over(tmp_path):
    proc = subprocess.Popen([sys.executable, '-c', WORKER, str(tmp_path)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == 'held'
    assert not RunLock(str(tmp_path)).acquire()  # its worker is alive
    proc.send_signal(signal.SIGKILL)  # no chance to release the lock
    proc.wait()
    assert (tmp_path / LOCK).exists()
    # same host: a dead pid is taken over at once
    lock = RunLock(str(tmp_path))
    assert lock.acquire()
    lock.release()
    # another host: once its heartbeat is STALE_S late
    (tmp_path / LOCK).write_text(f'elsewhere {proc.pid}')
    assert not RunLock(str(tmp_path), stale_s=30).acquire()
    time.sleep(0.2)
    assert RunLock(str(tmp_path), stale_s=0.1).acquire()
