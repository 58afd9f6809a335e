#!/usr/bin/env bash
# The static checks (settings in pyproject.toml): ruff's lint rules and format check on the whole tree, and
# mypy on the packages (safe_harbour/, actions/). Stops at the first that fails.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh
ruff check .
ruff format --check .
mypy
