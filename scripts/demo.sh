#!/usr/bin/env bash
# Quick start: set up everything, then the suite's job in a few minutes on
# 2 CPU cores: MAE and GMAE pretrained briefly (2 epochs) on 20,000 real
# Fashion-MNIST items, both probed the same way (linear, k-NN, masked
# reconstruction, zero-shot figure-ground and edges), then the comparison
# table (tools/compare.py) and pictures of masked inputs, reconstructions
# and GMAE's depth layers in work_dirs/demo/report/. A demo-length run,
# labelled as such; the study itself: scripts/study.sh, docs/results.md.
# Extra args go to tools/study.py (e.g. --work-dir DIR).
set -euo pipefail
source "$(dirname "$0")/venv.sh"  # ROOT, VENV, VPY
cd "$ROOT"
scripts/setup_env.sh
export MPLBACKEND=Agg
# --brief: after the runs, the main table, where the other tables are and
# the pictures (samples.png: inputs, masked inputs, reconstructions, GMAE's
# nearest-K depth layers)
"$VPY" tools/study.py --scale demo --jobs 2 --work-dir work_dirs/demo \
  --brief "$@"
