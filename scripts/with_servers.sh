#!/usr/bin/env bash
# Usage: scripts/with_servers.sh COMMAND [ARGS...]
# Starts the action server and the Rasa server on free loopback ports with a fresh SQLite tracker store and
# a fresh cases database (staff accounts, handoff cases), waits until both answer, runs COMMAND with
# SAFE_HARBOUR_URL and DATABASE_URL set (so a test can add a staff account to the servers' database with
# `python -m safe_harbour.console.accounts`), then stops both servers.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

free_port() { python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
RASA_PORT=$(free_port); ACTION_PORT=$(free_port)
run_dir=$(mktemp -d "$PROJECT_ROOT/var/servers.XXXXXX")
export ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTION_PORT/webhook"
export TRACKER_STORE_URL="${TEST_TRACKER_STORE_URL:-sqlite:///$run_dir/tracker.db}"
export DATABASE_URL="${TEST_DATABASE_URL:-sqlite:///$run_dir/cases.db}"
export SAFE_HARBOUR_URL="http://127.0.0.1:$RASA_PORT" SAFE_HARBOUR_LOG="$run_dir/rasa.log"
# Every test client shares 127.0.0.1, so the per-address and per-conversation rate limits are off here
# unless the caller sets them (tests/python/privacy/test_privacy_limits.py checks them on a server of its own).
export RATE_LIMIT_IP_PER_MINUTE="${TEST_RATE_LIMIT_IP_PER_MINUTE:-0}"
export RATE_LIMIT_SENDER_PER_MINUTE="${TEST_RATE_LIMIT_SENDER_PER_MINUTE:-0}"

rasa run actions --actions actions --port "$ACTION_PORT" >"$run_dir/actions.log" 2>&1 &
action_pid=$!
# The launcher adds --enable-api --auth-token when RASA_API_TOKEN is set, --cors from CORS_ORIGINS, and
# refuses unsafe options; it then becomes the `rasa run` process (same pid).
python -m safe_harbour.privacy.launch --model models --endpoints endpoints.yml --credentials credentials.yml \
  --interface 127.0.0.1 --port "$RASA_PORT" >"$SAFE_HARBOUR_LOG" 2>&1 &
rasa_pid=$!
trap 'kill $action_pid $rasa_pid 2>/dev/null; wait $action_pid $rasa_pid 2>/dev/null || true' EXIT

for _ in $(seq 1 180); do
  if curl -sf "$SAFE_HARBOUR_URL/webhooks/rest/" >/dev/null && curl -sf "http://127.0.0.1:$ACTION_PORT/health" >/dev/null; then
    break
  fi
  kill -0 $rasa_pid 2>/dev/null || { echo "The Rasa server stopped; its log:" >&2; tail -40 "$SAFE_HARBOUR_LOG" >&2; exit 1; }
  sleep 1
done
curl -sf "$SAFE_HARBOUR_URL/webhooks/rest/" >/dev/null || { echo "The Rasa server did not start in time." >&2; exit 1; }
"$@"
