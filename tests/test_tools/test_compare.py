"""tools/compare.py on fake work dirs: the exact table, CSV and plots."""
import json
from pathlib import Path

import pytest

from tools import compare

CFG = {
    'pre':
    "default_scope = 'mmpretrain'\nmodel = dict(type="
    "'gmae_bench.MaskedAutoencoder', decoder=dict({dec}), "
    "head=dict(scale_max={c}, norm_pix={norm}))\n",
    'cls':
    "default_scope = 'mmpretrain'\nmodel = dict(type='ImageClassifier'"
    ", backbone=dict(type='gmae_bench.ViT'))\n",
    'det':
    "default_scope = 'mmdet'\nmodel = dict(type='MaskRCNN')\n",
}


def fake_run(root: Path,
             name: str,
             cfg: str,
             rows=(),
             test=None,
             folder=None) -> Path:
    wd = root / (folder or name)
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
    loss = lambda v, key='mse_pixels': [{
        'iter': i,
        'loss': v,
        key: v
    } for i in range(5)]  # noqa
    fake_run(root, 'mae_pretrain_vit_tiny',
             CFG['pre'].format(dec='', c=1, norm=True),
             loss(0.02, 'mse_pixels_true_stats'))
    fake_run(root, 'mae-pixel_pretrain_vit_tiny',
             CFG['pre'].format(dec='', c=1, norm=False), loss(0.04))
    for k, v in ((16, 0.05), (64, 0.03)):
        name = 'gmae_pretrain_vit_tiny' + ('' if k == 64 else f'_k{k}')
        fake_run(root, name,
                 CFG['pre'].format(dec=f'num_queries={k}', c=2, norm=False),
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
| task | pair | metric | MAE | GMAE | delta | baseline | paper MAE | paper GMAE | note |
|---|---|---|---|---|---|---|---|---|---|
| cls_ft | vit-b-p16_{g}mae-pre_in1k | accuracy/top1 | 83.10 | 83.40 | 0.30 |  | 83.00 | 83.20 |  |
| det | mask-rcnn_vit-b-p16_{g}mae-pre_coco | coco/bbox_mAP |  | 50.00 |  |  | 50.60 | 50.20 |  |
| det | mask-rcnn_vit-b-p16_{g}mae-pre_coco | coco/segm_mAP |  | 44.50 |  |  | 45.00 | 44.50 |  |
| pretrain | {g}mae_pretrain_vit_tiny | mse_pixels | 0.0400 | 0.0300 | -0.0100 |  |  |  | MAE = mae-pixel_pretrain_vit_tiny |
| pretrain | {g}mae_pretrain_vit_tiny | mse_pixels_true_stats | 0.0200 |  |  |  |  |  | MAE norm_pix mapped to pixels with each hidden patch's true mean and std: not comparable with GMAE |
| pretrain | {g}mae_pretrain_vit_tiny_k16 | mse_pixels |  | 0.0500 |  |  |  |  |  |
"""


def test_table_matches_expected_markdown(work_dirs, tmp_path):
    out = tmp_path / 'cmp'
    compare.main([str(work_dirs), '--out', str(out)])
    assert (out / 'compare.md').read_text() == EXPECTED
    lines = (out / 'compare.csv').read_text().splitlines()
    assert lines[0] == 'task,pair,metric,MAE,MAE std,MAE n,GMAE,GMAE std,' \
                       'GMAE n,delta,baseline,paper MAE,paper GMAE,note'
    assert lines[1].startswith('cls_ft,vit-b-p16_{g}mae-pre_in1k,'
                               'accuracy/top1,83.1,,1,83.4,,1,0.3000')
    assert (out / 'loss_curves.png').stat().st_size > 1000
    assert (out / 'k_ablation.png').exists()  # k = 16 and 64 at c = 2
    assert not (out / 'c_ablation.png').exists()  # only one c


def test_no_runs_is_a_clear_error(tmp_path):
    with pytest.raises(SystemExit, match='no runs found'):
        compare.main([str(tmp_path)])
    with pytest.raises(FileNotFoundError, match='work dir not found'):
        compare.main([str(tmp_path / 'missing')])


def test_two_seeds_of_one_config_are_both_counted(work_dirs, tmp_path):
    for seed, top1 in ((1, 83.0), (2, 83.2)):
        fake_run(
            work_dirs,
            'vit-b-p16_gmae-pre_in1k',
            CFG['cls'], [dict(step=1, **{'accuracy/top1': top1})],
            folder=f'vit-b-p16_gmae-pre_in1k_seed{seed}')
    rows = compare.main([str(work_dirs), '--out', str(tmp_path / 'c')])
    row = next(r for r in rows if r['task'] == 'cls_ft')
    mean, std, n = row['GMAE']
    assert n == 3 and mean == pytest.approx((83.4 + 83.0 + 83.2) / 3)
    assert std == pytest.approx(0.2)
    assert '83.20 ± 0.20 (n=3)' in (tmp_path / 'c/compare.md').read_text()


@pytest.mark.parametrize('target,content,match', [
    ('20260101_000000/vis_data/scalars.json', '{"step": 1}\n{oops\n{}\n',
     r'scalars.json: line 2 is not valid JSON'),
    ('test_metrics.json', '{"metrics": ', r'test_metrics.json is not valid'),
    ('test_metrics.json', '{"config": "x"}', r"test_metrics.json lacks .*"
     r"'metrics'"),
])
def test_garbled_result_files_are_named(work_dirs, target, content, match):
    wd = work_dirs / 'vit-b-p16_gmae-pre_in1k'
    (wd / target).write_text(content)
    with pytest.raises(SystemExit, match=match):
        compare.main([str(wd), '--no-plots'])


def test_truncated_last_scalars_line_is_skipped(work_dirs):
    wd = work_dirs / 'vit-b-p16_gmae-pre_in1k'
    f = wd / '20260101_000000/vis_data/scalars.json'
    f.write_text(f.read_text() + '{"step": 2, "accuracy/t')
    with pytest.warns(UserWarning, match='incomplete'):
        rows = compare.main([str(wd), '--no-plots'])
    assert rows[0]['GMAE'][0] == 83.4


def test_zero_shot_file_without_a_key_is_named(tmp_path):
    wd = tmp_path / 'zs'
    wd.mkdir()
    (wd / 'zero_shot.json').write_text(json.dumps(dict(fg_iou={})))
    with pytest.raises(SystemExit, match=r"zero_shot.json lacks .*'edges'"):
        compare.main([str(wd), '--no-plots'])


def test_empty_detection_metrics_are_explained(tmp_path):
    root = tmp_path / 'wd'
    fake_run(root, 'mask-rcnn_vit-b-p16_gmae-pre_coco', CFG['det'], test={})
    (root / 'mask-rcnn_vit-b-p16_gmae-pre_coco/test_metrics.json').write_text(
        json.dumps(
            dict(
                metrics={},
                note='no detection scored above the test score threshold')))
    rows = compare.main([str(root), '--no-plots'])
    assert 'no detection scored above' in rows[0]['note']
