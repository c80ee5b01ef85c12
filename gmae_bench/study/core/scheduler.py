"""Scheduling a study's plan: one process, or several workers that share
the runs through run locks (:mod:`.locks`), and the progress line.

The functions read a study only through its public methods: ``plan()``,
``finished(run)``, ``dependency(run)``, ``pretrained_weights(dep)``,
``retrain(dep)``, ``step(run)``, ``lock(run)``, ``times(run)``."""
import os
import subprocess
import sys
import time
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from .locks import held_locks
from .store import StudyError


def selects(run, selectors: Sequence[str]) -> bool:
    """Whether ``run`` is one of ``selectors``, each ``KIND``,
    ``KIND/NAME`` or ``KIND/NAME/seedS`` (``det``, ``seg/gmae``,
    ``det/random/seed1``)."""
    parts = (run.kind, run.name, f'seed{run.seed}')
    for sel in selectors:
        want = sel.strip('/').split('/')
        if tuple(want) == parts[:len(want)]:
            return True
    return False


def check_selectors(study, kinds: Optional[Sequence[str]]) -> None:
    """Refuse ``--only`` selectors that match no run of the plan, naming
    them and the kinds there are."""
    runs = study.plan()
    unknown = [k for k in kinds or () if not any(selects(r, [k]) for r in runs)]
    if unknown:
        known = sorted({run.kind for run in runs})
        raise StudyError(
            f'--only {",".join(unknown)}: no such run in the {study.name} '
            'study (selectors are KIND[/NAME[/seedS]]; its kinds: '
            f'{", ".join(known)})')


def progress(study, workers: int = 1) -> str:
    """``runs done / total``, the time left and the locks held.

    The time left is estimated from the measured wall time of the finished
    runs, shared by ``workers`` processes: a pretraining from its config's
    finished pretrainings per epoch (a 4x run trains four times as long),
    any other run from the mean of its kind (of all finished runs for a
    kind with none yet)."""
    runs = study.plan()
    costs: Dict[str, List[float]] = {}
    # config name -> (train seconds per epoch factor, eval seconds)
    per_epoch: Dict[str, List[Tuple[float, float]]] = {}
    todo = []
    for run in runs:
        if not study.finished(run):
            todo.append(run)
            continue
        t = study.times(run)
        if t:
            train, evaluate = t.get('train_s', 0.0), t.get('eval_s', 0.0)
            costs.setdefault(run.kind, []).append(train + evaluate)
            if run.is_pretrain:
                per_epoch.setdefault(run.name, []).append(
                    (train / run.epoch_factor, evaluate))
    text = f'{len(runs) - len(todo)}/{len(runs)} runs done'
    every = [c for v in costs.values() for c in v]
    if todo and every:
        left = 0.0
        for run in todo:
            if run.is_pretrain and run.name in per_epoch:
                train, evaluate = np.mean(per_epoch[run.name], axis=0)
                left += float(train * run.epoch_factor + evaluate)
            else:
                left += float(np.mean(costs.get(run.kind, every)))
        left /= max(workers, 1)
        when = (f'{left / 3600:.1f} h' if left >= 3600 else
                f'{max(1, round(left / 60))} min')
        text += (f', about {when} left (from the measured cost of '
                 f'{len(every)} finished run(s), {max(workers, 1)} '
                 'worker(s))')
    locks = held_locks(study.work_dir)
    if locks['live']:
        text += f'; held: {", ".join(locks["live"])}'
    if locks['dead']:
        text += (f'; stale (taken over when reached): '
                 f'{", ".join(locks["dead"])}')
    return text


def work(study,
         limit: Optional[int] = None,
         workers: int = 1,
         kinds: Optional[Sequence[str]] = None) -> list:
    """Take unfinished, unclaimed runs of the plan one by one until none is
    left (waiting while other workers hold the last ones); after each,
    print the progress of the whole plan. ``kinds``: take only runs of
    these kinds (the others stay to do)."""
    check_selectors(study, kinds)
    done = []
    while limit is None or len(done) < limit:
        waiting = False
        progressed = False
        for run in study.plan():
            if study.finished(run) or (kinds and not selects(run, kinds)):
                continue
            dep = study.dependency(run)
            if dep is not None and not study.finished(dep):
                if kinds and not selects(dep, kinds):
                    continue  # its pretraining is left out: not now
                waiting = True  # its pretraining is not done yet
                continue
            if dep is not None and study.pretrained_weights(dep) is None:
                # finished in an earlier checkout, weights gone: one
                # worker trains it again while the others wait
                lock = study.lock(dep)
                if not lock.acquire():
                    waiting = True
                    continue
                try:
                    study.retrain(dep)
                finally:
                    lock.release()
                progressed = True
                break
            lock = study.lock(run)
            if not lock.acquire():
                waiting = True
                continue
            try:
                stepped = study.step(run)
            finally:
                lock.release()
            if stepped:  # after the release: the line lists others' locks
                done.append(run)
                study.log(f'[study] {progress(study, workers)}')
            progressed = True
            break
        if not progressed:
            if not waiting:
                break
            time.sleep(10)
    return done


def spawn_workers(study, jobs: int, limit: Optional[int],
                  kinds: Optional[Sequence[str]] = None) -> int:
    """``jobs`` worker processes of ``tools/study.py --worker`` with
    ``cores / jobs`` threads each; returns the number of runs finished."""
    threads = max(1, (os.cpu_count() or 1) // jobs)
    env = dict(
        os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    cmd = [
        sys.executable,
        os.path.join(study.repo, 'tools', 'study.py'), '--study', study.name,
        '--scale', study.scale.name, '--work-dir', study.work_dir, '--data',
        study.data_root, '--worker', '--jobs',
        str(jobs)
    ]
    if limit is not None:
        cmd += ['--limit', str(limit)]
    if kinds:
        cmd += ['--only', ','.join(kinds)]
    before = sum(study.finished(r) for r in study.plan())
    procs = [subprocess.Popen(cmd, cwd=study.repo, env=env)
             for _ in range(jobs)]
    codes = [p.wait() for p in procs]
    after = sum(study.finished(r) for r in study.plan())
    if any(codes):
        raise StudyError(f'{sum(c != 0 for c in codes)} of {jobs} study '
                         f'workers failed (exit codes {codes}); their '
                         'messages are above. Finished runs are kept: run '
                         'the study again to continue')
    return after - before
