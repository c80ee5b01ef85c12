"""gmae_bench.utils.compat: the pinned mmpretrain beside transformers 5."""
import importlib.metadata

import pytest
from mmpretrain.utils import dependency

from gmae_bench.utils import compat


@pytest.fixture
def multimodal_flag(monkeypatch):
    # restore mmpretrain's own value after each case
    monkeypatch.setattr(dependency, 'WITH_MULTIMODAL',
                        dependency.WITH_MULTIMODAL)
    return dependency


@pytest.mark.parametrize('version,skipped', [('5.17.0', True),
                                             ('5.0.0rc1', True),
                                             ('4.57.1', False)])
def test_transformers_5_leaves_multimodal_as_placeholders(
        monkeypatch, multimodal_flag, version, skipped):
    monkeypatch.setattr(multimodal_flag, 'WITH_MULTIMODAL', True)
    monkeypatch.setattr(compat.importlib.metadata, 'version',
                        lambda name: version)
    assert compat.skip_mmpretrain_multimodal() is skipped
    assert multimodal_flag.WITH_MULTIMODAL is (not skipped)


def test_without_transformers_nothing_changes(monkeypatch, multimodal_flag):
    def missing(name):
        raise importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(multimodal_flag, 'WITH_MULTIMODAL', False)
    monkeypatch.setattr(compat.importlib.metadata, 'version', missing)
    assert compat.skip_mmpretrain_multimodal() is False
    assert multimodal_flag.WITH_MULTIMODAL is False
