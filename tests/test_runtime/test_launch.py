"""gmae_bench.runtime.launch.run_tool: plain return alone, a clean and
flushed end for every rank under torchrun (gloo, two CPU processes)."""
import os
import subprocess
import sys
import textwrap

from gmae_bench.runtime.launch import run_tool

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def test_without_distributed_returns_normally():
    calls = []
    run_tool(lambda: calls.append(1))
    assert calls == [1]


def test_two_gloo_ranks_end_cleanly_and_flushed(tmp_path):
    # A DDP step and the object collectives mmengine's evaluators use, then
    # run_tool's ending: exit status 0 and nothing buffered is lost.
    script = tmp_path / 'tool.py'
    script.write_text(
        textwrap.dedent(f"""
        import logging, os, sys
        sys.path.insert(0, {ROOT!r})
        import torch, torch.distributed as dist
        from gmae_bench.runtime.launch import run_tool

        def main():
            dist.init_process_group('gloo')
            rank = dist.get_rank()
            log = logging.getLogger('tool')
            log.addHandler(logging.FileHandler({str(tmp_path)!r}
                                               + f'/rank{{rank}}.log'))
            log.setLevel(logging.INFO)
            model = torch.nn.parallel.DistributedDataParallel(
                torch.nn.Linear(4, 4))
            model(torch.randn(2, 4)).sum().backward()
            objs = [None, None]
            dist.all_gather_object(objs, dict(rank=rank))
            log.info('gathered %s', objs)
            print(f'rank {{rank}} done', end='')  # no newline: buffered

        run_tool(main)
        raise SystemExit('run_tool returned under torchrun')
        """))
    env = dict(os.environ, OMP_NUM_THREADS='1')
    proc = subprocess.run([
        sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
        '--master_port',
        str(28800 + os.getpid() % 500),
        str(script)
    ],
                          capture_output=True,
                          text=True,
                          env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'rank 0 done' in proc.stdout and 'rank 1 done' in proc.stdout
    for rank in (0, 1):
        text = (tmp_path / f'rank{rank}.log').read_text()
        assert "gathered [{'rank': 0}, {'rank': 1}]" in text
