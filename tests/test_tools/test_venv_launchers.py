"""Every launcher runs the interpreter of the venv scripts/setup_env.sh set
up, wherever GMAE_VENV puts it (scripts/venv.sh decides the path once)."""
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT, run_tool

LAUNCHERS = {  # script, arguments, what its tool prints for them
    'scripts/demo.sh': (['--help'], 'usage: study.py'),
    'scripts/study.sh': (['--help'], 'usage: study.py'),
    'scripts/test.sh': (['--co', '-q', 'tests/test_layout.py'], 'tests'),
}


@pytest.fixture(scope='module')
def outside_venv(tmp_path_factory):
    """A venv outside the repository: its python is a wrapper that logs
    each call and runs the set-up environment's interpreter; its stamp
    says set-up is done (so setup_env.sh only checks the data)."""
    venv = tmp_path_factory.mktemp('elsewhere') / 'venv'
    (venv / 'bin').mkdir(parents=True)
    log = venv / 'calls.log'
    python = venv / 'bin' / 'python'
    python.write_text(f'#!/usr/bin/env bash\necho "$@" >> {log}\n'
                      f'exec {sys.executable} "$@"\n')
    python.chmod(0o755)
    stamp = subprocess.run(
        ['bash', '-c', 'source scripts/venv.sh; stamp_hash cpu'],
        cwd=ROOT, capture_output=True, text=True, check=True).stdout
    (venv / '.gmae_stamp').write_text(stamp)
    return venv


@pytest.mark.parametrize('script', sorted(LAUNCHERS))
def test_launcher_uses_gmae_venv(outside_venv, script):
    args, expected = LAUNCHERS[script]
    log = outside_venv / 'calls.log'
    log.unlink(missing_ok=True)
    env = {'GMAE_VENV': str(outside_venv), 'GMAE_BUILD': 'cpu'}
    out = run_tool([str(ROOT / script), *args], env_extra=env, timeout=600)
    assert expected in out, out[-2000:]
    calls = log.read_text()
    assert 'scripts/prepare_data.py' in calls  # set-up's data check
    assert calls.strip().splitlines()[-1].split()[0].endswith(
        ('study.py', '-m')), calls


# offline_install.sh sets up a GPU node's own image Python (no venv there)
NOT_VENV = {'venv.sh', 'offline_install.sh', 'build_mmcv.sh'}


def test_no_launcher_names_the_default_venv():
    for script in (ROOT / 'scripts').glob('*.sh'):
        text = script.read_text()
        assert '.venv/bin' not in text, script.name
        if script.name not in NOT_VENV:
            assert 'venv.sh' in text, script.name
    assert os.path.isfile(ROOT / 'scripts' / 'venv.sh')
