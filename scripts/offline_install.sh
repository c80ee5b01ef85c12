#!/usr/bin/env bash
# On a GPU node without a package index: install the wheels gathered by
# scripts/offline_wheels.sh into a folder beside the image's own packages,
# build mmcv 2.1.0 with CUDA ops for the visible GPU there, compile gsplat's
# CUDA extension and check both (scripts/check_cuda.py). Then
#   PYTHONPATH=$SITE:$PWD GMAE_SETUP=skip PYTHON=python3 scripts/gpu_check.sh
#
#   scripts/offline_install.sh [DIR] [SITE]   (default: .whl /tmp/gmae_site)
#
# Measured on an H200 node (16 cores): about 230 s, the mmcv build (14
# jobs) beside gsplat's extension (4 jobs).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$ROOT/.whl}
SITE=${2:-/tmp/gmae_site}
PY=${PYTHON:-python3}
log() { echo "[offline_install] $*"; }
ls "$DIR"/*.whl >/dev/null 2>&1 || { echo "offline_install: no wheels in $DIR: run scripts/offline_wheels.sh where pip reaches an index and copy the folder here" >&2; exit 1; }
[ -f "$DIR/mmcv-2.1.0.tar.gz" ] || { echo "offline_install: $DIR/mmcv-2.1.0.tar.gz is missing (scripts/offline_wheels.sh gathers it)" >&2; exit 1; }
"$PY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' || {
  echo "offline_install: $PY sees no CUDA device (torch.cuda.is_available() is False)" >&2; exit 2; }
"$PY" -m pip install -q --no-index --no-deps --no-compile --upgrade --target "$SITE" "$DIR"/*.whl
export PYTHONPATH=$SITE:$ROOT${PYTHONPATH:+:$PYTHONPATH}
JOBS=${MAX_JOBS:-$(nproc)}
ARCH=${TORCH_CUDA_ARCH_LIST:-$("$PY" -c 'import torch; print("%d.%d" % torch.cuda.get_device_capability())')}
log "gsplat's CUDA extension ($(( JOBS / 4 > 1 ? JOBS / 4 : 1 )) jobs) beside mmcv's CUDA ops for sm_${ARCH//./} ($JOBS jobs)"
( MAX_JOBS=$(( JOBS / 4 > 1 ? JOBS / 4 : 1 )) "$PY" -c \
  'from gsplat.cuda._backend import _C; assert _C is not None' ) &
GSPLAT=$!
# the built wheel is kept beside the others: a later node of the same
# architecture and Python installs it in seconds
BUILT="$DIR/cuda-sm${ARCH//./}"
if ! ls "$BUILT"/mmcv-2.1.0-*.whl >/dev/null 2>&1; then
  PURE=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  for inc in "$PURE"/nvidia/*/include; do [ -d "$inc" ] && export CPATH="$inc${CPATH:+:$CPATH}"; done
  export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$(command -v nvcc)")")}
  FORCE_CUDA=1 MAX_JOBS=$JOBS TORCH_CUDA_ARCH_LIST=$ARCH \
    bash "$ROOT/scripts/build_mmcv.sh" "$PY" "$DIR/mmcv-2.1.0.tar.gz" "$BUILT"
fi
"$PY" -m pip install -q --no-index --no-deps --no-compile --upgrade --target "$SITE" "$BUILT"/mmcv-2.1.0-*.whl
wait "$GSPLAT" || { echo "offline_install: gsplat's CUDA extension did not build" >&2; exit 1; }
"$PY" "$ROOT/scripts/check_cuda.py"
log "done: export PYTHONPATH=$SITE:$ROOT"
