#!/usr/bin/env bash
# Testing under Slurm, as mmdet's / mmpretrain's tools/slurm_test.sh:
#   tools/slurm_test.sh PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args]
# Env: GPUS (8), GPUS_PER_NODE (8), CPUS_PER_TASK (5), SRUN_ARGS, PYTHON,
# MASTER_PORT / PORT.
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
CHECKPOINT=$4
GPUS=${GPUS:-8}
GPUS_PER_NODE=${GPUS_PER_NODE:-8}
CPUS_PER_TASK=${CPUS_PER_TASK:-5}
SRUN_ARGS=${SRUN_ARGS:-""}
PYTHON=${PYTHON:-python}
HERE=$(cd "$(dirname "$0")" && pwd)
export MASTER_PORT=${MASTER_PORT:-${PORT:-29500}}
# shellcheck disable=SC2086
srun -p "$PARTITION" \
  --job-name="$JOB_NAME" \
  --gres=gpu:"$GPUS_PER_NODE" \
  --ntasks="$GPUS" \
  --ntasks-per-node="$GPUS_PER_NODE" \
  --cpus-per-task="$CPUS_PER_TASK" \
  --kill-on-bad-exit=1 \
  $SRUN_ARGS \
  "$PYTHON" -u "$HERE/test.py" "$CONFIG" "$CHECKPOINT" --launcher=slurm \
  "${@:5}"
