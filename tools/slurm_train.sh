#!/usr/bin/env bash
# Training under Slurm, as mmdet's / mmpretrain's tools/slurm_train.sh:
#   tools/slurm_train.sh PARTITION JOB_NAME CONFIG WORK_DIR [train.py args]
# Env: GPUS (total tasks, 8), GPUS_PER_NODE (8), CPUS_PER_TASK (5),
# SRUN_ARGS (extra srun options), PYTHON. One task per GPU; ranks, world
# size and the master address come from Slurm (--launcher slurm; MASTER_PORT
# or PORT picks the port). On preemption (SIGTERM, or SIGUSR1 sent ahead by
# `sbatch --signal=USR1@90`) the run saves a checkpoint and exits with 124;
# with GMAE_SLURM_REQUEUE=1 it also asks Slurm to requeue the job, which then
# continues with --resume (docs/reliability.md).
set -euo pipefail
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
WORK_DIR=$4
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
  "$PYTHON" -u "$HERE/train.py" "$CONFIG" --work-dir="$WORK_DIR" \
  --launcher=slurm "${@:5}"
