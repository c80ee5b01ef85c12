"""The study runner's bookkeeping: resume, skip, locks, scale mismatch."""
import json
import os
import subprocess

import pytest

from gmae_bench.study import StudyError
from gmae_bench.study.fmnist import SCALES, Run, plan
from gmae_bench.study.fmnist import FmnistStudy as Study
from gmae_bench.study.fmnist.probes import CURRENT_PROTOCOL as CURRENT
from gmae_bench.study.fmnist.probes import PROTOCOL
from tests.helpers import DATA


def _checkpoint(path):
    """A final checkpoint a finished pretraining leaves (readable)."""
    import torch
    torch.save(dict(state_dict=dict(w=torch.ones(2))), path)


def _study(tmp_path, scale='ci'):
    return Study(scale, str(tmp_path), str(DATA / 'fashion_mnist'))


def test_plan_covers_the_issue_and_orders_dependencies():
    runs = plan(SCALES['cpu'])
    assert len(runs) == len(set(runs))
    pre = [r for r in runs if r.kind == 'pretrain']
    ft = [r for r in runs if r.kind == 'finetune']
    # + black background x3; + from scratch on its own recipe x3
    assert len(pre) == 9 + 8 + 3 and len(ft) == 12 + 3
    # the second pass after every earlier run: black background,
    # fine-tuning on 1 % and 10 % of the labels (3 encoders + scratch),
    # then the learning curve (MAE, GMAE x4, x8)
    black = [i for i, r in enumerate(runs) if r.ablation == 'black']
    curve = [i for i, r in enumerate(runs) if r.epoch_factor > 1]
    fewer = [i for i, r in enumerate(runs) if r.label_fraction < 1]
    assert black == list(range(27 + 5, 27 + 8))
    assert [(runs[i].kind, runs[i].method) for i in curve] == [
        ('pretrain-x4', 'mae'), ('pretrain-x4', 'gmae'),
        ('pretrain-x8', 'mae'), ('pretrain-x8', 'gmae')]
    assert len(fewer) == 3 * 2 * 4 and min(fewer) == black[-1] + 1
    assert curve == list(range(len(runs) - 4, len(runs)))
    assert {runs[i].kind for i in fewer} == {'finetune-1pct',
                                             'finetune-10pct'}
    assert {r.seed for r in runs if r.kind == 'random'} == {0, 1, 2}
    for r in runs:  # each fine-tuning comes after its pretraining
        if r.pretraining():
            assert runs.index(r.pretraining()) < runs.index(r)
    assert all(r.config().endswith('vit_scratch_fmnist.py')
               for r in runs if r.name == 'scratch-own')


def test_plan_puts_every_main_seed_before_second_ablation_seeds():
    runs = plan(SCALES['gpu'])  # ablation_seeds (0, 1)
    assert len(runs) == len(set(runs))
    last_main = max(
        i for i, r in enumerate(runs)
        if r.ablation is None and r.kind != 'random')
    second = [
        i for i, r in enumerate(runs)
        if r.ablation not in (None, 'black') and r.seed
    ]
    assert len(second) == 8 and min(second) > last_main
    first = [
        i for i, r in enumerate(runs)
        if r.ablation not in (None, 'black') and not r.seed
    ]
    assert max(first) < min(
        i for i, r in enumerate(runs) if r.kind == 'pretrain' and r.seed)


@pytest.mark.parametrize('cuda', [False, True])
def test_evaluation_runs_where_training_ran(tmp_path, monkeypatch, cuda):
    import gmae_bench.apis as apis
    seen = {}

    def fake_init_model(config, checkpoint=None, device='cpu', **kw):
        seen.update(config=config, checkpoint=checkpoint, device=device)
        return 'model'

    monkeypatch.setattr(apis, 'init_model', fake_init_model)
    monkeypatch.setattr('torch.cuda.is_available', lambda: cuda)
    study = _study(tmp_path)
    assert study.model(Run('random', 'random', 0)) == 'model'
    assert seen['device'] == ('cuda' if cuda else 'cpu')
    assert seen['checkpoint'] is None


