#!/usr/bin/env bash
# Prepares a fresh machine: Python 3.10 virtual environment with the locked dependencies, the widget's npm
# packages, with --browser Debian's Chromium for the browser tests, and with --production (or
# SAFE_HARBOUR_LAYOUT=production in .env) Debian's nginx for the production layout. Re-running it is cheap:
# each step is skipped when what it installs is already there and up to date.
#   scripts/setup.sh [--browser] [--production]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/env.sh

browser=no
# nginx is needed when .env chooses the production layout, or when asked for.
production=$([ "${SAFE_HARBOUR_LAYOUT:-single}" = production ] && echo yes || echo no)
for option in "$@"; do
  case "$option" in
    --browser) browser=yes ;;
    --production) production=yes ;;
    *) echo "Unknown option $option (use --browser, --production)" >&2; exit 2 ;;
  esac
done

find_python310() {
  for candidate in /root/.pyenv/versions/3.10.13/bin/python python3.10; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
      command -v "$candidate"; return 0
    fi
  done
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  PY=$(find_python310) || {
    echo "Rasa 3.6 needs Python 3.10, and none was found (looked for /root/.pyenv/versions/3.10.13/bin/python and python3.10 on PATH)." >&2
    echo "Install Python 3.10 (for example with pyenv) and run this again." >&2
    exit 1
  }
  echo "Creating the virtual environment with $PY"
  "$PY" -m venv "$VENV"
fi

lock_hash=$(sha256sum requirements.lock | cut -d' ' -f1)
if [ "$(cat "$VENV/.installed-lock" 2>/dev/null)" != "$lock_hash" ]; then
  echo "Installing the locked Python dependencies (a few minutes the first time)"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check pip==24.2
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r requirements.lock
  echo "$lock_hash" > "$VENV/.installed-lock"
fi

if [ -f widget/package-lock.json ]; then
  widget_hash=$(sha256sum widget/package-lock.json | cut -d' ' -f1)
  if [ "$(cat widget/node_modules/.installed-lock 2>/dev/null)" != "$widget_hash" ]; then
    echo "Installing the widget's npm packages"
    (cd widget && npm ci --no-audit --no-fund --loglevel=error)
    echo "$widget_hash" > widget/node_modules/.installed-lock
  fi
fi

if [ $browser = yes ] && [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's Chromium for the browser tests"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# nginx only as a program: the launcher runs it with its own config under var/ on a loopback port, so the
# package's own service (port 80), where systemd started it, is stopped and disabled again.
if [ $production = yes ] && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing Debian's nginx for the production layout"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  if [ -d /run/systemd/system ]; then systemctl disable --now nginx >/dev/null 2>&1 || true; fi
fi
