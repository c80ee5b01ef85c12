#!/usr/bin/env bash
# The CUDA path in one command, on a machine with a GPU (under 10 minutes
# on one GPU once set up):
#   1. scripts/setup_env.sh in its CUDA mode (mmcv with CUDA ops for this
#      GPU, gsplat's CUDA extension compiled; it fails unless RoIAlign and
#      nms run on CUDA tensors and gsplat renders);
#   2. the CUDA tests: gsplat against the torch backend (values and
#      gradients), mmcv's CUDA ops, AMP steps (pytest -m cuda);
#   3. tools/benchmark_gpu.py: MAE / GMAE ViT-B step time at batch 64 and
#      the largest batch that fits, images/s, render share, peak memory,
#      and one Mask R-CNN (1024 px) and one UperNet (512 px) iteration;
#      the table goes to work_dirs/gpu_check.md (device named in it).
# Without a CUDA device it says so and exits 2.
# GMAE_SETUP=skip PYTHON=/path/to/python: skip step 1 and use an environment
# prepared otherwise (a node without a package index: scripts/
# offline_wheels.sh gathers the wheels, scripts/offline_install.sh installs
# them there and builds mmcv's CUDA ops); scripts/check_cuda.py then checks
# it instead.
set -euo pipefail
source "$(dirname "$0")/venv.sh"  # ROOT, VENV, VPY
cd "$ROOT"
PY=$VPY
if [ "${GMAE_SETUP:-}" = skip ] || [ ! -x "$PY" ]; then PY=${PYTHON:-python3.11}; fi
if ! "$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null; then
  echo "gpu_check: no CUDA device is visible (torch.cuda.is_available() is False);" \
       "run this on a machine with an NVIDIA GPU and its driver." >&2
  exit 2
fi
start=$(date +%s)
if [ "${GMAE_SETUP:-}" = skip ]; then
  "$PY" scripts/check_cuda.py
else
  GMAE_BUILD=cuda scripts/setup_env.sh
  PY=$VPY
fi
echo "[gpu_check] set-up done in $(( $(date +%s) - start )) s"
t0=$(date +%s)
"$PY" -m pytest tests -m cuda -q -p no:cacheprovider -ra
"$PY" tools/benchmark_gpu.py --out work_dirs/gpu_check.md "$@"
echo "[gpu_check] tests + benchmark in $(( $(date +%s) - t0 )) s; table in work_dirs/gpu_check.md"
