#!/usr/bin/env bash
# Runs the assistant on this machine: set-up if needed, training if the data changed, then the action
# server and the Rasa server (with the web chat page) on 127.0.0.1 until Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
scripts/train.sh

rasa run actions --actions actions --port "$ACTION_PORT" &
action_pid=$!
trap 'kill $action_pid 2>/dev/null || true' EXIT
echo
echo "Safe Harbour is starting. When the model has loaded, open the web chat at:"
echo "    http://127.0.0.1:$RASA_PORT/chat"
echo
# The launcher adds --enable-api --auth-token when RASA_API_TOKEN is set and --cors from CORS_ORIGINS, and
# refuses unsafe options (remote models, an API without a token, debug logging in production).
python -m safe_harbour.privacy.launch --model models --endpoints endpoints.yml --credentials credentials.yml \
  --interface 127.0.0.1 --port "$RASA_PORT"
