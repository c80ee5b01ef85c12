"""The store of a study's runs: where each run's files lie, its result,
timings, figure arrays and the weights of a finished pretraining, and the
copy of the small files that a repository keeps.

Layout under the work dir::

    study.json                  study, scale, sessions (the index)
    <kind>/<name>/seed<s>/      one run: tools/train.py work dir and
        study_eval.json         its result (finished when present)
        study_time.json         wall seconds per phase
        train_config.py         the config it trained with (tools/train.py)
        test_config.py          the config it was tested with (tools/test.py)
        weights.pth             a finished pretraining's weights (+ .sha256)
        predictions.*.json.gz   a detection run's test predictions (COCO)
"""
import io
import json
import os
import os.path as osp
from typing import Dict, List, Optional

import numpy as np
import torch

from ...engine.atomic_io import write_bytes_atomic, write_json_atomic
from ...utils.checkpoint import (file_sha256, load_checkpoint_file,
                                 state_dict_of, write_sha256_sidecar)

RESULT = 'study_eval.json'
TIMES = 'study_time.json'
RETRAIN = 'study_retrain.json'
WEIGHTS = 'weights.pth'  # a finished pretraining's model weights, kept
SAMPLES_FILE = 'samples.npz'
TRAIN_CONFIG = 'train_config.py'
TEST_CONFIG = 'test_config.py'
# every file of a finished run that the repository keeps (no checkpoints,
# logs or feature caches)
SMALL_FILES = ('study.json', RESULT, TIMES, RETRAIN, WEIGHTS,
               WEIGHTS + '.sha256', SAMPLES_FILE, 'test_metrics.json',
               TRAIN_CONFIG, TEST_CONFIG, 'scalars.json', 'study_depth.json',
               'dense_probe.json')
SMALL_SUFFIXES = ('.json.gz', )  # predictions.bbox.json.gz, ...


class StudyError(RuntimeError):
    """A run failed or the work dir belongs to another study or scale."""


def is_small_file(name: str) -> bool:
    """Whether a file of a finished run's folder is kept."""
    return name in SMALL_FILES or name.endswith(SMALL_SUFFIXES)


def copy_small_files(src: str, dest: str) -> List[str]:
    """Copy a study's small files (:func:`is_small_file`) from ``src`` to
    ``dest`` (same layout), of finished runs only. Returns the paths
    written."""
    written = []
    for root, _, files in os.walk(src):
        rel = osp.relpath(root, src)
        parts = [] if rel == '.' else rel.split(os.sep)
        run_dir = osp.join(src, *parts[:3])  # <kind>/<name>/seed<s>
        if len(parts) >= 3 and not osp.isfile(osp.join(run_dir, RESULT)):
            continue  # unfinished: nothing of it is kept
        for name in sorted(files):
            if not is_small_file(name):
                continue
            with open(osp.join(root, name), 'rb') as f:
                data = f.read()
            path = osp.normpath(osp.join(dest, rel, name))
            write_bytes_atomic(data, path)
            written.append(path)
    return written


def read_json_file(path: str, what: str = 'this file') -> object:
    """JSON of ``path``; a broken file names itself and what to do."""
    with open(path) as f:
        try:
            return json.load(f)
        except json.JSONDecodeError as e:
            raise StudyError(f'{path} is not valid JSON ({e.msg}); remove '
                             f'{what} and run the study again') from e


class RunStore:
    """The files of the runs in one study work dir. A run is any object
    with ``work_dir(root) -> str`` (a study's run record)."""

    def __init__(self, work_dir: str) -> None:
        self.root = work_dir

    def run_dir(self, run) -> str:
        return run.work_dir(self.root)

    def rel(self, run) -> str:
        """The run's folder relative to the work dir (``det/mae/seed0``)."""
        return osp.relpath(self.run_dir(run), self.root)

    def path(self, run, name: str) -> str:
        return osp.join(self.run_dir(run), name)

    # results -----------------------------------------------------------
    def result_path(self, run) -> str:
        return self.path(run, RESULT)

    def read_result(self, run) -> Optional[dict]:
        """The run's ``study_eval.json``, None if it has none."""
        path = self.result_path(run)
        if not osp.isfile(path):
            return None
        return read_json_file(path, 'it (the run is scored again)')

    def write_result(self, run, result: dict) -> None:
        write_json_atomic(result, self.result_path(run))

    def record_time(self, run, phase: str, seconds: float) -> None:
        """Add wall seconds of a phase to the run's ``study_time.json``
        (summed over attempts: a resumed training adds up)."""
        path = self.path(run, TIMES)
        times = self.times(run)
        times[phase] = times.get(phase, 0.0) + seconds
        times['threads'] = torch.get_num_threads()
        write_json_atomic(times, path)

    def times(self, run) -> Dict[str, float]:
        path = self.path(run, TIMES)
        return dict(read_json_file(path)) if osp.isfile(path) else {}

    def append_retrain(self, run, entry: dict) -> None:
        """Add an entry to the run's ``study_retrain.json`` history."""
        path = self.path(run, RETRAIN)
        history = list(read_json_file(path)) if osp.isfile(path) else []
        history.append(entry)
        write_json_atomic(history, path)

    def write_samples(self, run, arrays: Dict[str, np.ndarray]) -> None:
        """The arrays of the run's figures, as ``samples.npz``."""
        buf = io.BytesIO()
        np.savez_compressed(buf, **arrays)
        write_bytes_atomic(buf.getvalue(), self.path(run, SAMPLES_FILE))

    # weights -----------------------------------------------------------
    def weights_path(self, run) -> str:
        return self.path(run, WEIGHTS)

    def save_weights(self, run, checkpoint: str) -> Optional[str]:
        """Write ``weights.pth`` (the model's state_dict alone, with its
        ``.sha256``) from a finished pretraining's final checkpoint, once;
        returns the path written, None when it existed or ``checkpoint``
        is not there."""
        path = self.weights_path(run)
        if osp.isfile(path) or not osp.isfile(checkpoint):
            return None
        sd = state_dict_of(load_checkpoint_file(checkpoint))
        buf = io.BytesIO()
        torch.save(dict(state_dict=sd, meta=dict(source=checkpoint)), buf)
        write_bytes_atomic(buf.getvalue(), path)
        write_sha256_sidecar(path, buf.getvalue(), write_bytes_atomic)
        return path

    def file_record(self, path: str) -> Dict[str, str]:
        """A file a run started from: its path (relative to the work dir)
        and sha256."""
        return dict(file=osp.relpath(path, self.root),
                    sha256=file_sha256(path))
