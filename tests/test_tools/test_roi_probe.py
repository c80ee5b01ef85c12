"""tools/roi_probe.py: the RoI-feature probe of results_scenes finding 1."""
import re

import pytest

from tests.helpers import DATA
from tools import roi_probe

CONFIG = 'configs/scenes/mask-rcnn_vit-p8_random-init_scenes.py'
TINY = str(DATA / 'fmnist_scenes' / 'tiny') + '/'


def test_prints_every_stage(capsys):
    pytest.importorskip('sklearn')
    roi_probe.main([
        CONFIG, '--images', '60', '--cfg-options',
        f'train_dataloader.dataset.data_root={TINY}'
    ])
    out = capsys.readouterr().out
    assert re.search(r'^\d+ items in 60 images', out, re.M)
    rows = dict(re.findall(r'^\| ([a-zA-Z +]+) \| ([\d.]+) \|$', out, re.M))
    assert set(rows) == set(roi_probe.STAGES)
    assert all(0 <= float(v) <= 100 for v in rows.values())


def test_missing_annotations_are_named(tmp_path):
    with pytest.raises(SystemExit, match='annotation file .*train.json'):
        roi_probe.main([
            CONFIG, '--cfg-options',
            f'train_dataloader.dataset.data_root={tmp_path}/'
        ])
