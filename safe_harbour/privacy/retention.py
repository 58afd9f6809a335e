"""Delete conversations older than the retention period from the SQL tracker store.

    python -m safe_harbour.privacy.retention [--days N] [--url URL] [--dry-run]

Every event older than N days (default RETENTION_DAYS, 30) is deleted from Rasa's SQLTrackerStore table
`events` in the database at TRACKER_STORE_URL (SQLite or PostgreSQL). A conversation whose last message is
older than that is therefore gone entirely; an older part of a conversation that is still going on is
deleted too, so nothing anyone typed is kept longer than N days. On SQLite the deleted rows are overwritten
(PRAGMA secure_delete), and a write-ahead log (WAL mode) is emptied; on PostgreSQL their space is reclaimed
by autovacuum.

Made for cron: idempotent (a second run deletes nothing), one summary line with counts only (no
conversation ids, no text), and exit codes: 0 done (also when there was nothing to delete, or no tracker
database yet), 1 the database could not be reached or changed, 2 the settings or options are wrong.

A relative SQLite path (sqlite:///var/tracker.db) is taken relative to the project folder, as the server
scripts use it, so cron may run the command from any folder.
"""

import argparse
import sys
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from safe_harbour import settings

EVENTS_TABLE = "events"
DAY_SECONDS = 24 * 60 * 60


class RetentionError(Exception):
    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


def tracker_store_url(url: str | None = None) -> sa.engine.URL:
    """The SQLAlchemy URL of the tracker store, with relative SQLite paths resolved in the project."""
    import os

    raw = url or os.environ.get("TRACKER_STORE_URL", "").strip()
    if not raw:
        raise RetentionError("TRACKER_STORE_URL is not set (see .env.example).", 2)
    try:
        parsed = make_url(raw)
    except ArgumentError as error:
        raise RetentionError("TRACKER_STORE_URL is not a database URL.", 2) from error
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        import pathlib

        path = pathlib.Path(parsed.database)
        if not path.is_absolute():
            parsed = parsed.set(database=str(settings.PROJECT_ROOT / path))
    return parsed


def delete_old_conversations(
    url: sa.engine.URL, days: float, dry_run: bool = False, sender_prefix: str | None = None, now: float | None = None
) -> dict:
    """Delete events older than `days`; returns counts (events, conversations removed entirely)."""
    if days <= 0:
        raise RetentionError("The retention period must be a positive number of days.", 2)
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    if url.get_backend_name() == "sqlite":
        import pathlib

        if url.database and url.database != ":memory:" and not pathlib.Path(url.database).exists():
            return {"events": 0, "conversations": 0, "note": "no tracker database yet"}
    sqlite = url.get_backend_name() == "sqlite"
    engine = sa.create_engine(url, connect_args={"timeout": 30} if sqlite else {})
    if sqlite:
        # Deleted rows are overwritten, not left readable in the file's free pages.
        @sa.event.listens_for(engine, "connect")
        def _secure_delete(dbapi_connection: Any, _: Any) -> None:
            dbapi_connection.execute("PRAGMA secure_delete = ON")

    try:
        if not sa.inspect(engine).has_table(EVENTS_TABLE):
            return {"events": 0, "conversations": 0, "note": "no conversations stored yet"}
        events = sa.Table(EVENTS_TABLE, sa.MetaData(), autoload_with=engine)
        scope = sa.true() if not sender_prefix else events.c.sender_id.startswith(sender_prefix, autoescape=True)
        old = sa.and_(scope, events.c.timestamp < cutoff)
        with engine.begin() as connection:
            senders = sa.select(events.c.sender_id).where(old).distinct().subquery()
            # Conversations with nothing newer than the cut-off: removed entirely by this run.
            newer = (
                sa.select(events.c.sender_id)
                .where(sa.and_(events.c.sender_id == senders.c.sender_id, events.c.timestamp >= cutoff))
                .exists()
            )
            conversations = connection.execute(
                sa.select(sa.func.count()).select_from(senders).where(~newer)
            ).scalar_one()
            if dry_run:
                count = connection.execute(sa.select(sa.func.count()).select_from(events).where(old)).scalar_one()
            else:
                count = connection.execute(events.delete().where(old)).rowcount
        if sqlite and not dry_run:
            # A database in WAL mode (safe_harbour/stores/tracker_store.py) keeps earlier copies of pages in
            # its -wal file: copy the overwritten pages back and empty that file. No-op without WAL.
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return {"events": int(count or 0), "conversations": int(conversations or 0)}
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m safe_harbour.privacy.retention",
        description="Delete conversations older than the retention period from the tracker store.",
    )
    parser.add_argument(
        "--days",
        type=float,
        default=None,
        help=f"retention period in days (default RETENTION_DAYS, now {settings.RETENTION_DAYS})",
    )
    parser.add_argument("--url", default=None, help="database URL (default TRACKER_STORE_URL)")
    parser.add_argument("--dry-run", action="store_true", help="count what would be deleted; delete nothing")
    parser.add_argument(
        "--sender-prefix",
        default=None,
        help="only conversations whose id starts with this (for tests and staged clean-ups)",
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return 0 if exit_.code == 0 else 2
    days = settings.RETENTION_DAYS if args.days is None else args.days
    try:
        url = tracker_store_url(args.url)
        result = delete_old_conversations(url, days, dry_run=args.dry_run, sender_prefix=args.sender_prefix)
    except RetentionError as error:
        print(f"retention: {error}", file=sys.stderr)
        return error.code
    except SQLAlchemyError as error:
        # The driver's message may quote SQL with parameters but never conversation text; keep it short.
        print(f"retention: the tracker store could not be cleaned ({type(error).__name__}).", file=sys.stderr)
        return 1
    verb = "would delete" if args.dry_run else "deleted"
    note = f" ({result['note']})" if result.get("note") else ""
    print(
        f"retention: {verb} {result['events']} events older than {days:g} days; "
        f"{result['conversations']} conversations removed entirely{note}."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