def test_resume_and_skip(tmp_path, monkeypatch):
    study = _study(tmp_path)
    run = Run('pretrain', 'gmae_pretrain_fmnist', 0)
    wd = tmp_path / 'pretrain/gmae_pretrain_fmnist/seed0'
    wd.mkdir(parents=True)
    (wd / 'epoch_1.pth').write_bytes(b'')
    calls = []

    def fake_run(cmd, **kw):
        calls.append(cmd)
        (wd / 'epoch_2.pth').write_bytes(b'')
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(subprocess, 'run', fake_run)
    study.train(run)
    cmd = calls[0]
    assert '--resume' in cmd and cmd[cmd.index('--work-dir') + 1] == str(wd)
    opts = cmd[cmd.index('--cfg-options') + 1:]
    assert 'randomness.seed=0' in opts and 'max_epochs=2' in opts
    assert 'train_dataloader.dataset.indices=256' in opts
    study.train(run)  # the final checkpoint exists: nothing runs
    assert len(calls) == 1
    times = json.loads((wd / 'study_time.json').read_text())
    assert times['train_s'] >= 0


def test_failed_training_names_its_log(tmp_path, monkeypatch):
    study = _study(tmp_path)
    monkeypatch.setattr(subprocess, 'run',
                        lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1))
    with pytest.raises(StudyError, match='study_train.log'):
        study.train(Run('finetune', 'scratch', 0))


def test_other_scale_in_the_work_dir_is_refused(tmp_path):
    (tmp_path / 'study.json').write_text(json.dumps(dict(scale='cpu')))
    with pytest.raises(StudyError, match="'cpu' scale"):
        _study(tmp_path, 'ci')
    (tmp_path / 'study.json').write_text('{broken')
    with pytest.raises(StudyError, match='not valid JSON'):
        _study(tmp_path, 'ci')


def test_lock_of_a_dead_worker_is_taken_over(tmp_path):
    study = _study(tmp_path)
    run = Run('random', 'random', 0)
    held = study.lock(run)
    assert held.acquire()
    assert not study.lock(run).acquire()  # held by a live process (this)
    held.release()
    dead = subprocess.Popen(['true'])
    dead.wait()
    lock = tmp_path / 'random/random/seed0/.study_lock'
    lock.write_text(f'{os.uname().nodename} {dead.pid}')
    taken = study.lock(run)
    assert taken.acquire()
    taken.release()
    assert not lock.exists()


def _race_for_lock(work_dir, barrier, results, i):
    study = _study(work_dir)
    barrier.wait()  # every worker tries at the same moment
    results[i] = study.lock(Run('random', 'random', 0)).acquire()
    barrier.wait()  # the winner stays alive until all have tried


