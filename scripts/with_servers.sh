#!/usr/bin/env bash
# Usage: scripts/with_servers.sh COMMAND [ARGS...]
# Starts the action server and the Rasa server on free loopback ports with a fresh SQLite tracker store and
# a fresh cases database (staff accounts, handoff cases), waits until both answer, runs COMMAND with
# SAFE_HARBOUR_URL and DATABASE_URL set (so a test can add a staff account to the servers' database with
# `python -m safe_harbour.console.accounts`), then stops both servers. Rate limits are off (every test client
# shares 127.0.0.1) unless TEST_RATE_LIMIT_*_PER_MINUTE say otherwise; TEST_TRACKER_STORE_URL and
# TEST_DATABASE_URL choose other stores. The servers are started by safe_harbour.launcher, as `make run` does.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
exec python -m safe_harbour.launcher with-servers -- "$@"
