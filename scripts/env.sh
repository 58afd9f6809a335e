# Sourced by the other scripts: project paths, the virtual environment and the settings from .env.
PROJECT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PROJECT_ROOT/.venv"
[ -f "$PROJECT_ROOT/.env" ] || cp "$PROJECT_ROOT/.env.example" "$PROJECT_ROOT/.env"
set -a
# shellcheck disable=SC1091
. "$PROJECT_ROOT/.env"
set +a
export PATH="$VENV/bin:$PATH"
export PYTHONPATH="$PROJECT_ROOT${PYTHONPATH:+:$PYTHONPATH}"
# Quiet TensorFlow, no telemetry, and a fixed thread budget for a 2-core machine.
# The action server (rasa_sdk) reads its listening address from SANIC_HOST: loopback only.
export SANIC_HOST=127.0.0.1
export TF_CPP_MIN_LOG_LEVEL=3 RASA_TELEMETRY_ENABLED=false PYTHONWARNINGS=ignore
mkdir -p "$PROJECT_ROOT/var" "$PROJECT_ROOT/results"
