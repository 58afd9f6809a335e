#!/usr/bin/env bash
# Usage: scripts/layout.sh up|down|status
# up: set-up (with nginx when .env chooses the production layout), training if the data changed, then the
# layout .env chooses, started in the background by safe_harbour.launcher (logs, process ids and the nginx
# config in var/layout/). down: stops it. status: which of its servers answer.
set -euo pipefail
cd "$(dirname "$0")/.."
command=${1:?usage: scripts/layout.sh up|down|status}
if [ "$command" = up ]; then
  scripts/setup.sh
  scripts/train.sh
fi
. scripts/env.sh
exec python -m safe_harbour.launcher "$command"
