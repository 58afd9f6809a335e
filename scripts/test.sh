#!/usr/bin/env bash
# The whole test suite, from a fresh clone: set-up, the static checks, validation, training, conversation
# tests, the dev-set gate, unit and end-to-end tests, the browser tests and the production layout's tests.
# Stops at the first failing stage.
set -euo pipefail
cd "$(dirname "$0")/.."
stage() { printf '\n==> %s\n' "$*"; }

stage "Set-up"
scripts/setup.sh --browser --production
. scripts/env.sh

stage "Lint (ruff, mypy)"
scripts/lint.sh

stage "Validate the training data and domain"
rasa data validate --domain domain.yml --data data --config config.yml --fail-on-warnings

stage "Train"
scripts/train.sh

stage "Test stories (every topic, both languages)"
rm -rf results/stories
# Always name the stories folder: without it `rasa test` also scans .rasa/cache and crashes.
rasa test core --model models --stories tests/stories --out results/stories --fail-on-prediction-errors
head -n 1 results/stories/failed_test_stories.yml | grep -q "None of the test stories failed" \
  || { cat results/stories/failed_test_stories.yml; exit 1; }

stage "Dev-set NLU report and gate"
python -m safe_harbour.evaluation.report --set dev

stage "Held-out NLU report (our own unseen messages) and gate"
python -m safe_harbour.evaluation.report --set held-out

stage "Python tests (components, actions, servers end to end)"
python -m pytest -rs -m "not production" tests/python

stage "Browser tests (widget in Chromium)"
if [ -d widget/tests ]; then
  scripts/with_servers.sh node --test widget/tests/ safe_harbour/console/tests/
fi

stage "Production layout (nginx, two Rasa servers, PostgreSQL, Redis: failover, concurrency, degraded parts)"
# Also alone: make test-production (about 7 minutes).
python -m pytest -rs -m production tests/python
