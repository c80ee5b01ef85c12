"""tools/benchmark_data.py runs every pipeline it compares (a short run;
the figures themselves live in docs/benchmarks.md)."""
from tools import benchmark_data


def test_benchmark_data_runs_all_pipelines(data_root, capsys):
    rates = benchmark_data.main([
        '--rounds', '1', '--images', '6', '--photos',
        str(data_root / 'photos/train')
    ])
    assert set(rates) == {
        'pretrain: gmae_bench', 'pretrain: gmae_bench LoadImage',
        'pretrain: mmpretrain MAE', 'pretrain: FB-MAE',
        'fine-tune: gmae_bench', 'fine-tune: FB-MAE'
    }
    assert all(r > 0 for r in rates.values())
    assert 'vs FB-MAE' in capsys.readouterr().out