def test_workers_racing_for_one_run_get_one_lock(tmp_path):
    """Workers claiming one run at once: exactly one gets it (a lock file
    seen before its owner wrote it was once taken for a dead worker's,
    and two workers trained one run into one work dir)."""
    import multiprocessing as mp
    ctx = mp.get_context('fork')
    n = 6
    barrier, results = ctx.Barrier(n), ctx.Array('b', [0] * n)
    _study(tmp_path)  # study.json written once, before the race
    procs = [
        ctx.Process(target=_race_for_lock,
                    args=(tmp_path, barrier, results, i)) for i in range(n)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * n
    assert sum(results) == 1
    lock_dir = tmp_path / 'random/random/seed0'
    assert sorted(os.listdir(lock_dir)) == ['.study_lock']  # no temp left


def test_finetune_is_scored_on_the_test_split(tmp_path, monkeypatch):
    """A fine-tuning's result comes from tools/test.py on its last
    checkpoint; an older result without the split is tested again (not
    retrained)."""
    study = _study(tmp_path)
    run = Run('finetune', 'scratch', 0)
    wd = tmp_path / 'finetune/scratch/seed0'
    wd.mkdir(parents=True)
    (wd / 'epoch_2.pth').write_bytes(b'')  # the ci scale's last epoch
    (wd / 'study_eval.json').write_text(json.dumps(dict(finetune=99.0)))
    assert not study.finished(run)
    calls = []

    def fake_run(cmd, **kw):
        calls.append(cmd)
        (wd / 'test_metrics.json').write_text(
            json.dumps(dict(metrics={'accuracy/top1': 71.5})))
        return subprocess.CompletedProcess(cmd, 0)

    monkeypatch.setattr(subprocess, 'run', fake_run)
    assert study.step(run)
    (cmd, ) = calls  # no training: the checkpoint is there
    assert cmd[1].endswith('tools/test.py')
    assert cmd[3] == str(wd / 'epoch_2.pth')
    assert 'test_dataloader.dataset.indices=128' in cmd
    result = json.loads((wd / 'study_eval.json').read_text())
    assert result['finetune'] == 71.5 and result['finetune_split'] == 'test'
    assert study.finished(run) and not study.step(run)


def test_fashion_mnist_test_split_is_the_test_files():
    """mmpretrain 1.2.0's FashionMNIST reads the train files for
    split='test' unless test_mode=True: the configs' test sets are the
    10k test images."""
    from mmengine.config import Config
    from mmpretrain.datasets import FashionMNIST

    from gmae_bench.study.fmnist.data import load_split
    images, _ = load_split(str(DATA / 'fashion_mnist'), 'test')
    for path in ('configs/study/vit_finetune_fmnist.py',
                 'configs/_base_/datasets/fashion_mnist.py'):
        cfg = Config.fromfile(path)
        for key in ('val_dataloader', 'test_dataloader'):
            spec = dict(cfg[key]['dataset'], indices=None, pipeline=[])
            assert spec.pop('type') == 'FashionMNIST'
            ds = FashionMNIST(**spec)  # not the registry: scope-free
            assert len(ds) == 10000, (path, key)
            assert (ds[0]['img'] == images[0]).all(), (path, key)


def test_reading_fashion_mnist_emits_at_most_a_handful_of_warnings(recwarn):
    """mmpretrain's reader raised one numpy DeprecationWarning per image
    (10,000 here); the known third-party warnings are filtered where they
    are raised (gmae_bench.utils.compat), so a study run stays readable."""
    from mmpretrain.datasets import FashionMNIST
    ds = FashionMNIST(
        data_root=str(DATA / 'fashion_mnist'), split='test', test_mode=True,
        download=False)
    assert len(ds) == 10000
    assert len(recwarn) <= 5, [str(w.message)[:80] for w in recwarn][:5]


def test_progress_counts_runs_and_estimates_time_left(tmp_path):
    study = _study(tmp_path)
    runs = plan(SCALES['ci'])
    assert study.progress() == f'0/{len(runs)} runs done'
    done = [r for r in runs if r.kind == 'pretrain'][:2]
    for r in done:
        wd = tmp_path / os.path.relpath(r.work_dir(str(tmp_path)), tmp_path)
        wd.mkdir(parents=True)
        (wd / 'study_eval.json').write_text(
            json.dumps(dict(**CURRENT)))
        (wd / 'study_time.json').write_text(
            json.dumps(dict(train_s=3000.0, eval_s=600.0)))
    text = study.progress(workers=2)
    assert text.startswith(f'2/{len(runs)} runs done')
    # a longer pretraining of a finished config costs its epochs' share
    # of the training (3000 s per epoch factor) plus the evaluation; any
    # other run the mean of the finished ones
    names = {r.name for r in done}
    longer = [r for r in runs if r.is_pretrain and r.name in names
              and r not in done]
    assert any(r.epoch_factor > 1 for r in longer)
    left = sum(3000.0 * r.epoch_factor + 600.0 for r in longer)
    left += (len(runs) - 2 - len(longer)) * 3600.0
    assert f'about {left / 2 / 3600:.1f} h left' in text
    assert '2 worker(s)' in text


def test_demo_scale_compares_mae_and_gmae_only():
    runs = plan(SCALES['demo'])
    assert [(r.kind, r.name) for r in runs] == [
        ('pretrain', 'mae_pretrain_fmnist'),
        ('pretrain', 'gmae_pretrain_fmnist_black')]  # GMAE on black
    demo = SCALES['demo']
    assert demo.train_images == 20000 and demo.probe_fractions == ()
    # one grey mean / std for the three channels, which hold one grey
    opts = demo.pretrain_options
    assert len(set(opts['model.data_preprocessor.mean'])) == 1
    assert len(set(opts['model.data_preprocessor.std'])) == 1


def test_demo_report_is_labelled(tmp_path):
    from gmae_bench.study.fmnist import write_report
    (tmp_path / 'study.json').write_text(json.dumps(dict(scale='demo')))
    for name, lin in (('mae_pretrain_fmnist', 70.0),
                      ('gmae_pretrain_fmnist', 72.0)):
        wd = tmp_path / 'pretrain' / name / 'seed0'
        wd.mkdir(parents=True)
        (wd / 'study_eval.json').write_text(
            json.dumps(dict(kind='pretrain', name=name, seed=0, linear=lin,
                            knn=60.0, ablation=None,
                            **CURRENT)))
    write_report(str(tmp_path), str(tmp_path / 'report'))
    md = (tmp_path / 'report' / 'tables.md').read_text()
    assert 'demo-length run' in md and 'not a result' in md
    assert '| MAE (norm_pix) | 70.00 (n=1)' in md and 'MAE-pixel' not in md
    assert '## ablation' not in md
    # the demo's console: the main table, where the rest is, the pictures
    import sys

    from tests.helpers import run_tool
    out = run_tool([sys.executable, 'tools/compare.py', str(tmp_path),
                    '--out', str(tmp_path / 'brief'), '--brief'])
    assert '| MAE (norm_pix) | 70.00 (n=1)' in out and 'demo-length' in out
    assert 'The other tables: ' in out and '## differences' not in out
    assert 'picture: ' in out and 'wrote ' not in out


def test_demo_normalises_the_grey_channels_alike():
    """ImageNet's per-channel mean / std turn one grey into three different
    values, which MAE's norm_pix target then carries as a colour pattern;
    the demo's models map a grey image to equal channels."""
    import torch

    from gmae_bench.apis import init_model
    opts = dict(SCALES['demo'].pretrain_options)
    grey = torch.rand(1, 1, 28, 28).expand(1, 3, 28, 28)
    for config in ('configs/study/mae_pretrain_fmnist.py',
                   'configs/study/gmae_pretrain_fmnist_black.py'):
        model = init_model(config, None, cfg_options=opts)
        x = model.pixels_to_inputs(grey)
        torch.testing.assert_close(x[:, 0], x[:, 2])
        torch.testing.assert_close(model.to_pixels(x), grey)
    default = init_model('configs/study/mae_pretrain_fmnist.py', None)
    x = default.pixels_to_inputs(grey)  # the kept runs' ImageNet values
    assert not torch.allclose(x[:, 0], x[:, 2])


def test_test_set_is_described_by_the_files_read():
    """test_metrics.json names the split mmpretrain's FashionMNIST really
    read (it picks files by test_mode) and how many images were scored."""
    from mmengine.config import ConfigDict
    from mmpretrain.datasets import FashionMNIST

    from gmae_bench.runtime import describe_test_set
    kw = dict(data_root=str(DATA / 'fashion_mnist'), split='test',
              download=False)
    for test_mode, split, n in ((True, 'test', 10000), (False, 'train',
                                                          60000)):
        ds = FashionMNIST(test_mode=test_mode, **kw)
        d = describe_test_set(ds, ConfigDict(kw, test_mode=test_mode))
        assert (d['split'], d['images']) == (split, n)


def test_kept_small_files_let_a_fresh_checkout_continue(tmp_path,
                                                        monkeypatch):
    import torch

    from gmae_bench.utils.checkpoint import load_checkpoint_file
    work = tmp_path / 'work'
    study = Study('ci', str(work), str(DATA / 'fashion_mnist'))
    study.save_index()
    run = Run('pretrain', 'gmae_pretrain_fmnist', 0)
    wd = work / 'pretrain/gmae_pretrain_fmnist/seed0'
    wd.mkdir(parents=True)
    for name, data in (('study_eval.json', json.dumps(
            dict(**CURRENT))), ('study_time.json', '{}'),
                       ('gmae_pretrain_fmnist.py', 'x = 1'),
                       ('train_config.py', 'x = 1'),
                       ('features.pt', 'cache'), ('study_train.log', 'log')):
        (wd / name).write_text(data)
    torch.save(dict(state_dict=dict(w=torch.arange(3.)), optimizer=dict(
        state=dict(m=torch.zeros(1000)))), wd / 'epoch_2.pth')
    kept = tmp_path / 'repo_runs'
    written = study.keep(str(kept))
    names = sorted(os.path.basename(p) for p in written)
    # the weights a fine-tuning starts from are kept, without the
    # optimiser; the config it trained with, not mmengine's dump (which a
    # later test overwrites)
    assert names == ['study.json', 'study_eval.json', 'study_time.json',
                     'train_config.py', 'weights.pth', 'weights.pth.sha256']
    monkeypatch.setattr(Study, 'kept', {'ci': str(kept)})
    logs = []
    fresh = Study('ci', str(tmp_path / 'fresh'), str(DATA / 'fashion_mnist'),
                  log=logs.append)
    assert fresh.finished(run) and 'continuing from the 6 kept' in logs[0]
    weights = fresh.pretrained_weights(run)
    assert weights == fresh.store.weights_path(run)
    ckpt = load_checkpoint_file(weights)  # its .sha256 matches
    assert sorted(ckpt) == ['meta', 'state_dict']
    assert ckpt['state_dict']['w'].tolist() == [0., 1., 2.]
    ft = Run('finetune', 'gmae_pretrain_fmnist', 0)
    assert fresh.train_options(ft)['pretrained'] == weights
    again = Study('ci', str(tmp_path / 'fresh'), str(DATA / 'fashion_mnist'),
                  log=logs.append)
    assert len(logs) == 1 and again.finished(run)  # copied once only
    assert study.save_weights() == []  # written once


def test_only_takes_runs_of_the_named_kinds(tmp_path, monkeypatch):
    study = _study(tmp_path)
    taken = []
    monkeypatch.setattr(study, 'step', lambda run: taken.append(run) or True)
    monkeypatch.setattr(study, 'finished', lambda run: run in taken)
    monkeypatch.setattr(study, 'progress', lambda workers=1: '')
    study.work(kinds=['pretrain'])
    assert taken and {r.kind for r in taken} == {'pretrain'}
    assert len(taken) == sum(r.kind == 'pretrain' for r in study.plan())
    # runs whose pretraining is left out are not waited for
    study.work(kinds=['finetune'])
    assert {r.kind for r in taken} == {'pretrain', 'finetune'}


def test_only_refuses_a_kind_the_study_lacks(tmp_path):
    study = _study(tmp_path)
    with pytest.raises(StudyError, match=r'--only det: no such run in.*'
                       r'finetune'):
        study.run(kinds=['det'])
    with pytest.raises(StudyError, match=r'--only pretrain/nope: no such'):
        study.run(kinds=['pretrain', 'pretrain/nope'])


def test_only_takes_named_runs_and_seeds():
    from gmae_bench.study.core.scheduler import selects
    run = Run('finetune', 'gmae_pretrain_fmnist', 1)
    assert selects(run, ['finetune'])
    assert selects(run, ['pretrain', 'finetune/gmae_pretrain_fmnist'])
    assert selects(run, ['finetune/gmae_pretrain_fmnist/seed1/'])
    assert not selects(run, ['finetune/gmae_pretrain_fmnist/seed0'])
    assert not selects(run, ['finetune/gmae', 'pretrain'])


def test_a_lost_checkpoint_is_trained_again_by_one_worker(tmp_path,
                                                         monkeypatch):
    """Two fine-tunings of one pretraining whose checkpoint is gone (a
    fresh checkout): the pretraining is trained again once, under its
    own lock, its time kept apart from the original training's."""
    study = _study(tmp_path)
    pre = Run('pretrain', 'gmae_pretrain_fmnist', 0)
    fts = [r for r in study.plan() if r.pretraining() == pre]
    assert fts
    done = {pre}
    trained = []

    def fake_train(run, phase='train_s'):
        trained.append((run, phase))
        wd = tmp_path / run.kind / run.name / f'seed{run.seed}'
        wd.mkdir(parents=True, exist_ok=True)
        _checkpoint(wd / os.path.basename(study.final_checkpoint(run)))

    monkeypatch.setattr(study, 'train', fake_train)
    monkeypatch.setattr(study, 'evaluate', lambda run: done.add(run) or {})
    monkeypatch.setattr(study, 'finished', lambda run: run in done)
    monkeypatch.setattr(study, 'progress', lambda workers=1: '')
    real_lock = study.lock

    class Held:  # another worker's lock
        def acquire(self):
            return False

    # another worker holds the pretraining: its fine-tunings wait
    monkeypatch.setattr(study, 'lock',
                        lambda run: Held() if run == pre else real_lock(run))
    monkeypatch.setattr('time.sleep', lambda s: (_ for _ in ()).throw(
        TimeoutError('waited')))
    with pytest.raises(TimeoutError):
        study.work(kinds=['finetune/gmae_pretrain_fmnist/seed0'])
    assert trained == []
    monkeypatch.setattr(study, 'lock', real_lock)
    study.work(kinds=['finetune/gmae_pretrain_fmnist/seed0'])
    assert trained[0] == (pre, 'retrain_s')
    assert [r for r, _ in trained].count(pre) == 1


def test_coco_and_mmseg_test_sets_name_their_split():
    """Sets without a ``split`` key (CocoDataset, mmseg's) are named after
    their annotation file or image folder."""
    from mmengine.config import ConfigDict

    from gmae_bench.runtime.results import split_of_files
    assert split_of_files(ConfigDict(
        ann_file='annotations/test.json',
        data_prefix=dict(img='test/images/'))) == 'test'
    assert split_of_files(ConfigDict(
        data_prefix=dict(img_path='images/validation',
                         seg_map_path='annotations/validation'))) == \
        'validation'
    assert split_of_files(ConfigDict(
        ann_file='annotations/instances_val2017.json',
        data_prefix=dict(img='val2017/'))) is None


def test_an_older_protocol_is_scored_again_and_retrained_only_if_lost(
        tmp_path, monkeypatch):
    study = _study(tmp_path)
    run = Run('pretrain', 'gmae_pretrain_fmnist', 0)
    wd = tmp_path / 'pretrain/gmae_pretrain_fmnist/seed0'
    wd.mkdir(parents=True)
    old = dict(recon_mse=0.5, zero_shot={'fg_iou/layers': 40.0}, linear=80.)
    (wd / 'study_eval.json').write_text(json.dumps(old))
    assert not study.finished(run)
    new = dict(recon_mse=0.52, zero_shot={'fg_iou/layers': 41.0},
               linear=81., **CURRENT)
    monkeypatch.setattr(study, 'evaluate', lambda r: dict(new))
    trained = []

    def fake_tool(repo, tool, config, work_dir, args, opts, log_name):
        trained.append(run)
        _checkpoint(wd / 'epoch_2.pth')
        return 0, 'log'

    monkeypatch.setattr('gmae_bench.study.core.study.run_tool', fake_tool)
    (wd / 'weights.pth').write_bytes(b'kept')  # kept: scored, not trained
    assert study.step(run) and trained == [] and study.finished(run)
    assert not (wd / 'study_retrain.json').exists()
    # neither checkpoint nor weights: trained again, the change recorded
    (wd / 'weights.pth').unlink()
    (wd / 'study_eval.json').write_text(json.dumps(old))
    assert study.step(run) and trained == [run]
    times = json.loads((wd / 'study_time.json').read_text())
    assert 'retrain_s' in times and 'train_s' not in times
    log = json.loads((wd / 'study_retrain.json').read_text())
    assert log[0]['max_abs_diff'] == pytest.approx(1.0)
    assert log[0]['diffs']['recon_mse'] == pytest.approx(0.02)
    assert log[0]['kept'] == old


def test_paper_ablations_keep_their_protocol_1_result(tmp_path,
                                                      monkeypatch):
    study = _study(tmp_path)
    first = dict(recon_mse=0.5, linear=80., knn=79.)  # protocol 1: no key
    for name, kept in (('gmae_pretrain_fmnist_k32', True),
                       ('gmae_pretrain_fmnist_black', False),
                       ('gmae_pretrain_fmnist', False)):
        run = Run('pretrain', name, 0)
        assert run.is_paired_ablation == kept
        wd = tmp_path / 'pretrain' / name / 'seed0'
        wd.mkdir(parents=True)
        (wd / 'study_eval.json').write_text(json.dumps(first))
        assert study.finished(run) == kept, name
        # a result of a later protocol is up to date for every run
        (wd / 'study_eval.json').write_text(
            json.dumps(dict(first, **CURRENT)))
        assert study.finished(run)
        # the same protocol chosen over other grids is scored again; an
        # ablation keeps its protocol-1 block
        (wd / 'study_eval.json').write_text(json.dumps(dict(
            first, probe_protocol=PROTOCOL,
            probe_grid=dict(linear_lr=[0.1, 1.0], knn_k=[10, 20]),
            protocol1=dict(linear=80., knn=79.))))
        assert study.finished(run) == kept, name


def test_a_retrained_run_records_its_protocol_1_probes_against_the_kept(
        tmp_path):
    study = _study(tmp_path)
    run = Run('pretrain', 'gmae_pretrain_fmnist', 0)
    kept = dict(recon_mse=0.5, linear=80., knn=79.)
    now = dict(recon_mse=0.5, linear=83., knn=84., **CURRENT,
               protocol1=dict(linear=80., knn=78.5))
    study.record_rescore(run, kept, now)
    log = json.loads((tmp_path / 'pretrain/gmae_pretrain_fmnist/seed0/'
                      'study_retrain.json').read_text())
    # compared protocol 1 with protocol 1, never with the chosen values
    assert log[0]['diffs'] == {'protocol1/knn': 0.5, 'protocol1/linear': 0.0,
                               'recon_mse': 0.0}
    assert log[0]['max_abs_diff'] == 0.5


def test_fewer_label_batches_are_full_and_even(tmp_path, monkeypatch):
    """The cpu scale's 10 % subset (5,499 images) at the config's batch of
    256 left an odd last batch of 123, which mixup cannot pair."""
    study = _study(tmp_path, 'cpu')
    monkeypatch.setattr(study, 'labelled', lambda fraction: list(range(5499)))
    run = Run('finetune-10pct', 'mae_pretrain_fmnist', 0)
    opts = study.train_options(run)
    assert opts['train_dataloader.batch_size'] == 256  # the config's
    # one validation, at the end, not one per short epoch
    assert opts['train_cfg.val_interval'] == opts['max_epochs'] == 20
    assert opts['train_dataloader.drop_last'] is True
    monkeypatch.setattr(study, 'labelled', lambda fraction: list(range(51)))
    opts = study.train_options(run)
    assert opts['train_dataloader.batch_size'] == 50


def test_fewer_label_runs_train_on_the_probes_subset(tmp_path):
    from gmae_bench.study.fmnist.probes import validation_split
    study = _study(tmp_path)
    run = Run('finetune-10pct', 'gmae_pretrain_fmnist', 0)
    assert run.label_fraction == 0.1 and run.is_finetune
    assert run.pretraining() == Run('pretrain', 'gmae_pretrain_fmnist', 0)
    opts = study.train_options(run)
    subset = opts['train_dataloader.dataset.indices']
    y = study.data()['train_y']
    _, val = validation_split(y, SCALES['ci'].val_images)
    assert subset == study.labelled(0.1) and len(subset) >= 10
    assert not set(subset) & set(val.tolist())  # never a validation image
    # mixup needs full, even batches: the last partial one is dropped and
    # a subset smaller than the ci batch (64) trains on one even batch
    assert opts['train_dataloader.drop_last'] is True
    batch = opts['train_dataloader.batch_size']
    assert batch % 2 == 0 and 0 < batch <= min(64, len(subset))
    assert len(subset) // batch >= 1
    assert opts['max_epochs'] == SCALES['ci'].label_finetunes[0.1]
    own = Run('finetune', 'scratch-own', 0)
    assert own.pretraining() is None and own.label_fraction == 1
    assert study.train_options(own)['max_epochs'] == 2 * 2
    assert study.final_checkpoint(own).endswith('epoch_4.pth')
    assert 'pretrained' not in study.train_options(own)
    longer = Run('pretrain-x2', 'gmae_pretrain_fmnist', 0)
    assert longer.is_pretrain and longer.config() == \
        'configs/study/gmae_pretrain_fmnist.py'
    assert study.train_options(longer)['max_epochs'] == 2 * 2
