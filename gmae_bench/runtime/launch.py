"""How a tool runs under torchrun: its ending and stalled-rank reports
(result files go through
:func:`gmae_bench.engine.atomic_io.write_json_atomic`)."""
import contextlib
import gc
import logging
import os
import socket
import sys
import threading
import time
from typing import Callable

from ..engine.atomic_io import write_json_atomic


def run_tool(main: Callable[[], object]) -> None:
    """Run ``main()``; under torch.distributed, end the process once every
    rank has finished, without Python's interpreter finalization.

    Why: when Python finalizes, a gloo worker thread may still be releasing
    the last collective's tensors; taking the GIL then kills the thread and
    aborts the process (SIGABRT, 'terminate called without an active
    exception', pytorch#190489), after a run that finished well. Destroying
    the process group does not join those threads while a DDP model has
    held it. So: barrier, destroy, close what Python holds (dataloader
    workers, files, log handlers), flush, and ``os._exit(0)``. A preempted
    run (``engine.Preempted``) ends the same way with status 75; a failing
    ``main`` raises as usual.
    """
    code = 0
    try:
        main()
    except SystemExit as e:  # a preempted run (75): end as cleanly
        from ..engine import PREEMPTED_EXIT
        if e.code != PREEMPTED_EXIT:
            raise
        code = PREEMPTED_EXIT
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        if code:
            raise SystemExit(code)
        return
    dist.barrier()  # every rank is done with its collectives
    dist.destroy_process_group()
    gc.collect()
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


class _Heartbeat(threading.Thread):
    """Every ``interval`` s, write this rank's pid, host, time and
    progress to ``folder/rank_<r>.json``. A frozen or killed process
    stops writing; a stuck one stops advancing."""

    def __init__(self, folder: str, rank: int, progress: Callable[[], int],
                 interval: float) -> None:
        super().__init__(daemon=True, name='gmae_heartbeat')
        self.folder, self.rank = folder, rank
        self.progress, self.interval = progress, interval
        self.done = threading.Event()

    def beat(self) -> None:
        try:
            progress = int(self.progress())
        except Exception:  # the runner is not there yet / any more
            progress = -1
        write_json_atomic(
            dict(
                rank=self.rank,
                pid=os.getpid(),
                host=socket.gethostname(),
                time=time.time(),
                progress=progress),
            os.path.join(self.folder, f'rank_{self.rank}.json'))

    def run(self) -> None:
        while not self.done.wait(self.interval):
            try:
                self.beat()
            except OSError:
                pass  # a full disk must not kill training from here


def stalled_ranks_report(folder: str, world_size: int, interval: float) -> str:
    """Which ranks stopped beating or fell behind (see :class:`_Heartbeat`)."""
    import json
    now, beats = time.time(), {}
    for r in range(world_size):
        try:
            with open(os.path.join(folder, f'rank_{r}.json')) as f:
                beats[r] = json.load(f)
        except (OSError, ValueError):
            beats[r] = None
    top = max((b['progress'] for b in beats.values() if b), default=-1)
    lines = []
    for r, b in beats.items():
        if b is None:
            lines.append(f'rank {r}: never reported')
            continue
        age = now - b['time']
        stale = age > 3 * interval or b['progress'] < top
        if stale:
            lines.append(
                f"rank {r} (pid {b['pid']} on {b['host']}): last answered "
                f"{age:.0f} s ago at iteration {b['progress']} (the "
                f'furthest rank is at {top})')
    return '; '.join(lines) or ('every rank is still beating; the '
                                'collective may be waiting on I/O')


@contextlib.contextmanager
def report_stalled_ranks(cfg, runner=None, interval: float = 5.0):
    """Under torch.distributed, name the rank(s) that stopped answering
    when a collective times out (after ``env_cfg.dist_cfg.timeout`` s)
    or its peer vanished, instead of a bare gloo / NCCL message. Each rank
    beats into ``work_dir/.ranks/``."""
    import torch.distributed as dist
    if not (dist.is_available() and dist.is_initialized()):
        yield
        return
    folder = os.path.join(cfg.work_dir, '.ranks')
    os.makedirs(folder, exist_ok=True)
    heart = _Heartbeat(folder, dist.get_rank(), lambda: runner.iter
                       if runner is not None else 0, interval)
    heart.beat()
    heart.start()
    try:
        yield
    except Exception as e:
        text = str(e).lower()
        if not any(
                w in text
                for w in ('timed out', 'timeout', 'connection closed',
                          'pair closure', 'connection reset')):
            raise
        timeout = cfg.get('env_cfg', {}).get('dist_cfg', {}).get('timeout')
        raise RuntimeError(
            f'rank {dist.get_rank()}: a collective failed ({str(e)[:200]}) '
            f'after the process-group timeout of {timeout} s '
            '(env_cfg.dist_cfg.timeout). ' +
            stalled_ranks_report(folder, dist.get_world_size(), interval) +
            '. Checkpoints written so far are intact: fix the rank '
            '(frozen, killed, out of memory?) and continue with --resume.'
        ) from e
    finally:
        heart.done.set()
