"""Test helpers: tiny model configs, building models, running tools."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get('GMAE_DATA', ROOT / 'data'))

# A ViT small enough for unit tests (never build ViT-B in a test).
TINY_VIT = dict(
    type='gmae_bench.ViT',
    arch=dict(embed_dims=32, depth=2, num_heads=2),
    img_size=32,
    patch_size=8)
# The decoder trunk of the tiny MAE / GMAE (they differ in output and head).
TINY_DECODER = dict(
    type='gmae_bench.MAEDecoder', embed_dims=16, depth=1, num_heads=2)


def build(cfg: dict):
    """Build and initialise a gmae_bench model from a config dict (through
    the public ``gmae_bench.apis.init_model``; train mode)."""
    from gmae_bench.apis import init_model
    return init_model(dict(model=cfg)).train()


def run_status(args, env_extra=None, timeout=900):
    """Run a command from the repo root; the CompletedProcess (text)."""
    import subprocess
    # the tools import only the installed package; test-only modules
    # (tests.helper_hooks, named in some configs' custom_imports) need the
    # repository root on the path
    path = os.environ.get('PYTHONPATH')
    env = dict(
        os.environ,
        PYTHONUNBUFFERED='1',
        OMP_NUM_THREADS='2',
        PYTHONPATH=f'{ROOT}{os.pathsep}{path}' if path else str(ROOT))
    env.update(env_extra or {})
    return subprocess.run(
        args,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout)


def run_tool(args, env_extra=None, timeout=900) -> str:
    """Run a command from the repo root; fail with its output tail."""
    proc = run_status(args, env_extra, timeout)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-5000:]
    return out
