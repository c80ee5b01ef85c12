"""tools/compare.py on fake work dirs: the exact table, CSV and plots."""
import json
from pathlib import Path

import pytest

from tools import compare

CFG = {
    'pre':
    "default_scope = 'mmpretrain'\nmodel = dict(type="
    "'gmae_bench.MaskedAutoencoder', decoder=dict({dec}), "
    "head=dict(scale_max={c}))\n",
    'cls':
    "default_scope = 'mmpretrain'\nmodel = dict(type='ImageClassifier'"
    ", backbone=dict(type='gmae_bench.ViT'))\n",
    'det':
    "default_scope = 'mmdet'\nmodel = dict(type='MaskRCNN')\n",
}


def fake_run(root: Path, name: str, cfg: str, rows=(), test=None) -> Path:
    wd = root / name
    (wd / '20260101_000000/vis_data').mkdir(parents=True)
    (wd / f'{name}.py').write_text(cfg)
    (wd / '20260101_000000/vis_data/scalars.json').write_text(''.join(
        json.dumps(r) + '\n' for r in rows))
    if test is not None:
        (wd / 'test_metrics.json').write_text(json.dumps(dict(metrics=test)))
    return wd


@pytest.fixture
def work_dirs(tmp_path):
    root = tmp_path / 'work_dirs'
    loss = lambda v: [dict(iter=i, loss=v, mse_pixels=v)
                      for i in range(5)]  # noqa
    fake_run(root, 'mae_pretrain_vit_tiny', CFG['pre'].format(dec='', c=1),
             loss(0.04))
    for k, v in ((16, 0.05), (64, 0.03)):
        name = 'gmae_pretrain_vit_tiny' + ('' if k == 64 else f'_k{k}')
        fake_run(root, name, CFG['pre'].format(dec=f'num_queries={k}', c=2),
                 loss(v))
    fake_run(
        root,
        'vit-b-p16_mae-pre_in1k',
        CFG['cls'], [dict(step=1, **{'accuracy/top1': 80.0})],
        test={'accuracy/top1': 83.1})
    fake_run(root, 'vit-b-p16_gmae-pre_in1k', CFG['cls'],
             [dict(step=1, **{'accuracy/top1': 83.4})])
    fake_run(root, 'mask-rcnn_vit-b-p16_gmae-pre_coco', CFG['det'],
             [{
                 'step': 8,
                 'coco/bbox_mAP': 0.5,
                 'coco/segm_mAP': 0.445
             }])
    return root


EXPECTED = """\
| task | pair | metric | MAE | GMAE | delta | baseline | paper MAE | paper GMAE |
|---|---|---|---|---|---|---|---|---|
| cls_ft | vit-b-p16_{g}mae-pre_in1k | accuracy/top1 | 83.10 | 83.40 | 0.30 |  | 83.00 | 83.20 |
| det | mask-rcnn_vit-b-p16_{g}mae-pre_coco | coco/bbox_mAP |  | 50.00 |  |  | 50.60 | 50.20 |
| det | mask-rcnn_vit-b-p16_{g}mae-pre_coco | coco/segm_mAP |  | 44.50 |  |  | 45.00 | 44.50 |
| pretrain | {g}mae_pretrain_vit_tiny | mse_pixels | 0.0400 | 0.0300 | -0.0100 |  |  |  |
| pretrain | {g}mae_pretrain_vit_tiny_k16 | mse_pixels |  | 0.0500 |  |  |  |  |
"""


def test_table_matches_expected_markdown(work_dirs, tmp_path):
    out = tmp_path / 'cmp'
    compare.main([str(work_dirs), '--out', str(out)])
    assert (out / 'compare.md').read_text() == EXPECTED
    lines = (out / 'compare.csv').read_text().splitlines()
    assert lines[0] == 'task,pair,metric,MAE,GMAE,delta,baseline,paper MAE,' \
                       'paper GMAE'
    assert lines[1].startswith('cls_ft,vit-b-p16_{g}mae-pre_in1k,'
                               'accuracy/top1,83.1,83.4,0.3000')
    assert (out / 'loss_curves.png').stat().st_size > 1000
    assert (out / 'k_ablation.png').exists()  # k = 16 and 64 at c = 2
    assert not (out / 'c_ablation.png').exists()  # only one c


def test_no_runs_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match='no runs found'):
        compare.main([str(tmp_path)])
    with pytest.raises(FileNotFoundError, match='work dir not found'):
        compare.main([str(tmp_path / 'missing')])
