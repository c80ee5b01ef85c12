"""Run or resume every run of a study scale, then leave the result files
that ``tools/compare.py`` turns into tables and figures.

Layout under the work dir (default ``work_dirs/study/``)::

    study.json                       scale, machine, revision, wall times
    pretrain/<config>/seed<s>/       tools/train.py work dir + study_eval.json
    random/random/seed<s>/           study_eval.json (random-init encoder)
    finetune/<config|scratch>/seed<s>/
                                     tools/train.py work dir + study_eval.json

A run with a ``study_eval.json`` is finished and skipped (a fine-tuning's
must hold its top-1 on the test split, from ``tools/test.py``); a training
with checkpoints but not the last one continues with ``--resume``.
"""
import glob
import io
import json
import os
import os.path as osp
import platform
import socket
import subprocess
import sys
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from ..engine.atomic_io import (create_text_exclusive, write_bytes_atomic,
                                write_json_atomic, write_torch_atomic)
from ..utils.checkpoint import (load_checkpoint_file, state_dict_of,
                                write_sha256_sidecar)
from .data import background_stats, ground_truth, load_split, to_pixels
from .evaluate import reconstruction_mse, zero_shot
from .plan import SCALES, SCRATCH_LENGTH, Run, Scale, plan
from .probes import (CURRENT_PROTOCOL, extract_features, fixed_probes,
                     is_current, label_subset, probe_protocol,
                     protocol1_scores, validation_split)

RESULT = 'study_eval.json'
TIMES = 'study_time.json'
RETRAIN = 'study_retrain.json'
WEIGHTS = 'weights.pth'  # a finished pretraining's model weights, kept
LOCK = '.study_lock'
SAMPLES = 8  # test images in the reconstruction / layer figures
FIRST_K = (4, 8, 16, 32)


class StudyError(RuntimeError):
    """A run failed or the work dir belongs to another scale."""


SMALL_FILES = ('study.json', 'study_eval.json', 'study_time.json',
               'study_retrain.json', WEIGHTS, WEIGHTS + '.sha256',
               'samples.npz', 'test_metrics.json', 'test_config.py',
               'scalars.json')


def selects(run: Run, selectors: Sequence[str]) -> bool:
    """Whether ``run`` is one of ``selectors``, each ``KIND``,
    ``KIND/NAME`` or ``KIND/NAME/seedS`` (``det``, ``seg/gmae``,
    ``det/random/seed1``)."""
    parts = (run.kind, run.name, f'seed{run.seed}')
    for sel in selectors:
        want = sel.strip('/').split('/')
        if tuple(want) == parts[:len(want)]:
            return True
    return False


def copy_small_files(src: str, dest: str) -> List[str]:
    """Copy a study's small files from ``src`` to ``dest`` (same layout):
    :data:`SMALL_FILES` and each run's dumped config (the ``.py`` beside
    its results), of finished runs only. Returns the paths written."""
    written = []
    for root, _, files in os.walk(src):
        rel = osp.relpath(root, src)
        parts = [] if rel == '.' else rel.split(os.sep)
        run_dir = osp.join(src, *parts[:3])  # <kind>/<name>/seed<s>
        if len(parts) >= 3 and not osp.isfile(osp.join(run_dir, RESULT)):
            continue  # unfinished: nothing of it is kept
        for name in sorted(files):
            run_config = name.endswith('.py') and RESULT in files
            if name not in SMALL_FILES and not run_config:
                continue
            with open(osp.join(root, name), 'rb') as f:
                data = f.read()
            path = osp.normpath(osp.join(dest, rel, name))
            write_bytes_atomic(data, path)
            written.append(path)
    return written


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


