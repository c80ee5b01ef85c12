#!/usr/bin/env bash
# The MAE-vs-GMAE studies (docs/results.md, docs/results_scenes.md).
#   scripts/study.sh [--study {fmnist,scenes}] --scale {ci,cpu,gpu} [--jobs N]
#       [--work-dir DIR] [--out DIR]
# Runs or resumes every run of the scale (finished runs are skipped, a
# killed run resumes), then writes the tables and figures to DIR/report.
# ci: a few hundred images, ~3 min; cpu: the study, ~3 h on 2 cores;
# gpu: a larger model and schedule for one GPU.
set -euo pipefail
source "$(dirname "$0")/venv.sh"  # ROOT, VENV, VPY
cd "$ROOT"
scripts/setup_env.sh
export MPLBACKEND=Agg
exec "$VPY" tools/study.py "$@"
