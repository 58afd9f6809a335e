"""The handoff's SQL database (DATABASE_URL: SQLite, var/cases.db by default, or PostgreSQL), SQLAlchemy 1.4
with the 2.0-style API. It holds the staff accounts and sessions (safe_harbour.console.accounts) and the
cases (safe_harbour.handoff.cases). The Rasa server (staff console) and the action server (which opens
cases) share it, so every fact that more than one process needs (who is signed in, the queue) lives here,
not in memory."""

from __future__ import annotations

import functools
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from safe_harbour.privacy.files import private_sqlite_file


@functools.cache
def engine(url: str) -> Engine:
    """One engine (one connection pool) per database URL per process, whichever tables it serves."""
    private_sqlite_file(url)
    kwargs: dict[str, Any] = {"future": True, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    return sa.create_engine(url, **kwargs)


def create_tables(metadata: sa.MetaData, on: Engine) -> None:
    try:
        metadata.create_all(on)
    except (IntegrityError, ProgrammingError, OperationalError):
        # Two processes creating the tables at the same moment: the other one won.
        metadata.create_all(on)


def utcnow() -> datetime:
    """Naive UTC, the one form every timestamp is stored in (SQLite keeps no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(moment: datetime | None) -> str | None:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment else None
