#!/usr/bin/env bash
# Runs the assistant on this machine: set-up if needed, training if the data changed, then the layout .env
# chooses (SAFE_HARBOUR_LAYOUT: by default the action server and one Rasa server with the web chat page) on
# 127.0.0.1 until Ctrl+C. The servers are started by safe_harbour.launcher, which runs the launch checks
# (API token, CORS origins, models only from models/, no debug logging in production).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
. scripts/env.sh
scripts/train.sh
exec python -m safe_harbour.launcher run
