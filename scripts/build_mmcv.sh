#!/usr/bin/env bash
# Build mmcv's wheel with its compiled ops from the source archive, against
# the PyTorch of the given Python (setup_env.sh and offline_install.sh).
#   scripts/build_mmcv.sh PYTHON SDIST OUT_DIR
# FORCE_CUDA=1 builds the CUDA ops too (TORCH_CUDA_ARCH_LIST and CUDA_HOME
# are read as mmcv's setup reads them); MAX_JOBS sets the compile jobs.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: build_mmcv.sh PYTHON SDIST OUT_DIR" >&2; exit 2; }
PY=$1 SDIST=$2 OUT=$3
[ -f "$SDIST" ] || { echo "build_mmcv: $SDIST not found" >&2; exit 1; }
SRC=$(mktemp -d)
trap 'rm -rf "$SRC"' EXIT
tar xzf "$SDIST" -C "$SRC"
TREE=$(ls -d "$SRC"/mmcv-*/ | head -n1)
# torch >= 2.10 headers need C++20 (host compiler and nvcc); mmcv asks for C++17
sed -i 's/-std=c++17/-std=c++20/g' "$TREE/setup.py"
mkdir -p "$OUT"
# --no-build-isolation: with isolation pip builds WITHOUT ops (no torch in
# the isolated env) and silently returns that broken wheel.
(cd "$TREE" && MMCV_WITH_OPS=1 FORCE_CUDA=${FORCE_CUDA:-0} MAX_JOBS=${MAX_JOBS:-$(nproc)} \
  CFLAGS=-g0 CXXFLAGS=-g0 "$PY" -m pip wheel -q --no-build-isolation --no-deps . -w "$OUT")
