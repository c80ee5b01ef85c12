# Sourced by scripts/setup_env.sh and every launcher: the one place that
# decides which virtual environment runs the project. GMAE_VENV (a venv
# anywhere, e.g. on a larger disk) overrides the default .venv/.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${GMAE_VENV:-$ROOT/.venv}
VPY="$VENV/bin/python"
STAMP="$VENV/.gmae_stamp"
# What set-up installed from: a venv whose stamp differs is set up again.
stamp_hash() {  # $1: the build kind (cpu | cuda-smXY)
  echo "$(cat "$ROOT/requirements.txt" "$ROOT/scripts/setup_env.sh" \
    "$ROOT/scripts/venv.sh" "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)-$1"
}
