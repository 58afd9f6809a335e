"""Server settings, read once from the environment and .env (python-dotenv); defaults suit a laptop."""

import os
import pathlib

from dotenv import load_dotenv

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[1]
load_dotenv(PROJECT_ROOT / ".env")


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Conversations older than this are deleted from the tracker store; the privacy answers quote it.
RETENTION_DAYS = _int("RETENTION_DAYS", 30)


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _optional_bool(name: str):
    """true/false (also yes/no, 1/0, on/off); None when empty."""
    value = _str(name).lower()
    if not value:
        return None
    if value in ("true", "yes", "1", "on"):
        return True
    if value in ("false", "no", "0", "off"):
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def _list(name: str) -> list:
    """A list setting written as words separated by spaces or commas."""
    return [item for item in _str(name).replace(",", " ").split() if item]


# "production" (the default) or "development". Only development may log at debug level, which prints
# user messages; production refuses to start with --debug / -vv / LOG_LEVEL=DEBUG.
ENV = _str("SAFE_HARBOUR_ENV", "production").lower() or "production"
DEVELOPMENT = ENV == "development"

# Input guard (safe_harbour.privacy.guard): longer messages are cut to this many characters.
MAX_MESSAGE_CHARS = max(100, _int("MAX_MESSAGE_CHARS", 2000))
# Largest HTTP request body the server accepts (bytes); bigger requests get 413 before anything reads them.
MAX_REQUEST_BYTES = max(10_000, _int("MAX_REQUEST_BYTES", 1_000_000))

# Rate limits (token buckets, in memory, per server process): messages per minute per conversation and
# per client IP address. 0 switches a limit off. Behind a reverse proxy every user shares the proxy's
# address unless Sanic is told to trust X-Forwarded-For (SANIC_PROXIES_COUNT=1).
RATE_LIMIT_SENDER_PER_MINUTE = max(0, _int("RATE_LIMIT_SENDER_PER_MINUTE", 20))
RATE_LIMIT_IP_PER_MINUTE = max(0, _int("RATE_LIMIT_IP_PER_MINUTE", 120))

# Token for Rasa's HTTP API (?token=...). Without it the API routes are refused, even with --enable-api.
RASA_API_TOKEN = _str("RASA_API_TOKEN")
# Web origins (scheme://host[:port], matched exactly) allowed to call the server from a browser, besides the
# server's own pages. Empty: same origin only. Never for the staff console (/staff).
CORS_ORIGINS = _list("CORS_ORIGINS")

# Handoff to helpline staff (safe_harbour.handoff, safe_harbour.console).
# Cases, staff accounts and staff sessions: SQLite by default, PostgreSQL e.g.
# DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test
DATABASE_URL = _str("DATABASE_URL") or f"sqlite:///{PROJECT_ROOT / 'var' / 'cases.db'}"
# When staff answer, "HH:MM-HH:MM" in STAFF_TIMEZONE (an IANA name such as Asia/Amman); empty: any time.
STAFF_HOURS = _str("STAFF_HOURS")
STAFF_TIMEZONE = _str("STAFF_TIMEZONE") or "UTC"
# A staff sign-in lasts this many hours; staff count as present while their console polled this recently.
STAFF_SESSION_HOURS = max(1, _int("STAFF_SESSION_HOURS", 12))
# A sign-in also ends after this many minutes without activity: no request from the console (browser closed,
# computer asleep), or no key or click in an open console (which reports it with each poll).
STAFF_IDLE_MINUTES = max(1, _int("STAFF_IDLE_MINUTES", 30))
# The Secure flag of the staff session cookie. true: always (production behind a TLS proxy, which talks
# plain HTTP to this server); empty: only when the request itself came over https (a laptop).
STAFF_COOKIE_SECURE = _optional_bool("STAFF_COOKIE_SECURE")
STAFF_PRESENCE_SECONDS = max(15, _int("STAFF_PRESENCE_SECONDS", 90))
# A family whose staff member's console has been gone this long is handed back to the assistant.
STAFF_GONE_SECONDS = max(60, _int("STAFF_GONE_SECONDS", 300))
# socket.io across server processes: a Redis URL (redis://127.0.0.1:6379/0) makes every process's socket.io
# server share rooms through Redis, so a staff message sent on one process reaches a family on another.
SOCKETIO_REDIS_URL = _str("SOCKETIO_REDIS_URL")
SOCKETIO_REDIS_CHANNEL = _str("SOCKETIO_REDIS_CHANNEL") or "safe-harbour-socketio"
