#!/usr/bin/env bash
# Set up everything (if not done yet), then run the whole test suite on CPU.
# Extra args go to pytest, e.g. scripts/test.sh -m "not slow".
set -euo pipefail
source "$(dirname "$0")/venv.sh"  # ROOT, VENV, VPY
cd "$ROOT"
scripts/setup_env.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} MPLBACKEND=Agg
exec "$VPY" -m pytest tests -q -p no:cacheprovider \
  --timeout=1200 -ra "$@"
