#!/usr/bin/env bash
# Trains the model into models/ unless the data, domain and config are unchanged since the last training.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
rasa train --domain domain.yml --data data --config config.yml --out models --fixed-model-name safe-harbour "$@"
