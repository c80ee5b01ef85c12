"""The study report's tables: which probe protocol each column reads."""
from gmae_bench.study.fmnist.probes import CURRENT_PROTOCOL as CURRENT
from gmae_bench.study.fmnist.probes import PROTOCOL, protocol1_scores
from gmae_bench.study.fmnist.tables import ablation_rows, main_rows


def _result(name, ablation=None, **scores):
    return dict(kind='pretrain', name=name, method='gmae', seed=0,
                ablation=ablation, recon_mse=0.03, zero_shot={}, **scores)


def test_protocol1_scores_of_either_protocol():
    assert protocol1_scores(dict(linear=80, knn=79.5)) == dict(
        linear=80.0, knn=79.5)
    assert protocol1_scores(
        dict(linear=83., knn=84., **CURRENT,
             protocol1=dict(linear=80., knn=79.))) == dict(linear=80., knn=79.)
    # a later protocol without the block has no protocol-1 scores
    assert protocol1_scores(dict(linear=83., **CURRENT)) == {}


def test_ablation_table_compares_protocol_1_and_main_table_protocol_2():
    default = _result('gmae_pretrain_fmnist', linear=83., knn=84.,
                      **CURRENT,
                      protocol1=dict(linear=80., knn=79.))
    k32 = _result('gmae_pretrain_fmnist_k32', 'k32', linear=81., knn=78.)
    rows = ablation_rows([default, k32])
    k_rows = {r['setting']: r for r in rows if r['ablation'] == 'k (Gaussians)'}
    assert k_rows['k = 64 (default, seed 0)']['linear top-1'][0] == 80.
    assert k_rows['k = 64 (default, seed 0)']['k-NN top-1'][0] == 79.
    assert k_rows['k = 32']['linear top-1'][0] == 81.
    main = {r['model']: r for r in main_rows([default, k32])}
    assert main['GMAE']['linear top-1'][0] == 83.


def test_black_background_is_a_main_row_of_its_own():
    runs = [dict(_result('gmae_pretrain_fmnist', linear=83., knn=84.,
                         **CURRENT), seed=s) for s in range(3)]
    runs += [dict(_result('gmae_pretrain_fmnist_black', 'black',
                          linear=85. + s, knn=86., **CURRENT),
                  seed=s) for s in range(3)]
    main = {r['model']: r for r in main_rows(runs)}
    assert main['GMAE']['linear top-1'][0] == 83.
    black = main['GMAE, black background']['linear top-1']
    assert black[0] == 86. and black[2] == 3  # mean of 85, 86, 87; n = 3


def test_probes_chosen_over_other_grids_count_as_missing():
    old = _result('gmae_pretrain_fmnist', linear=83., knn=84.,
                  probe_protocol=PROTOCOL,
                  probe_grid=dict(linear_lr=[0.1, 1.0], knn_k=[10, 20]))
    row = {r['model']: r for r in main_rows([old])}['GMAE']
    assert row['linear top-1'] is None and row['k-NN top-1'] is None
    assert row['recon MSE'][0] == 0.03


def test_costs_per_group_and_their_sum(tmp_path):
    import json

    from gmae_bench.study.core.tables import cost_rows
    runs = []
    for seed, times in enumerate([dict(train_s=100., eval_s=10., threads=1),
                                  dict(train_s=300., eval_s=30., threads=1,
                                       retrain_s=50.)]):
        d = tmp_path / f'seed{seed}'
        d.mkdir()
        (d / 'study_time.json').write_text(json.dumps(times))
        runs.append(dict(_result('gmae_pretrain_fmnist'), seed=seed,
                         path=str(d)))
    no_times = tmp_path / 'untimed'
    no_times.mkdir()  # a run without study_time.json counts nowhere
    runs.append(dict(_result('mae_pretrain_fmnist'), path=str(no_times)))
    groups = [('pretrain', 'gmae_pretrain_fmnist'),
              ('pretrain', 'mae_pretrain_fmnist')]
    rows = cost_rows(runs, groups, total=True)
    assert [r['run'] for r in rows] == ['pretrain / gmae_pretrain_fmnist',
                                       '**sum over the runs**']
    assert rows[0]['train s'][:2] == (200., 141.4213562373095)
    assert rows[0]['retrain s'] == (50., None, 1)
    assert rows[1]['runs'] == '2' and rows[1]['train s'] == '400'
    assert rows[1]['eval s'] == '40' and rows[1]['retrain s'] == '50'
    assert cost_rows(runs, groups[1:], total=True) == []


def test_learning_curve_figure_draws_the_curve_and_the_raw_line(tmp_path):
    from gmae_bench.study.fmnist.figures import plot_learning_curve
    from gmae_bench.study.fmnist.tables import RAW_PIXELS
    curve = [
        dict(model=m, epochs=str(e), **{
            'linear top-1': (80.0 + e / 10, None, 1),
            'k-NN top-1': (79.0 + e / 10, None, 1),
            'linear, 1%': None,  # a probe not run draws no point
            'k-NN, 1%': (70.0, None, 1),
        }) for m in ('MAE (norm_pix)', 'GMAE') for e in (6, 24)
    ]
    labels = [{'model': RAW_PIXELS, 'linear, all': (84.4, 0.1, 3),
               'k-NN, all': (86.2, None, 1)}]
    path = tmp_path / 'learning_curve.png'
    assert plot_learning_curve(curve, labels, str(path))
    assert path.stat().st_size > 1000
    # no longer run, no figure (the curve table is empty then)
    assert not plot_learning_curve([], labels, str(tmp_path / 'none.png'))
    assert not (tmp_path / 'none.png').exists()
