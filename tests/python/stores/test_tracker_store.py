"""The project's SQL tracker store (safe_harbour/stores/tracker_store.py) on real SQLite files and a real
PostgreSQL database: it stores exactly the rows Rasa's SQLTrackerStore stores and loads the same trackers,
saves a message's new events in one statement without re-counting, keeps every event across sessions and
concurrent conversations, and leaves retention working."""

import asyncio
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import AwaitableTrackerStore, FailSafeTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered

from conftest import PROJECT_ROOT
from safe_harbour.stores.tracker_store import AppendingSQLTrackerStore

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
DATABASE = "sh_bench"  # this helper's own database; every test works in a new schema of it
DOMAIN = Domain.from_dict(
    {
        "slots": {"country": {"type": "text", "mappings": [{"type": "custom"}]}},
        "intents": ["greet"],
        "actions": ["utter_greet", "action_country"],
        "responses": {"utter_greet": [{"text": "hi"}]},
    }
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database: an SQLite file, or a new schema in PostgreSQL (dropped afterwards)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    admin = sa.create_engine(f"{POSTGRES}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            if not connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": DATABASE}).first():
                connection.execute(sa.text(f"CREATE DATABASE {DATABASE}"))
    except sa.exc.OperationalError as error:  # pragma: no cover - only without a PostgreSQL server
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}: {error}")
    finally:
        admin.dispose()
    schema = "tracker_" + uuid.uuid4().hex[:12]
    engine = sa.create_engine(f"{POSTGRES}/{DATABASE}")
    with engine.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{POSTGRES}/{DATABASE}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def turn(i: int, at: float, sender: str = "") -> list[Event]:
    """The events one message adds: the user's words, a slot, an answer, listening again."""
    return [
        UserUttered(
            f"words of {sender} message {i}",
            {"name": "greet", "confidence": 0.9},
            parse_data={"intent": {"name": "greet", "confidence": 0.9}, "text": f"words {i}"},
            timestamp=at,
        ),
        SlotSet("country", f"country {i}", timestamp=at + 0.1),
        ActionExecuted("utter_greet", timestamp=at + 0.2),
        BotUttered("hi", {"utter_action": "utter_greet"}, timestamp=at + 0.3),
        ActionExecuted("action_listen", timestamp=at + 0.4),
    ]


def session_start(at: float) -> list[Event]:
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
    ]


def as_rasa_wraps_it(store):
    """The store as Rasa's Agent holds it (the wrappers make new conversations' trackers themselves)."""
    store.domain = DOMAIN
    return FailSafeTrackerStore(AwaitableTrackerStore(store))


async def converse(store, sender: str, messages: int, start: float, new_session_at: int = -1) -> None:
    """What Rasa's processor does per message: get or create the tracker, add the message's events, save."""
    for i in range(messages):
        tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
        at = start + 10 * i
        if not tracker.events or i == new_session_at:
            for event in session_start(at - 1):
                tracker.update(event)
        for event in turn(i, at, sender):
            tracker.update(event)
        await store.save(tracker)


def stored_rows(url: str, sender: str = "%") -> list:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return [
                tuple(row)
                for row in connection.execute(
                    sa.text(
                        "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events "
                        "WHERE sender_id LIKE :s ORDER BY id"
                    ),
                    {"s": sender},
                )
            ]
    finally:
        engine.dispose()


def test_the_same_rows_and_trackers_as_rasas_store(database_url, tmp_path):
    """One conversation of 12 messages with a new session at message 8, and a second conversation in between:
    every row as Rasa's SQLTrackerStore writes it (a second database), and the same trackers loaded back."""
    reference_url = f"sqlite:///{tmp_path / 'rasa.db'}"
    ours, rasas = AppendingSQLTrackerStore(host=database_url), SQLTrackerStore(host=reference_url)
    try:
        for store in (ours, rasas):
            wrapped = as_rasa_wraps_it(store)
            asyncio.run(converse(wrapped, "family-a", 12, start=1_000_000.0, new_session_at=8))
            asyncio.run(converse(wrapped, "family-b", 3, start=2_000_000.0))
        assert stored_rows(database_url) == stored_rows(reference_url)
        assert len(stored_rows(database_url, "family-a")) == 2 * 3 + 12 * 5, "every event, once"
        for sender in ("family-a", "family-b"):
            loaded = asyncio.run(ours.retrieve(sender))
            expected = asyncio.run(rasas.retrieve(sender))
            assert list(loaded.events) == list(expected.events)
            assert loaded.current_slot_values() == expected.current_slot_values()
            full = asyncio.run(ours.retrieve_full_tracker(sender))
            assert list(full.events) == list(asyncio.run(rasas.retrieve_full_tracker(sender)).events)
        assert asyncio.run(ours.retrieve("family-a")).get_slot("country") == "country 11"
        assert len(asyncio.run(ours.retrieve("family-a")).events) == 3 + 4 * 5, "the latest session only"
    finally:
        ours.engine.dispose()
        rasas.engine.dispose()


class StatementCounter:
    def __init__(self, engine) -> None:
        self.statements: list[str] = []
        sa.event.listen(
            engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_: self.statements.append(statement.split()[0].upper()),
        )


