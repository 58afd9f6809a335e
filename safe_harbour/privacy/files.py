"""Database files that only the server's own user may read: conversations and cases are personal."""

import os
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_MODE = 0o600


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite database URL (sqlite:///relative or sqlite:////absolute); None otherwise."""
    try:
        parsed = make_url(url)
    except Exception:
        return None
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def private_sqlite_file(url: str) -> None:
    """Creates an SQLite database's file (and its folder) readable and writable by the owner only, before
    SQLite would create it world-readable; an existing file is narrowed to the same. SQLite gives its
    journal and WAL files the database file's mode."""
    path = sqlite_path(url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE_MODE))
    status = path.stat()
    if status.st_mode & 0o777 != PRIVATE_MODE and status.st_uid == os.getuid():
        os.chmod(path, PRIVATE_MODE)