class Study:
    """One scale of the Fashion-MNIST study in one work dir (subclasses:
    other studies with their own plan, training options and evaluation)."""

    name = 'fmnist'  # tools/study.py --study
    scales: Dict[str, Scale] = SCALES
    # scale -> the repository folder holding the small files of its
    # finished runs (a fresh checkout continues from them)
    kept: Dict[str, str] = {'cpu': 'docs/results/runs'}

    def __init__(self,
                 scale: str,
                 work_dir: str = 'work_dirs/study',
                 data_root: str = 'data/fashion_mnist',
                 repo: Optional[str] = None,
                 log: Callable[[str], None] = print) -> None:
        if scale not in self.scales:
            raise ValueError(f'--scale must be one of {sorted(self.scales)}, '
                             f'got {scale!r}')
        self.scale = self.scales[scale]
        self.work_dir, self.data_root, self.log = work_dir, data_root, log
        self.repo = repo or os.getcwd()
        self.index_path = osp.join(work_dir, 'study.json')
        self._continue_from_kept_files()
        self.index = self._open_index()
        self._data = None

    # ------------------------------------------------------------------
    # bookkeeping
    # ------------------------------------------------------------------
    def kept_dir(self) -> Optional[str]:
        """The repository folder of this scale's kept small files."""
        rel = self.kept.get(self.scale.name)
        return osp.join(self.repo, rel) if rel else None

    def _continue_from_kept_files(self) -> None:
        """A new work dir of a scale with kept files starts from them: the
        finished runs are skipped instead of repeated (a downstream run
        whose pretraining checkpoint is not kept trains it again)."""
        kept = self.kept_dir()
        if osp.isfile(self.index_path) or not kept or not osp.isfile(
                osp.join(kept, 'study.json')):
            return
        files = copy_small_files(kept, self.work_dir)
        self.log(f'[study] continuing from the {len(files)} kept files of '
                 f'finished runs in {osp.relpath(kept, self.repo)}')

    def keep(self, dest: Optional[str] = None) -> List[str]:
        """Copy the small files of the work dir (results, timings, samples,
        configs, scalar logs, the weights of finished pretrainings others
        start from; no checkpoints, logs or caches) to ``dest`` (default:
        this scale's kept folder); returns the paths written."""
        dest = dest or self.kept_dir()
        if dest is None:
            raise StudyError(f'the {self.scale.name!r} scale keeps no files '
                             'in the repository: pass a folder')
        self.save_weights()
        return copy_small_files(self.work_dir, dest)

    def weights_path(self, run: Run) -> str:
        return osp.join(run.work_dir(self.work_dir), WEIGHTS)

    def save_weights(self) -> List[str]:
        """Write ``weights.pth`` (the model's state_dict alone, about 4 MB
        at the CPU scales' size, with its ``.sha256``) beside the final
        checkpoint of every finished pretraining that other runs start
        from, so that a new checkout fine-tunes from the same encoder
        instead of training it again. Returns the paths written."""
        written = []
        deps = {r.pretraining() for r in self.plan()} - {None}
        for run in sorted(deps, key=self.plan().index):
            final, path = self.final_checkpoint(run), self.weights_path(run)
            # scored once (under any protocol): trained to its end
            if (not osp.isfile(self.result_path(run)) or osp.isfile(path)
                    or not osp.isfile(final)):
                continue
            sd = state_dict_of(load_checkpoint_file(final))
            buf = io.BytesIO()
            torch.save(dict(state_dict=sd, meta=dict(source=final)), buf)
            write_bytes_atomic(buf.getvalue(), path)
            write_sha256_sidecar(path, buf.getvalue(), write_bytes_atomic)
            written.append(path)
        return written

    def pretrained_weights(self, run: Run) -> Optional[str]:
        """What runs that start from pretraining ``run`` load: its final
        checkpoint, else its kept ``weights.pth``; None if neither is
        here (it must be trained again)."""
        for path in (self.final_checkpoint(run), self.weights_path(run)):
            if osp.isfile(path):
                return path
        return None

    def _open_index(self) -> dict:
        if osp.isfile(self.index_path):
            with open(self.index_path) as f:
                try:
                    index = json.load(f)
                except json.JSONDecodeError as e:
                    raise StudyError(
                        f'{self.index_path} is not valid JSON ({e.msg}); '
                        'remove it (the runs beside it are kept and '
                        'skipped)') from e
            if index.get('study', 'fmnist') != self.name:
                raise StudyError(
                    f'{self.work_dir} holds the {index.get("study", "fmnist")}'
                    f' study, not {self.name!r}: pass another --work-dir '
                    '(nothing there was changed)')
            if index.get('scale') != self.scale.name:
                raise StudyError(
                    f'{self.work_dir} holds the {index.get("scale")!r} '
                    f'scale, not {self.scale.name!r}: pass another '
                    '--work-dir (nothing there was changed)')
            return index
        return dict(study=self.name, scale=self.scale.name, sessions=[])

    def plan(self) -> List[Run]:
        """Every run of the scale, in the order they are taken."""
        return plan(self.scale)

    def _save_index(self) -> None:
        write_json_atomic(self.index, self.index_path)

    def _record(self, run: Run, phase: str, seconds: float) -> None:
        """Add wall seconds of a phase to the run's ``study_time.json``
        (summed over attempts: a resumed training adds up)."""
        path = osp.join(run.work_dir(self.work_dir), TIMES)
        times = {}
        if osp.isfile(path):
            with open(path) as f:
                times = json.load(f)
        times[phase] = times.get(phase, 0.0) + seconds
        times['threads'] = torch.get_num_threads()
        write_json_atomic(times, path)

    # ------------------------------------------------------------------
    # data
    # ------------------------------------------------------------------
    def data(self) -> Dict[str, object]:
        """Train / test pixels and labels (the scale's subsets) and the
        zero-shot ground truth, loaded once."""
        if self._data is None:
            s = self.scale
            tr_img, tr_y = load_split(self.data_root, 'train')
            te_img, te_y = load_split(self.data_root, 'test')
            tr_img, tr_y = tr_img[:s.train_images], tr_y[:s.train_images]
            te_img, te_y = te_img[:s.test_images], te_y[:s.test_images]
            zs = te_img[:s.zero_shot_images]
            fg, edges = ground_truth(zs)
            self._data = dict(
                train=to_pixels(tr_img),
                train_y=torch.from_numpy(tr_y),
                test=to_pixels(te_img),
                test_y=torch.from_numpy(te_y),
                zs=to_pixels(zs),
                zs_fg=fg,
                zs_edges=edges,
                background=background_stats(te_img))
        return self._data

    # ------------------------------------------------------------------
    # training through tools/train.py
    # ------------------------------------------------------------------
    def _train_options(self, run: Run) -> Dict[str, object]:
        s = self.scale
        if run.is_finetune:
            opts = dict(max_epochs=self.epochs(run), **s.finetune_options)
            dep = run.pretraining()
            if dep is not None:
                opts['pretrained'] = self.pretrained_weights(dep)
        else:
            opts = dict(max_epochs=self.epochs(run), **s.pretrain_options)
        opts['randomness.seed'] = run.seed
        if run.label_fraction < 1:
            # the probes' labelled subset (the config that ran lists it),
            # every labelled image in every epoch
            subset = self.labelled(run.label_fraction)
            opts['train_dataloader.dataset.indices'] = subset
            # mixup pairs the images of a batch, so every batch is full and
            # even: the last partial batch is dropped, as in every
            # fine-tuning, and a subset smaller than one batch (the ci
            # scale) trains on one batch of its even size
            batch = opts.get('train_dataloader.batch_size',
                             self._config_batch_size(run))
            opts['train_dataloader.batch_size'] = min(
                batch, len(subset) - len(subset) % 2)
            opts['train_dataloader.drop_last'] = True
            # 20-100 short epochs: validating the 10,000 test images after
            # each would cost more than the training (the result is
            # tools/test.py's on the last checkpoint); validate at the end
            opts['train_cfg.val_interval'] = opts['max_epochs']
        elif s.train_images is not None:
            opts['train_dataloader.dataset.indices'] = s.train_images
        if s.test_images is not None and run.is_finetune:
            opts['val_dataloader.dataset.indices'] = s.test_images
        return opts

    @staticmethod
    def _config_batch_size(run: Run) -> int:
        from mmengine.config import Config
        return int(Config.fromfile(run.config()).train_dataloader.batch_size)

    def labelled(self, fraction: float) -> List[int]:
        """Indices of the train images whose labels a ``fraction`` run
        learns from: the class-balanced subset the probes use (outside the
        validation split, the same for every run)."""
        y = self.data()['train_y']
        fit, _ = validation_split(y, self.scale.val_images)
        return label_subset(y, fit, fraction).tolist()

    def epochs(self, run: Run) -> int:
        """Training epochs of a run: the scale's, per label fraction for
        a fine-tuning on fewer labels, x SCRATCH_LENGTH for scratch-own."""
        s = self.scale
        if not run.is_finetune:
            return s.pretrain_epochs * run.epoch_factor
        epochs = (
            s.label_finetunes[run.label_fraction]
            if run.label_fraction < 1 else s.finetune_epochs)
        return epochs * (SCRATCH_LENGTH if run.name == 'scratch-own' else 1)

    def final_checkpoint(self, run: Run) -> str:
        return osp.join(
            run.work_dir(self.work_dir), f'epoch_{self.epochs(run)}.pth')

    def train(self, run: Run, phase: str = 'train_s') -> None:
        """tools/train.py on the run's config, resumed if it has
        checkpoints; returns when the last epoch's checkpoint exists. Its
        wall time adds to ``phase`` of the run's timings."""
        wd = run.work_dir(self.work_dir)
        final = self.final_checkpoint(run)
        if osp.isfile(final) or osp.isfile(self.weights_path(run)):
            return  # trained (kept weights: in an earlier checkout)
        opts = self._train_options(run)
        args = ['--resume'] if glob.glob(osp.join(wd, '*.pth')) else []
        if self.scale.amp:
            args.append('--amp')
        self.log(f'[study] train {osp.relpath(wd, self.work_dir)}'
                 f'{" (resume)" if "--resume" in args else ""}')
        start = time.time()
        code, log_path = self._tool(run, 'train.py', args, opts,
                                    'study_train.log')
        self._record(run, phase, time.time() - start)
        if code != 0 or not osp.isfile(final):
            raise StudyError(
                f'training {wd} failed (exit {code}); its output '
                f'is in {log_path}. Fix the cause and run the study again: '
                'it resumes from the last checkpoint')

    def _tool(self, run: Run, tool: str, args: List[str],
              opts: Dict[str, object], log_name: str) -> Tuple[int, str]:
        """``tools/<tool> CONFIG ARGS --work-dir WD --cfg-options ...`` on the
        run's config, its output appended to ``WD/<log_name>``; returns the
        exit code and the log's path."""
        wd = run.work_dir(self.work_dir)
        cmd = [
            sys.executable,
            osp.join(self.repo, 'tools', tool),
            osp.join(self.repo, run.config()), *args, '--work-dir', wd
        ]
        if opts:
            cmd += ['--cfg-options'] + [f'{k}={v}' for k, v in opts.items()]
        os.makedirs(wd, exist_ok=True)
        log_path = osp.join(wd, log_name)
        with open(log_path, 'a') as logf:
            proc = subprocess.run(
                cmd, cwd=self.repo, stdout=logf, stderr=subprocess.STDOUT)
        return proc.returncode, log_path

    # ------------------------------------------------------------------
    # evaluation
    # ------------------------------------------------------------------
    def model(self, run: Run):
        """The run's MaskedAutoencoder (random init for 'random')."""
        from mmengine.logging import MMLogger

        from ..apis import init_model
        MMLogger.get_current_instance().setLevel('WARNING')  # init reports
        opts = dict(self.scale.pretrain_options)
        opts.pop('train_dataloader.batch_size', None)
        torch.manual_seed(run.seed)
        ckpt = None if run.kind == 'random' else (
            self.pretrained_weights(run) or self.final_checkpoint(run))
        # evaluate where the training ran: on the GPU when there is one
        device = 'cuda' if torch.cuda.is_available() else 'cpu'
        return init_model(
            run.config(), ckpt, device=device, cfg_options=opts or None)

    def evaluate_encoder(self, run: Run) -> Dict[str, object]:
        d = self.data()
        model = self.model(run)
        out: Dict[str, object] = {}
        cache = osp.join(run.work_dir(self.work_dir), 'features.pt')
        if osp.isfile(cache):
            feats = torch.load(cache, weights_only=True)
        else:
            feats = dict(
                train=extract_features(model, d['train']),
                test=extract_features(model, d['test']))
            write_torch_atomic(feats, cache)
        probes = probe_protocol(
            feats['train'],
            d['train_y'],
            feats['test'],
            d['test_y'],
            val_images=self.scale.val_images,
            epochs=self.scale.probe_epochs,
            seed=run.seed)
        out.update(
            linear=probes['all']['linear'],
            knn=probes['all']['knn'],
            probes=probes,
            **CURRENT_PROTOCOL,
            # protocol 1 beside it: the ablation table's, which the
            # ablations' first (kept) results were scored with
            protocol1=fixed_probes(
                feats['train'],
                d['train_y'],
                feats['test'],
                d['test_y'],
                epochs=self.scale.probe_epochs,
                seed=run.seed))
        if run.is_pretrain:
            out['recon_mse'] = reconstruction_mse(model, d['test'])
            out['zero_shot'] = zero_shot(model, d['zs'], d['zs_fg'],
                                         d['zs_edges'])
            if run.kind == 'pretrain' and run.seed == 0:
                self.save_samples(model, run)
        return out

    @torch.no_grad()
    def save_samples(self, model, run: Run) -> None:
        """Reconstructions (mask 0.75, seed 0) and, for GMAE, renders of
        the nearest K Gaussians (all patches visible) of a few test
        images, for the figures."""
        from ..zero_shot import first_k
        device = next(model.parameters()).device
        x = self.data()['test'][:SAMPLES].to(device)
        torch.manual_seed(0)
        rec = model.reconstruct(model.pixels_to_inputs(x), 0.75)
        arrays = {
            k: rec[k].cpu().numpy()
            for k in ('image', 'masked', 'recon', 'pasted')
        }
        if model.is_gaussian:
            full = model.reconstruct(model.pixels_to_inputs(x), 0.0)
            scene = model.head.scene(*x.shape[-2:])
            for k, img in first_k(full['gaussians'], scene, FIRST_K).items():
                arrays[f'first_{k}'] = img.clamp(0, 1).cpu().numpy()
        self.write_samples(run, arrays)

    def write_samples(self, run: Run, arrays: Dict[str, np.ndarray]) -> None:
        """The arrays of the run's figures, as ``samples.npz``."""
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        write_bytes_atomic(
            buf.getvalue(),
            osp.join(run.work_dir(self.work_dir), 'samples.npz'))

    def finetune_result(self, run: Run) -> Dict[str, object]:
        """Top-1 (%) of the fine-tuned model on the test split:
        ``tools/test.py`` on the run's last checkpoint (its
        ``test_metrics.json`` lands in the run's work dir)."""
        s = self.scale
        opts = dict(s.finetune_options)
        if s.test_images is not None:
            opts['test_dataloader.dataset.indices'] = s.test_images
        metrics = self.test(run, opts, ('accuracy/top1', ))
        return dict(
            finetune=metrics['accuracy/top1'],
            finetune_split='test',
            label_fraction=run.label_fraction,
            epochs=self.epochs(run))

    def test(self, run: Run, opts: Dict[str, object],
             required: Tuple[str, ...]) -> Dict[str, float]:
        """``tools/test.py`` on the run's last checkpoint; returns the
        metrics of its ``test_metrics.json``, which must hold
        ``required``."""
        from ..runtime.results import read_json, require
        wd = run.work_dir(self.work_dir)
        code, log_path = self._tool(run, 'test.py',
                                    [self.final_checkpoint(run)], opts,
                                    'study_test.log')
        path = osp.join(wd, 'test_metrics.json')
        if code != 0 or not osp.isfile(path):
            raise StudyError(f'testing {wd} failed (exit {code}); its output '
                             f'is in {log_path}')
        data = read_json(path)
        require(data, ('metrics', ), path)
        missing = [k for k in required if k not in data['metrics']]
        if missing:
            raise StudyError(f'{path} holds no {", ".join(missing)} (it has '
                             f'{sorted(data["metrics"])}); its output is in '
                             f'{log_path}')
        return data['metrics']

    # ------------------------------------------------------------------
    def result_path(self, run: Run) -> str:
        return osp.join(run.work_dir(self.work_dir), RESULT)

    def step(self, run: Run) -> bool:
        """Train and / or evaluate one run; False if it was finished. A run
        whose pretraining checkpoint is gone (a fresh checkout keeps only
        the small files) trains that pretraining again first."""
        path = self.result_path(run)
        if self.finished(run):
            return False
        dep = self.dependency(run)
        if dep is not None and self.pretrained_weights(dep) is None:
            self.retrain(dep)
        # a result of an older protocol: scored again, and trained again
        # only if neither its checkpoint nor its kept weights are here
        earlier = None
        if osp.isfile(path):
            with open(path) as f:
                earlier = json.load(f)
        # trained again below: no checkpoint or kept weights are here
        retrains = run.kind != 'random' and self.pretrained_weights(
            run) is None
        if run.kind != 'random':  # the random-init encoder trains nothing
            self.train(run, 'retrain_s' if earlier else 'train_s')
        start = time.time()
        self.log('[study] evaluate ' +
                 osp.relpath(osp.dirname(path), self.work_dir))
        result = self.evaluate(run)
        if earlier and retrains:
            self.record_rescore(run, earlier, result)
        result.update(
            kind=run.kind,
            name=run.name,
            method=run.method,
            seed=run.seed,
            ablation=run.ablation)
        self._record(run, 'eval_s', time.time() - start)
        write_json_atomic(result, path)
        return True

    def retrain(self, run: Run) -> None:
        """Train a finished run again whose checkpoint is gone (a fresh
        checkout keeps only the small files); its results and training
        time stay, the new training's time goes to ``retrain_s``."""
        rel = osp.relpath(run.work_dir(self.work_dir), self.work_dir)
        self.log(f'[study] {rel}: checkpoint not here (a fresh checkout): '
                 'training it again')
        self.train(run, phase='retrain_s')
        self.check_retrained(run)

    def check_retrained(self, run: Run) -> None:
        """Score a retrained run again and record how far its scores lie
        from the kept ones (:meth:`record_rescore`)."""
        path = self.result_path(run)
        if osp.isfile(path):
            with open(path) as f:
                kept = json.load(f)
            self.record_rescore(run, kept, self.evaluate(run))

    def record_rescore(self, run: Run, kept: dict, now: dict) -> None:
        """Append to ``study_retrain.json`` how far the scores of a run
        trained again lie from its kept ones (reconstruction, zero-shot and
        protocol-1 probe scores, which every result holds): zero when
        training is reproducible on this machine, so the runs built on it
        start from the encoder its own results describe."""
        diffs = {
            k: abs(now[k] - kept[k])
            for k in ('recon_mse', ) if isinstance(now.get(k), float)
            and isinstance(kept.get(k), float)
        }
        p1_now, p1_kept = protocol1_scores(now), protocol1_scores(kept)
        for k in set(p1_now) & set(p1_kept):
            diffs[f'protocol1/{k}'] = abs(p1_now[k] - p1_kept[k])
        zs_now, zs_kept = now.get('zero_shot', {}), kept.get('zero_shot', {})
        for k in set(zs_now) & set(zs_kept):
            if isinstance(zs_now[k], float):
                diffs[f'zero_shot/{k}'] = abs(zs_now[k] - zs_kept[k])
        worst = max(diffs.values(), default=0.0)
        log = osp.join(run.work_dir(self.work_dir), RETRAIN)
        history = []
        if osp.isfile(log):
            with open(log) as f:
                history = json.load(f)
        history.append(
            dict(revision=git_revision(self.repo), max_abs_diff=worst,
                 diffs=dict(sorted(diffs.items())), kept=kept))
        write_json_atomic(history, log)
        rel = osp.relpath(run.work_dir(self.work_dir), self.work_dir)
        self.log(f'[study] {rel}: retrained scores differ from the kept '
                 f'ones by at most {worst:.3g}')

    def evaluate(self, run: Run) -> Dict[str, object]:
        """The scores of one trained run (its ``study_eval.json``)."""
        if run.is_finetune:
            return self.finetune_result(run)
        return self.evaluate_encoder(run)

    # ------------------------------------------------------------------
    # scheduling: one process, or several workers sharing the plan
    # ------------------------------------------------------------------
    def _lock(self, run: Run) -> bool:
        """Claim a run for this process (a lock file naming host and pid;
        a lock whose process is gone is taken over).

        The lock appears complete or not at all
        (:func:`create_text_exclusive`): a worker reading a lock another had
        created but not yet written took it for a dead worker's and trained
        the same run into the same work dir."""
        wd = run.work_dir(self.work_dir)
        os.makedirs(wd, exist_ok=True)
        path = osp.join(wd, LOCK)
        me = f'{socket.gethostname()} {os.getpid()}'
        for _ in range(2):
            if create_text_exclusive(me, path):
                return True
            if self._held_by_live_process(path):
                return False
            try:
                os.remove(path)  # its worker was killed
            except FileNotFoundError:
                pass  # another worker took it over first
        return False

    @staticmethod
    def _held_by_live_process(path: str) -> bool:
        try:
            with open(path) as f:
                host, pid = f.read().split()
        except (OSError, ValueError):
            return False
        if host != socket.gethostname():
            return True  # another machine's worker: leave it alone
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def _unlock(self, run: Run) -> None:
        path = osp.join(run.work_dir(self.work_dir), LOCK)
        if osp.isfile(path):
            os.remove(path)

    def finished(self, run: Run) -> bool:
        """A result file exists (for a fine-tuning: one measured on the
        test split; results of earlier revisions were read from the
        training's validation, which mmpretrain's FashionMNIST ran on the
        train images: those runs are tested again, not retrained)."""
        path = self.result_path(run)
        if not osp.isfile(path):
            return False
        with open(path) as f:
            return self.up_to_date(run, json.load(f))

    def up_to_date(self, run: Run, result: dict) -> bool:
        """Whether a result was measured the way this revision measures:
        a fine-tuning on the test split, an encoder with the probes of
        :data:`CURRENT_PROTOCOL`, grids too (others are scored again, not
        retrained when their weights are here)."""
        if run.is_finetune:
            return result.get('finetune_split') == 'test'
        if run.is_paired_ablation:  # compared under protocol 1
            return (result.get('probe_protocol', 1) == 1
                    or 'protocol1' in result or is_current(result))
        return is_current(result)

    def progress(self, workers: int = 1) -> str:
        """``runs done / total`` and the time left, estimated from the
        measured wall time of the finished runs, shared by ``workers``
        processes: a pretraining from its config's finished pretrainings
        per epoch (a 4x run trains four times as long), any other run
        from the mean of its kind (of all finished runs for a kind with
        none yet)."""
        runs = self.plan()
        costs: Dict[str, List[float]] = {}
        # config stem -> (train seconds per epoch factor, eval seconds)
        per_epoch: Dict[str, List[Tuple[float, float]]] = {}
        todo: List[Run] = []
        for run in runs:
            if not self.finished(run):
                todo.append(run)
                continue
            path = osp.join(run.work_dir(self.work_dir), TIMES)
            if osp.isfile(path):
                with open(path) as f:
                    t = json.load(f)
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
        return text

    def check_kinds(self, kinds: Optional[Sequence[str]]) -> None:
        """Refuse ``--only`` selectors that match no run of the plan,
        naming them and the kinds there are."""
        runs = self.plan()
        unknown = [
            k for k in kinds or () if not any(selects(r, [k]) for r in runs)
        ]
        if unknown:
            known = sorted({run.kind for run in runs})
            raise StudyError(
                f'--only {",".join(unknown)}: no such run in the '
                f'{self.name} study (selectors are KIND[/NAME[/seedS]]; '
                f'its kinds: {", ".join(known)})')

    def work(self, limit: Optional[int] = None,
             workers: int = 1,
             kinds: Optional[Sequence[str]] = None) -> List[Run]:
        """Take unfinished, unclaimed runs of the plan one by one until
        none is left (waiting while other workers hold the last ones);
        after each, print the progress of the whole plan. ``kinds``: take
        only runs of these kinds (the others stay to do)."""
        self.check_kinds(kinds)
        done: List[Run] = []
        while limit is None or len(done) < limit:
            waiting = False
            progressed = False
            for run in self.plan():
                if self.finished(run) or (kinds and not selects(run, kinds)):
                    continue
                dep = self.dependency(run)
                if dep is not None and not self.finished(dep):
                    if kinds and not selects(dep, kinds):
                        continue  # its pretraining is left out: not now
                    waiting = True  # its pretraining is not done yet
                    continue
                if dep is not None and self.pretrained_weights(dep) is None:
                    # finished in an earlier checkout, checkpoint gone:
                    # one worker trains it again while the others wait
                    if not self._lock(dep):
                        waiting = True
                        continue
                    try:
                        self.retrain(dep)
                    finally:
                        self._unlock(dep)
                    progressed = True
                    break
                if not self._lock(run):
                    waiting = True
                    continue
                try:
                    if self.step(run):
                        done.append(run)
                        self.log(f'[study] {self.progress(workers)}')
                finally:
                    self._unlock(run)
                progressed = True
                break
            if not progressed:
                if not waiting:
                    break
                time.sleep(10)
        return done

    def dependency(self, run: Run) -> Optional[Run]:
        """The pretraining a run starts from (None: none)."""
        return run.pretraining()

    def run(self,
            limit: Optional[int] = None,
            jobs: int = 1,
            kinds: Optional[Sequence[str]] = None) -> int:
        """Every unfinished run of the plan (of ``kinds`` only, if given),
        in this process (``jobs=1``) or in ``jobs`` worker processes with
        ``cores / jobs`` threads each (small models use two 1-thread
        processes better than one 2-thread one). Returns the number of
        runs done."""
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
        self._save_index()
        self.log(f'[study] {self.progress(jobs)}')
        if jobs <= 1:
            count = len(self.work(limit, kinds=kinds))
        else:
            count = self._spawn_workers(jobs, limit, kinds)
        self.finalize()
        session['wall_s'] = time.time() - start
        self._save_index()
        return count

    def finalize(self) -> None:
        """Add what the report needs beside the runs: the background
        statistics, the model-free zero-shot rows and the raw-pixel probes
        (computed once)."""
        d = self.data()
        self.index['background'] = d['background']
        if 'references' not in self.index:
            self.index['references'] = zero_shot(None, d['zs'], d['zs_fg'],
                                                 d['zs_edges'])
        raw = self.index.get('raw_pixels') or {}
        if not is_current(raw):
            self.index['raw_pixels'] = self.raw_pixel_probes()
        self._save_index()

    def raw_pixel_probes(self) -> Dict[str, object]:
        """The encoders' probes (:func:`probe_protocol`, one per main seed)
        on the raw grey pixels (784 values in [0, 1]) instead of encoder
        features: the line every encoder must cross."""
        d = self.data()
        train, test = d['train'][:, 0].flatten(1), d['test'][:, 0].flatten(1)
        runs = [
            probe_protocol(
                train,
                d['train_y'],
                test,
                d['test_y'],
                val_images=self.scale.val_images,
                epochs=self.scale.probe_epochs,
                seed=s) for s in self.scale.main_seeds
        ]
        return dict(
            linear=[r['all']['linear'] for r in runs],
            knn=runs[0]['all']['knn'],  # no randomness: one value
            probes=runs,
            **CURRENT_PROTOCOL,
            features=int(train.shape[1]),
            train_images=len(train),
            test_images=len(test))

    def _spawn_workers(self, jobs: int, limit: Optional[int],
                       kinds: Optional[Sequence[str]] = None) -> int:
        threads = max(1, (os.cpu_count() or 1) // jobs)
        env = dict(
            os.environ,
            OMP_NUM_THREADS=str(threads),
            MKL_NUM_THREADS=str(threads))
        cmd = [
            sys.executable,
            osp.join(self.repo, 'tools',
                     'study.py'), '--study', self.name, '--scale',
            self.scale.name, '--work-dir',
            self.work_dir, '--data', self.data_root, '--worker', '--jobs',
            str(jobs)
        ]
        if limit is not None:
            cmd += ['--limit', str(limit)]
        if kinds:
            cmd += ['--only', ','.join(kinds)]
        before = sum(self.finished(r) for r in self.plan())
        procs = [
            subprocess.Popen(cmd, cwd=self.repo, env=env) for _ in range(jobs)
        ]
        codes = [p.wait() for p in procs]
        after = sum(self.finished(r) for r in self.plan())
        if any(codes):
            raise StudyError(f'{sum(c != 0 for c in codes)} of {jobs} study '
                             f'workers failed (exit codes {codes}); their '
                             'messages are above. Finished runs are kept: '
                             'run the study again to continue')
        return after - before
