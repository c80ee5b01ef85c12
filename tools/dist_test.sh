#!/usr/bin/env bash
# Distributed testing with torchrun, as mmdet's tools/dist_test.sh:
#   tools/dist_test.sh CONFIG CHECKPOINT GPUS [tools/test.py args]
# Env: NNODES, NODE_RANK, MASTER_ADDR, PORT (as dist_train.sh), PYTHON.
# GPUs use nccl; CPU processes use gloo (chosen by the tool).
set -euo pipefail
CONFIG=$1
CHECKPOINT=$2
GPUS=$3
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
PORT=${PORT:-29500}
MASTER_ADDR=${MASTER_ADDR:-127.0.0.1}
HERE=$(cd "$(dirname "$0")" && pwd)
PYTHON=${PYTHON:-python}
exec "$PYTHON" -m torch.distributed.run \
  --nnodes="$NNODES" --node_rank="$NODE_RANK" --nproc_per_node="$GPUS" \
  --master_addr="$MASTER_ADDR" --master_port="$PORT" \
  "$HERE/test.py" "$CONFIG" "$CHECKPOINT" --launcher pytorch "${@:4}"
