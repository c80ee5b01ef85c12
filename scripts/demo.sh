#!/usr/bin/env bash
# Quick start: set up everything, then pretrain a tiny GMAE on the 23 real
# photos (CPU, ~3 min once set up). Writes work_dirs/gmae_pretrain_vit_tiny/:
# checkpoints, logs and vis/reconstruction_*.png. Extra args go to
# tools/train.py.
set -euo pipefail
source "$(dirname "$0")/venv.sh"  # ROOT, VENV, VPY
cd "$ROOT"
scripts/setup_env.sh
exec "$VPY" tools/train.py configs/gmae_pretrain_vit_tiny.py "$@"