def test_a_message_is_saved_in_one_insert_without_counting(database_url):
    store = AppendingSQLTrackerStore(host=database_url, domain=DOMAIN)
    wrapped = as_rasa_wraps_it(store)
    try:
        asyncio.run(converse(wrapped, "family", 3, start=time.time()))
        counter = StatementCounter(store.engine)
        tracker = asyncio.run(wrapped.retrieve("family"))
        assert counter.statements == ["SELECT"], "one query loads the session"
        for event in turn(3, time.time()):
            tracker.update(event)
        counter.statements.clear()
        asyncio.run(wrapped.save(tracker))
        assert counter.statements == ["INSERT"], "one statement stores the five new events"
        counter.statements.clear()
        asyncio.run(wrapped.save(tracker))
        assert counter.statements == [], "nothing new, nothing written"
        assert len(stored_rows(database_url)) == 3 + 4 * 5
    finally:
        store.engine.dispose()


def test_a_tracker_the_store_did_not_load_is_counted_like_rasa_does(database_url):
    """A tracker built elsewhere (e.g. by a script) with events already stored: only the new ones are added."""
    from rasa.shared.core.trackers import DialogueStateTracker

    store = AppendingSQLTrackerStore(host=database_url, domain=DOMAIN)
    try:
        events = session_start(1000.0) + turn(0, 1001.0)
        asyncio.run(store.save(DialogueStateTracker.from_events("family", events, DOMAIN.slots)))
        rebuilt = DialogueStateTracker.from_events("family", events + turn(1, 1011.0), DOMAIN.slots)
        asyncio.run(store.save(rebuilt))
        assert [row[2] for row in stored_rows(database_url)] == [e.timestamp for e in events + turn(1, 1011.0)]
    finally:
        store.engine.dispose()


def test_interleaved_conversations_keep_every_event_in_order(database_url):
    """20 conversations taking turns, each message saved after the others': no event lost, none doubled."""
    store = AppendingSQLTrackerStore(host=database_url)
    wrapped = as_rasa_wraps_it(store)

    async def interleave() -> None:
        for i in range(5):
            for family in range(20):
                await converse_one(wrapped, f"family-{family}", i)

    async def converse_one(target, sender: str, i: int) -> None:
        tracker = await target.get_or_create_tracker(sender, append_action_listen=False)
        if not tracker.events:
            for event in session_start(100.0 * i):
                tracker.update(event)
        for event in turn(i, 100.0 * i + 1):
            tracker.update(event)
        await target.save(tracker)

    try:
        asyncio.run(interleave())
        for family in range(20):
            rows = stored_rows(database_url, f"family-{family}")
            assert len(rows) == 3 + 5 * 5
            words = [r[5] for r in rows if r[1] == "user"]
            assert [f"message {i}" in w for i, w in enumerate(words)] == [True] * 5
    finally:
        store.engine.dispose()


def test_indexes_and_sqlite_journal(database_url):
    store = AppendingSQLTrackerStore(host=database_url)
    try:
        inspector = sa.inspect(store.engine)
        indexed = {tuple(index["column_names"]) for index in inspector.get_indexes("events")}
        assert ("sender_id",) in indexed and ("sender_id", "type_name", "timestamp") in indexed
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        AppendingSQLTrackerStore(host=database_url).engine.dispose()  # a second server starting: no error
    finally:
        store.engine.dispose()


def test_retention_deletes_from_the_store_while_the_server_holds_it_open(tmp_path):
    """Retention run by cron while the store (in a running server) has the SQLite file open in WAL mode:
    old conversations are deleted, and their words are left neither in the database nor in its WAL."""
    db = tmp_path / "tracker.db"
    url = f"sqlite:///{db}"
    store = AppendingSQLTrackerStore(host=url)
    wrapped = as_rasa_wraps_it(store)
    now = time.time()
    try:
        asyncio.run(converse(wrapped, "old-family", 3, start=now - 40 * 86400))
        asyncio.run(converse(wrapped, "new-family", 3, start=now - 3600))
        result = subprocess.run(
            [sys.executable, "-m", "safe_harbour.privacy.retention", "--url", url],
            cwd="/",
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert "1 conversations removed entirely" in result.stdout
        assert asyncio.run(wrapped.retrieve("old-family")) is None
        assert len(asyncio.run(wrapped.retrieve("new-family")).events) == 3 + 3 * 5
        asyncio.run(converse(wrapped, "new-family", 1, start=now))  # the server goes on writing
        files = {path.name: path.read_bytes() for path in (db, db.with_name(db.name + "-wal")) if path.exists()}
        assert any(b"words of new-family" in content for content in files.values()), "the search can find words"
        assert [name for name, content in files.items() if b"words of old-family" in content] == []
    finally:
        store.engine.dispose()


def test_endpoints_yml_configures_this_store(tmp_path, monkeypatch):
    from rasa.core.tracker_store import TrackerStore
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("TRACKER_STORE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    config = read_endpoint_config(str(PROJECT_ROOT / "endpoints.yml"), "tracker_store")
    store = TrackerStore.create(config, DOMAIN)  # as rasa.core.agent.load_agent does
    try:
        assert isinstance(store, AppendingSQLTrackerStore)
        assert store.engine.url.database == str(tmp_path / "tracker.db")
    finally:
        store.engine.dispose()
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["url"] == "${TRACKER_STORE_URL}"
