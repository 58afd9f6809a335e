"""A tracker store that rides out a database restart instead of losing the turns that fall into it.

Rasa wraps every tracker store in a FailSafeTrackerStore: when a retrieve fails (PostgreSQL restarting, or a
pooled connection that the restart closed) it starts the conversation afresh, and when a save fails it keeps
the turn in the server's memory only. Either way the family gets an answer (HTTP 200) whose turn never reaches
the database (measured: README, "Several servers: concurrency and degraded parts"). Here a retrieve or save
that failed because the connection broke is retried, waiting a little longer each time, for up to
`retry_seconds` (default 20): a restart of a few seconds only makes those turns slower. A longer outage ends
in Rasa's fall-back: the servers keep answering (a crisis answer is never held back by the database), and the
turns of the outage are not kept.

endpoints:

    tracker_store:
      type: safe_harbour.stores.reconnect.ReconnectingSQLTrackerStore
      url: ${TRACKER_STORE_URL}
      retry_seconds: 20       # optional
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 20.0
FIRST_WAIT_SECONDS = 0.1
LONGEST_WAIT_SECONDS = 1.0

Result = TypeVar("Result")


def connection_broke(error: Exception) -> bool:
    """The database could not be reached or dropped the connection (not a bad statement)."""
    return isinstance(error, sa.exc.OperationalError) or (
        isinstance(error, sa.exc.DBAPIError) and error.connection_invalidated
    )


class ReconnectingSQL(SQLTrackerStore):
    """Mixin for an SQLTrackerStore (Rasa's or a subclass): retries `_retrieve` and `save` on a broken connection.
    SQLAlchemy drops the pool's dead connections when it sees one, so a retry opens a fresh one."""

    def __init__(self, *args: Any, retry_seconds: float = DEFAULT_RETRY_SECONDS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.retry_seconds = float(retry_seconds)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        return await self._retrying(
            lambda: super(ReconnectingSQL, self)._retrieve(sender_id, fetch_events_from_all_sessions)
        )

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._retrying(lambda: super(ReconnectingSQL, self).save(tracker))

    async def _retrying(self, operation: Callable[[], Awaitable[Result]]) -> Result:
        deadline = time.monotonic() + self.retry_seconds
        wait = FIRST_WAIT_SECONDS
        while True:
            try:
                return await operation()
            except sa.exc.DBAPIError as error:
                if not connection_broke(error) or time.monotonic() + wait > deadline:
                    raise
                # The error's text can quote the statement's parameters (what a family typed): type only.
                logger.warning(
                    f"Tracker store: the database connection broke ({type(error.orig).__name__}); "
                    f"retrying in {wait:.1f} s."
                )
                await asyncio.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT_SECONDS)


class ReconnectingSQLTrackerStore(ReconnectingSQL, SQLTrackerStore):
    """Rasa's SQLTrackerStore with ReconnectingSQL."""
