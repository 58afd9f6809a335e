"""Rasa's SQL tracker store with a cheaper save: the conversation store of the embedded default (SQLite) and of
the production layout (PostgreSQL). Configured in endpoints.yml:

    tracker_store:
      type: safe_harbour.stores.tracker_store.AppendingSQLTrackerStore
      url: ${TRACKER_STORE_URL}

What Rasa 3.6's SQLTrackerStore does for each message, and what this one changes (figures: bench/results.md,
phase `store`):

- retrieve: one query loads every event of the conversation's latest session (from its last SessionStarted)
  and replays them into a tracker. The same query and replay; an index on (sender_id, type_name, timestamp)
  answers the "latest SessionStarted" part directly instead of reading all of the conversation's rows, and
  each event's class is looked up in a table made once, where Rasa searches every subclass of Event again
  for every event (Event.resolve_by_type), which was half of a retrieval's time.
- save: Rasa counts the session's stored events again (the same query as the retrieval, as COUNT) to find which
  events are new, then flushes one INSERT per new event. Here a tracker this store loaded carries the number
  of its events that are stored, and the store remembers the conversations it found empty (Rasa's wrappers
  make their new trackers), so a save is only the new rows, in one multi-row INSERT, in one transaction; a
  tracker of unknown origin is counted as Rasa does. This relies on what Rasa's count relies on too: while a
  message is handled, nothing else writes that conversation (the lock store serialises its messages, across
  servers with Redis).
- SQLite: journal_mode=WAL and synchronous=NORMAL, instead of a rollback journal synced on every commit, and
  connections kept open in a pool (SQLAlchemy 1.4 opens and closes a file for every session, and closing
  the last connection of a WAL database checkpoints it). The database stays consistent through any crash,
  and a process crash loses nothing. A power cut or kernel crash can lose what was committed since the last
  checkpoint (SQLite checkpoints when the log reaches 1000 pages, about 4 MB: up to a few hundred messages).
  Accepted for the embedded default: the server goes down with the machine, the conversation breaks off
  either way, and the handoff cases are in their own database; synchronous=FULL would keep every answered
  turn at the price of one fsync per message (median save 40-51 ms against 0.8 ms, on this machine under
  load; Rasa's rollback journal: 111 ms). The production layout's PostgreSQL keeps its own durability
  (synchronous_commit, on by default).

Every event is still stored, in order, with the same columns, so retention (safe_harbour.privacy.retention)
and the staff console read the same table as before.
"""

import functools
import itertools
import json
import logging
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from rasa.shared.utils.common import all_subclasses

logger = logging.getLogger(__name__)

# Set on trackers this store loaded or saved: how many of tracker.events (of its latest session) are stored.
STORED_EVENTS_ATTRIBUTE = "_stored_event_count"
# Conversations found without events are remembered until their first save; past this many (retrievals of
# conversations that never come), the memory is dropped and saves count as Rasa does.
MAX_REMEMBERED_EMPTY = 10_000

SESSION_START_INDEX = (
    "CREATE INDEX IF NOT EXISTS ix_events_sender_type_timestamp ON events (sender_id, type_name, timestamp)"
)


def _sqlite_wal(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@functools.cache
def _event_classes() -> dict[str, type[Event]]:
    """Event type name -> class, the first match as Event.resolve_by_type finds it (built on first use, when
    every event class is imported)."""
    classes: dict[str, type[Event]] = {}
    for cls in all_subclasses(Event):
        classes.setdefault(cls.type_name, cls)
    return classes


def deserialise_events(serialised: list[dict[str, Any]]) -> list[Event]:
    """rasa.shared.core.events.deserialise_events with the class table; an unknown type goes Rasa's way."""
    classes, events = _event_classes(), []
    for parameters in serialised:
        cls = classes.get(str(parameters.get("event")))
        event = cls._from_parameters(parameters) if cls else Event.from_parameters(parameters)
        if event:
            events.append(event)
    return events


class AppendingSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose save appends a tracker's new events without counting the stored ones."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._found_empty: set[str] = set()
        engine: sa.engine.Engine = self.engine  # type: ignore[has-type]  # set in Rasa's untyped __init__
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            url = engine.url
            engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
            sa.event.listen(self.engine, "connect", _sqlite_wal)
            self.sessionmaker = sa.orm.sessionmaker(bind=self.engine)
        try:
            with self.engine.begin() as connection:
                connection.execute(sa.text(SESSION_START_INDEX))
        except sa.exc.SQLAlchemyError as error:  # several servers starting at once: one of them creates it
            logger.warning(f"Could not create the tracker store's session-start index: {type(error).__name__}")

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
            serialised = [json.loads(row.data) for row in rows]
        tracker = None
        if self.domain and serialised:
            tracker = DialogueStateTracker.from_events(sender_id, deserialise_events(serialised), self.domain.slots)
        # A tracker of all sessions holds more than the latest session: its save counts like Rasa's.
        if fetch_events_from_all_sessions:
            return tracker
        if tracker is None:
            if len(self._found_empty) >= MAX_REMEMBERED_EMPTY:
                self._found_empty.clear()
            self._found_empty.add(sender_id)
        else:
            self._found_empty.discard(sender_id)
            setattr(tracker, STORED_EVENTS_ATTRIBUTE, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Appends the events of `tracker` that are not stored yet, in one statement and one transaction."""
        await self.stream_events(tracker)
        stored: int | None = getattr(tracker, STORED_EVENTS_ATTRIBUTE, None)
        if stored is None and tracker.sender_id in self._found_empty:
            stored = 0
        if stored is not None and stored >= len(tracker.events):
            return
        with self.session_scope() as session:
            if stored is None:
                stored = self._event_query(session, tracker.sender_id, fetch_events_from_all_sessions=False).count()
            rows = [self._row(tracker.sender_id, event) for event in itertools.islice(tracker.events, stored, None)]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
                session.commit()
        if rows:
            self._found_empty.discard(tracker.sender_id)
        setattr(tracker, STORED_EVENTS_ATTRIBUTE, stored + len(rows))

    @staticmethod
    def _row(sender_id: str, event: Any) -> dict[str, Any]:
        """The columns Rasa's SQLTrackerStore.save writes for an event."""
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }
