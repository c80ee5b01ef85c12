#!/usr/bin/env bash
# Set up everything (if not done yet), then run the whole test suite on CPU.
# Extra args go to pytest, e.g. scripts/test.sh -m "not slow".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
scripts/setup_env.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2} MPLBACKEND=Agg
exec .venv/bin/python -m pytest tests -q -p no:cacheprovider \
  --timeout=1200 -ra "$@"
