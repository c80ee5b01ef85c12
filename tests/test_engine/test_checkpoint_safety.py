"""Checkpoints as a hostile world hands them over: crafted pickles are
never run, flipped bytes are caught by the content hash, writes keep the
usual mode and name the file when the disk is full, stale temporaries are
cleaned, and resume picks the newest complete checkpoint or fails loudly."""
import errno
import os
import stat

import pytest
import torch

from gmae_bench.engine.atomic_io import (AtomicLocalBackend,
                                         remove_stale_temp_files, temp_prefix)
from gmae_bench.utils.checkpoint import (ALLOW_PICKLE_ENV, CheckpointError,
                                         latest_checkpoint,
                                         load_checkpoint_file,
                                         load_from_gmae_bench)
from tests.helpers import TINY_VIT, build


class Payload:
    """Unpickling this creates ``marker``: code from the file runs."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, 'w'))


def crafted(tmp_path):
    marker = tmp_path / 'PWNED'
    path = tmp_path / 'evil.pth'
    torch.save({
        'state_dict': {
            'x': torch.zeros(1)
        },
        'p': Payload(str(marker))
    }, path)
    return path, marker


@pytest.mark.parametrize('how', ['file', 'mmengine', 'pretrained', 'env'])
def test_crafted_pickle_never_runs(tmp_path, monkeypatch, how):
    path, marker = crafted(tmp_path)
    monkeypatch.setenv(ALLOW_PICKLE_ENV, '1' if how == 'env' else '0')
    with pytest.raises(CheckpointError, match='refusing to load.*evil.pth'):
        if how in ('file', 'env'):
            load_checkpoint_file(str(path))
        elif how == 'mmengine':
            load_from_gmae_bench(str(path))
        else:
            build(
                dict(
                    TINY_VIT,
                    init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    assert not marker.exists()


def test_own_pickled_file_loads_only_with_the_opt_in(tmp_path, monkeypatch):
    path = tmp_path / 'epoch_1.pth'
    import io
    buf = io.BytesIO()
    import datetime  # not plain data the reader allows (numpy is)
    torch.save({'meta': {'day': datetime.date(2026, 1, 2)}}, buf)
    AtomicLocalBackend().put(buf.getvalue(), path)  # with its .sha256
    monkeypatch.delenv(ALLOW_PICKLE_ENV, raising=False)
    with pytest.raises(CheckpointError, match=f'set {ALLOW_PICKLE_ENV}=1'):
        load_checkpoint_file(str(path))
    monkeypatch.setenv(ALLOW_PICKLE_ENV, '1')
    assert load_checkpoint_file(str(path))['meta']['day'].day == 2


def test_flipped_bytes_are_caught_by_the_content_hash(tmp_path):
    import io
    buf = io.BytesIO()
    torch.save({'state_dict': {'w': torch.randn(64)}}, buf)
    path = tmp_path / 'epoch_1.pth'
    AtomicLocalBackend().put(buf.getvalue(), path)
    assert load_checkpoint_file(str(path))['state_dict']['w'].shape == (64, )
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CheckpointError, match='content hash'):
        load_checkpoint_file(str(path))


def test_checkpoints_get_the_usual_mode_and_no_temporaries(tmp_path):
    old = os.umask(0o022)
    try:
        AtomicLocalBackend().put(b'x', tmp_path / 'epoch_1.pth')
    finally:
        os.umask(old)
    mode = stat.S_IMODE(os.stat(tmp_path / 'epoch_1.pth').st_mode)
    assert mode == 0o644
    assert sorted(
        os.listdir(tmp_path)) == ['epoch_1.pth', 'epoch_1.pth.sha256']


def test_full_disk_names_file_and_space_and_keeps_the_old(
        tmp_path, monkeypatch):
    b = AtomicLocalBackend()
    b.put(b'good', tmp_path / 'epoch_1.pth')

    def full(fd):
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(os, 'fsync', full)
    with pytest.raises(
            OSError,
            match=r'no space left to write .*epoch_2.pth'
            r'.*MiB are free') as e:
        b.put(b'new' * 1000, tmp_path / 'epoch_2.pth')
    assert e.value.errno == errno.ENOSPC
    assert sorted(
        os.listdir(tmp_path)) == ['epoch_1.pth', 'epoch_1.pth.sha256']


def test_stale_temporaries_of_dead_writers_are_removed(tmp_path):
    import subprocess
    dead = subprocess.Popen(['true'])
    dead.wait()
    stale = tmp_path / (
        temp_prefix(str(tmp_path / 'epoch_3.pth')).replace(
            f'-{os.getpid()}-', f'-{dead.pid}-') + 'abc123')
    live = tmp_path / (temp_prefix(str(tmp_path / 'epoch_4.pth')) + 'xyz')
    stale.write_bytes(b'half')
    live.write_bytes(b'being written')
    assert remove_stale_temp_files(str(tmp_path)) == [str(stale)]
    assert live.exists()


# --- which checkpoint --resume takes --------------------------------------
def _ckpt(path, value):
    import io
    buf = io.BytesIO()
    torch.save({'a': torch.tensor([value])}, buf)
    AtomicLocalBackend().put(buf.getvalue(), path)


def test_resume_takes_the_newest_complete_checkpoint(tmp_path):
    _ckpt(tmp_path / 'epoch_1.pth', 1.)
    _ckpt(tmp_path / 'epoch_2.pth', 2.)
    # killed after epoch_2.pth was in place, before the record was updated
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_1.pth'))
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_2.pth')
    # a newest one with a wrong hash is skipped
    _ckpt(tmp_path / 'epoch_3.pth', 3.)
    (tmp_path / 'epoch_3.pth.sha256').write_text('0' * 64 + '  epoch_3.pth\n')
    assert latest_checkpoint(str(tmp_path)) == str(tmp_path / 'epoch_2.pth')


def test_announced_but_missing_checkpoint_fails_loudly(tmp_path):
    _ckpt(tmp_path / 'epoch_1.pth', 1.)
    (tmp_path / 'last_checkpoint').write_text(str(tmp_path / 'epoch_2.pth'))
    with pytest.raises(CheckpointError, match='epoch_2.pth, which does not'):
        latest_checkpoint(str(tmp_path))
    os.remove(tmp_path / 'epoch_1.pth')
    with pytest.raises(CheckpointError, match='does not exist'):
        latest_checkpoint(str(tmp_path))


def test_safe_checkpoint_hook_overrides_are_still_the_pinned_ones():
    """SafeCheckpointHook replaces two private mmengine methods; if the
    pinned mmengine changes them, re-read the override against the new code
    and update PINNED_PRIVATE_SOURCES."""
    import hashlib
    import inspect

    from mmengine.hooks import CheckpointHook

    from gmae_bench.engine.hooks import PINNED_PRIVATE_SOURCES
    for name, digest in PINNED_PRIVATE_SOURCES.items():
        src = inspect.getsource(getattr(CheckpointHook, name))
        assert hashlib.sha256(src.encode()).hexdigest()[:16] == digest, (
            f'mmengine.hooks.CheckpointHook.{name} changed: '
            'gmae_bench.engine.hooks.SafeCheckpointHook overrides it')
