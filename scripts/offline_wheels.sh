#!/usr/bin/env bash
# Gather, where pip reaches a package index, what a GPU node without one
# needs beside its own PyTorch image: the pinned OpenMMLab stack, timm,
# gsplat, pycocotools and their import-time dependencies as wheels for the
# node's Python, plus mmcv's sdist (built there with its CUDA ops by
# scripts/offline_install.sh).
#
#   scripts/offline_wheels.sh [DIR] [PYTHON_VERSION]   (default: .whl 3.12)
#
# Assumed on the node (a CUDA PyTorch image): torch, torchvision, numpy,
# scipy, matplotlib, opencv, pillow, pyyaml, rich, einops, jaxtyping,
# ninja, tqdm, six, packaging, click, markdown, zipp. About 20 MB.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-$ROOT/.whl}
PYV=${2:-3.12}
mkdir -p "$DIR"
pin() { grep -E "^$1==" "$ROOT/requirements.txt" | head -n1; }
# pinned in requirements.txt; the rest: what the pinned ones import at
# import time without declaring it or beyond the image (checked on an
# H200 image, Python 3.12: mmpretrain needs model-index and
# importlib-metadata, mmseg ftfy and regex)
PACKAGES=(
  "$(pin mmengine)" "$(pin mmpretrain)" "$(pin mmdet)" "$(pin mmsegmentation)"
  "$(pin timm)" "$(pin gsplat)" "$(pin pycocotools)" "$(pin ftfy)" "$(pin regex)"
  'setuptools>=77.0.3,<81' wcwidth addict yapf platformdirs termcolor
  terminaltables shapely prettytable mat4py model-index ordered-set
  importlib-metadata
)
PLATFORMS=()
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_24_x86_64 \
    manylinux_2_17_x86_64 manylinux2014_x86_64 manylinux1_x86_64 any; do
  PLATFORMS+=(--platform "$p")
done
python3 -m pip download -q --no-deps --only-binary=:all: \
  --python-version "$PYV" --implementation cp "${PLATFORMS[@]}" \
  -d "$DIR" "${PACKAGES[@]}"
# pip prepares an sdist's metadata by running its setup.py, which for mmcv
# needs torch: use the project's environment (scripts/setup_env.sh)
source "$ROOT/scripts/venv.sh"  # VPY
[ -x "$VPY" ] || { echo "offline_wheels: $VPY not found: run scripts/setup_env.sh first (mmcv's sdist needs torch to be fetched)" >&2; exit 1; }
"$VPY" -m pip download -q --no-deps --no-binary :all: -d "$DIR" mmcv==2.1.0
echo "[offline_wheels] $(ls "$DIR" | wc -l) files, $(du -sh "$DIR" | cut -f1) in $DIR (Python $PYV)"
