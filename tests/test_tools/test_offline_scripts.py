"""scripts/offline_wheels.sh / offline_install.sh: a GPU node without a
package index gets the pinned stack, and a missing piece is named."""
import re
import subprocess

from tests.helpers import ROOT


def _install(*args):
    return subprocess.run(['bash', str(ROOT / 'scripts/offline_install.sh'),
                           *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def test_install_names_an_empty_wheel_folder(tmp_path):
    r = _install(tmp_path, tmp_path / 'site')
    assert r.returncode == 1
    assert str(tmp_path) in r.stderr and 'offline_wheels.sh' in r.stderr
    assert not (tmp_path / 'site').exists()


def test_install_names_the_missing_mmcv_sdist(tmp_path):
    (tmp_path / 'addict-2.4.0-py3-none-any.whl').write_bytes(b'')
    r = _install(tmp_path, tmp_path / 'site')
    assert r.returncode == 1 and 'mmcv-2.1.0.tar.gz' in r.stderr


def test_wheel_list_takes_the_pinned_versions():
    text = (ROOT / 'scripts/offline_wheels.sh').read_text()
    pinned = set(re.findall(r'\$\(pin ([\w-]+)\)', text))
    assert {'mmengine', 'mmpretrain', 'mmdet', 'mmsegmentation', 'timm',
            'gsplat', 'pycocotools'} <= pinned
    reqs = (ROOT / 'requirements.txt').read_text()
    for name in pinned:  # each one is pinned there, so `pin` finds it
        assert re.search(rf'^{name}==', reqs, re.M), name
    # what mmpretrain imports at import time beyond a PyTorch image
    assert 'model-index' in text and 'importlib-metadata' in text


def _build(*args, **env):
    import os
    return subprocess.run(['bash', str(ROOT / 'scripts/build_mmcv.sh'),
                           *map(str, args)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def test_build_mmcv_names_a_missing_sdist(tmp_path):
    import sys
    r = _build(sys.executable, tmp_path / 'mmcv-2.1.0.tar.gz', tmp_path)
    assert r.returncode == 1 and 'mmcv-2.1.0.tar.gz not found' in r.stderr
    assert _build(sys.executable).returncode == 2


def test_build_mmcv_builds_a_wheel_from_the_sdist(tmp_path):
    """The steps both set-up paths share: unpack, C++20, pip wheel without
    build isolation (a stand-in source tree, not mmcv's 8-minute build)."""
    import sys
    import tarfile
    tree = tmp_path / 'mmcv-0.0.1'
    tree.mkdir()
    (tree / 'setup.py').write_text(
        "from setuptools import setup\n"
        "FLAGS = ['-std=c++17']  # build_mmcv.sh rewrites it\n"
        "assert FLAGS == ['-std=c++20'], FLAGS\n"
        "setup(name='mmcv', version='0.0.1', py_modules=[])\n")
    sdist = tmp_path / 'mmcv-0.0.1.tar.gz'
    with tarfile.open(sdist, 'w:gz') as t:
        t.add(tree, arcname=tree.name)
    out = tmp_path / 'wheels'
    r = _build(sys.executable, sdist, out, MAX_JOBS='1')
    assert r.returncode == 0, r.stderr
    assert [p.name for p in out.iterdir()] == \
        ['mmcv-0.0.1-py3-none-any.whl']
