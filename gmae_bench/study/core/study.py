"""The study core: one scale of one study in one work dir, run or resumed.

A study subclass says what runs (``plan``), how each trains
(``train_options``, ``final_checkpoint``) and how it is scored
(``evaluate``, ``finalize``); this class trains through ``tools/train.py``,
keeps what each run needs to be re-checked (:mod:`.store`) and schedules
the plan (:mod:`.scheduler`). A run is finished when its result file
exists; a training with checkpoints but no final one continues with
``--resume``; a downstream run whose pretraining's weights are gone (a
fresh checkout without them) trains that pretraining again first.
"""
import glob
import os
import os.path as osp
import time
from typing import Callable, Dict, List, Optional, Sequence

from ...engine.atomic_io import write_json_atomic
from . import scheduler
from .locks import RunLock
from .provenance import git_revision, machine
from .store import RunStore, StudyError, copy_small_files, read_json_file
from .tools import run_tool, test_metrics


class Study:
    """One scale of a study in one work dir (subclass per study)."""

    name = ''  # tools/study.py --study
    scales: Dict[str, object] = {}
    # scale -> the repository folder holding the small files of its
    # finished runs (a fresh checkout continues from them)
    kept: Dict[str, str] = {}

    def __init__(self,
                 scale: str,
                 work_dir: str,
                 data_root: str,
                 repo: Optional[str] = None,
                 log: Callable[[str], None] = print) -> None:
        if scale not in self.scales:
            raise ValueError(f'--scale must be one of {sorted(self.scales)}, '
                             f'got {scale!r}')
        self.scale = self.scales[scale]
        self.work_dir, self.data_root, self.log = work_dir, data_root, log
        self.repo = repo or os.getcwd()
        self.store = RunStore(work_dir)
        self.index_path = osp.join(work_dir, 'study.json')
        self._continue_from_kept_files()
        self.index = self._open_index()
        self._data = None

    # ------------------------------------------------------------------
    # what a study says (subclasses)
    # ------------------------------------------------------------------
    def plan(self) -> list:
        """Every run of the scale, in the order they are taken."""
        raise NotImplementedError

    def train_options(self, run) -> Dict[str, object]:
        """The ``--cfg-options`` of the run's training."""
        raise NotImplementedError

    def final_checkpoint(self, run) -> str:
        """The checkpoint a finished training leaves."""
        raise NotImplementedError

    def evaluate(self, run) -> Dict[str, object]:
        """The scores of one trained run (its result file)."""
        raise NotImplementedError

    def finalize(self) -> None:
        """What the report needs beside the runs (references, computed
        once into the index)."""

    def trains(self, run) -> bool:
        """Whether the run trains (a random-init encoder does not)."""
        return True

    def up_to_date(self, run, result: dict) -> bool:
        """Whether a kept result was measured the way this revision
        measures (others are scored again)."""
        return True

    def rescore_diffs(self, kept: dict, now: dict) -> Dict[str, float]:
        """How far the scores of a run trained again lie from its kept
        ones, per score."""
        diffs = {}
        if isinstance(now.get('recon_mse'), float) and isinstance(
                kept.get('recon_mse'), float):
            diffs['recon_mse'] = abs(now['recon_mse'] - kept['recon_mse'])
        zs_now, zs_kept = now.get('zero_shot', {}), kept.get('zero_shot', {})
        for k in set(zs_now) & set(zs_kept):
            if isinstance(zs_now[k], float) and isinstance(zs_kept[k], float):
                diffs[f'zero_shot/{k}'] = abs(zs_now[k] - zs_kept[k])
        return diffs

    def dependency(self, run):
        """The pretraining a run starts from (None: none)."""
        return run.pretraining()

    # ------------------------------------------------------------------
    # the index and the kept files
    # ------------------------------------------------------------------
    def kept_dir(self) -> Optional[str]:
        """The repository folder of this scale's kept small files."""
        rel = self.kept.get(self.scale.name)
        return osp.join(self.repo, rel) if rel else None

    def _continue_from_kept_files(self) -> None:
        """A new work dir of a scale with kept files starts from them."""
        kept = self.kept_dir()
        if osp.isfile(self.index_path) or not kept or not osp.isfile(
                osp.join(kept, 'study.json')):
            return
        files = copy_small_files(kept, self.work_dir)
        self.log(f'[study] continuing from the {len(files)} kept files of '
                 f'finished runs in {osp.relpath(kept, self.repo)}')

    def _open_index(self) -> dict:
        if not osp.isfile(self.index_path):
            return dict(study=self.name, scale=self.scale.name, sessions=[])
        index = read_json_file(self.index_path,
                               'it (the runs beside it are kept and skipped)')
        if index.get('study', 'fmnist') != self.name:
            raise StudyError(
                f'{self.work_dir} holds the {index.get("study", "fmnist")} '
                f'study, not {self.name!r}: pass another --work-dir '
                '(nothing there was changed)')
        if index.get('scale') != self.scale.name:
            raise StudyError(
                f'{self.work_dir} holds the {index.get("scale")!r} scale, '
                f'not {self.scale.name!r}: pass another --work-dir (nothing '
                'there was changed)')
        return index

    def save_index(self) -> None:
        write_json_atomic(self.index, self.index_path)

    def keep(self, dest: Optional[str] = None) -> List[str]:
        """Copy the small files of the finished runs (results, timings,
        samples, configs, predictions, weights of finished pretrainings;
        no checkpoints, logs or caches) to ``dest`` (default: this scale's
        kept folder); returns the paths written."""
        dest = dest or self.kept_dir()
        if dest is None:
            raise StudyError(f'the {self.scale.name!r} scale keeps no files '
                             'in the repository: pass a folder')
        self.save_weights()
        return copy_small_files(self.work_dir, dest)

    def save_weights(self) -> List[str]:
        """``weights.pth`` of every finished pretraining whose final
        checkpoint is here (:meth:`RunStore.save_weights`)."""
        written = []
        for run in self.plan():
            if run.is_pretrain and self.finished(run):
                path = self.store.save_weights(run, self.final_checkpoint(run))
                written += [path] if path else []
        return written

    def pretrained_weights(self, run) -> Optional[str]:
        """What runs that start from pretraining ``run`` load: its kept
        ``weights.pth`` (written when it finished), else its final
        checkpoint; None if neither is here (it must be trained again)."""
        for path in (self.store.weights_path(run),
                     self.final_checkpoint(run)):
            if osp.isfile(path):
                return path
        return None

    # ------------------------------------------------------------------
    # training and testing through the tools
    # ------------------------------------------------------------------
    def train(self, run, phase: str = 'train_s') -> None:
        """tools/train.py on the run's config, resumed if it has
        checkpoints; returns when the final checkpoint exists. Its wall
        time adds to ``phase`` of the run's timings."""
        wd = self.store.run_dir(run)
        final = self.final_checkpoint(run)
        if osp.isfile(final) or osp.isfile(self.store.weights_path(run)):
            return  # trained (kept weights: in an earlier checkout)
        opts = self.train_options(run)
        args = ['--resume'] if glob.glob(osp.join(wd, '*.pth')) else []
        if self.scale.amp:
            args.append('--amp')
        self.log(f'[study] train {self.store.rel(run)}'
                 f'{" (resume)" if "--resume" in args else ""}')
        start = time.time()
        code, log_path = run_tool(self.repo, 'train.py', run.config(), wd,
                                  args, opts, 'study_train.log')
        self.store.record_time(run, phase, time.time() - start)
        if code != 0 or not osp.isfile(final):
            raise StudyError(
                f'training {wd} failed (exit {code}); its output is in '
                f'{log_path}. Fix the cause and run the study again: it '
                'resumes from the last checkpoint')

    def test(self, run, opts: Dict[str, object], required: Sequence[str],
             extra_args: Sequence[str] = ()) -> Dict[str, float]:
        """tools/test.py on the run's final checkpoint; its metrics."""
        return test_metrics(self.repo, run.config(), self.store.run_dir(run),
                            self.final_checkpoint(run), opts, required,
                            extra_args)

    def model(self, run, pretrained: bool = True):
        """The run's MaskedAutoencoder from its pretraining config (random
        init for a run that trains nothing, or with ``pretrained=False``:
        seeded by the run's seed), where the training ran."""
        import torch
        from mmengine.logging import MMLogger

        from ...apis import init_model
        MMLogger.get_current_instance().setLevel('WARNING')  # init reports
        opts = dict(self.scale.pretrain_options)
        opts.pop('train_dataloader.batch_size', None)
        torch.manual_seed(run.seed)
        ckpt = self.pretrained_weights(run) if (
            pretrained and self.trains(run)) else None
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
        return init_model(
            run.config(), ckpt, device=device, cfg_options=opts or None)

    # ------------------------------------------------------------------
    # one run
    # ------------------------------------------------------------------
    def finished(self, run) -> bool:
        """A result file exists, measured the way this revision measures."""
        result = self.store.read_result(run)
        return result is not None and self.up_to_date(run, result)

    def times(self, run) -> Dict[str, float]:
        return self.store.times(run)

    def lock(self, run) -> RunLock:
        return RunLock(self.store.run_dir(run))

    def result_path(self, run) -> str:
        return self.store.result_path(run)

    def step(self, run) -> bool:
        """Train and / or evaluate one run; False if it was finished."""
        if self.finished(run):
            return False
        dep = self.dependency(run)
        if dep is not None and self.pretrained_weights(dep) is None:
            self.retrain(dep)
        # a result of an older protocol: scored again, and trained again
        # only if neither its checkpoint nor its kept weights are here
        earlier = self.store.read_result(run)
        retrains = self.trains(run) and self.pretrained_weights(run) is None
        if self.trains(run):
            self.train(run, 'retrain_s' if earlier else 'train_s')
        start = time.time()
        self.log(f'[study] evaluate {self.store.rel(run)}')
        result = self.evaluate(run)
        if earlier and retrains:
            self.record_rescore(run, earlier, result)
        result.update(kind=run.kind, name=run.name, method=run.method,
                      seed=run.seed, ablation=run.ablation)
        if dep is not None:  # which weights it started from, and their hash
            result['pretrained'] = self.store.file_record(
                self.pretrained_weights(dep))
        self.store.record_time(run, 'eval_s', time.time() - start)
        self.store.write_result(run, result)
        if run.is_pretrain:  # kept, and what downstream runs load
            self.store.save_weights(run, self.final_checkpoint(run))
        return True

    def retrain(self, run) -> None:
        """Train a finished run again whose weights are gone; its results
        and training time stay, the new training's time goes to
        ``retrain_s`` and its scores are compared with the kept ones."""
        self.log(f'[study] {self.store.rel(run)}: weights not here (a fresh '
                 'checkout): training it again')
        self.train(run, phase='retrain_s')
        kept = self.store.read_result(run)
        if kept is not None:
            self.record_rescore(run, kept, self.evaluate(run))
        self.store.save_weights(run, self.final_checkpoint(run))

    def record_rescore(self, run, kept: dict, now: dict) -> None:
        """Append to ``study_retrain.json`` how far the scores of a run
        trained again lie from its kept ones: zero when training is
        reproducible on this machine."""
        diffs = self.rescore_diffs(kept, now)
        worst = max(diffs.values(), default=0.0)
        self.store.append_retrain(
            run,
            dict(revision=git_revision(self.repo), max_abs_diff=worst,
                 diffs=dict(sorted(diffs.items())), kept=kept))
        self.log(f'[study] {self.store.rel(run)}: retrained scores differ '
                 f'from the kept ones by at most {worst:.3g}')

    # ------------------------------------------------------------------
    # the whole plan
    # ------------------------------------------------------------------
    def progress(self, workers: int = 1) -> str:
        return scheduler.progress(self, workers)

    def check_kinds(self, kinds: Optional[Sequence[str]]) -> None:
        scheduler.check_selectors(self, kinds)

    def work(self, limit: Optional[int] = None, workers: int = 1,
             kinds: Optional[Sequence[str]] = None) -> list:
        return scheduler.work(self, limit, workers, kinds)

    def run(self, limit: Optional[int] = None, jobs: int = 1,
            kinds: Optional[Sequence[str]] = None) -> int:
        """Every unfinished run of the plan (of ``kinds`` only, if given),
        in this process (``jobs=1``) or in ``jobs`` worker processes with
        ``cores / jobs`` threads each. Returns the number of runs done."""
        self.check_kinds(kinds)
        start = time.time()
        session = dict(
            started=time.strftime('%Y-%m-%d %H:%M:%S %Z'),
            revision=git_revision(self.repo),
            machine=machine(),
            jobs=jobs)
        if kinds:
            session['only'] = sorted(kinds)
        self.index['sessions'].append(session)
        self.save_index()
        self.log(f'[study] {self.progress(jobs)}')
        if jobs <= 1:
            count = len(self.work(limit, kinds=kinds))
        else:
            count = scheduler.spawn_workers(self, jobs, limit, kinds)
        self.finalize()
        session['wall_s'] = time.time() - start
        self.save_index()
        return count
