"""Helpers shared by the handoff tests: a throw-away PostgreSQL schema, an in-memory agent, the staff console
alone on a loopback port, and the official-number check."""

import asyncio
import contextlib
import os
import re
import socket
import threading
import uuid
from collections.abc import Iterator

import pytest
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour.directory import hotlines

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL whose tables all land in a new, unique schema, dropped (with everything in it) after."""
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL, future=True)
    try:
        with engine.begin() as conn:
            schema = "sh_test_" + uuid.uuid4().hex[:12]
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # pragma: no cover - only without a PostgreSQL server
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def handoff_database_url(request, tmp_path) -> Iterator[str]:
    """The handoff database (cases, staff accounts and sessions) on SQLite, then on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cases.db'}"
        return
    from safe_harbour import database

    with postgres_schema() as url:
        yield url
        database.engine(url).dispose()


class FakeAgent:
    """What the console uses of Rasa's agent: a lock store, a processor and a tracker store, in memory."""

    def __init__(self):
        self.trackers = {}
        agent = self

        class Locks:
            @contextlib.asynccontextmanager
            async def lock(self, sender_id):
                yield

        class Processor:
            async def get_tracker(self, sender_id):
                return agent.trackers.setdefault(sender_id, DialogueStateTracker(sender_id, []))

            async def save_tracker(self, tracker):
                agent.trackers[tracker.sender_id] = tracker

        class TrackerStore:
            async def retrieve(self, sender_id):
                return agent.trackers.get(sender_id)

        self.lock_store, self.processor, self.tracker_store = Locks(), Processor(), TrackerStore()


@contextlib.contextmanager
def console_alone(agent) -> Iterator[str]:
    """The staff console's blueprint, as Rasa mounts it, in a Sanic server on a loopback port of its own
    (its own thread and event loop), with ``agent``; yields the base URL. The stores are whatever
    ``safe_harbour.console.channel.get_case_store`` and ``get_staff_accounts`` return (tests patch them)."""
    from sanic import Sanic

    from safe_harbour.console.channel import StaffConsole

    test_mode, Sanic.test_mode = Sanic.test_mode, True  # several apps in one process, as sanic-testing does
    app = Sanic(f"console_{uuid.uuid4().hex[:8]}")
    app.blueprint(StaffConsole().blueprint(None), url_prefix="/staff")
    app.ctx.agent = agent
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    async def start():
        server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
        await server.startup()
        await server.before_start()  # (not after_start: the background sweep needs Sanic's own run loop)
        return server

    server = asyncio.run_coroutine_threadsafe(start(), loop).result(30)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:

        async def stop():
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        Sanic.test_mode = test_mode


# Official numbers ---------------------------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# A run of digits with spaces, dashes or dots inside, optionally a leading "+", optionally a word in capitals
# spelled on a keypad (1-800-THE-LOST, 1.888.PREVENT).
_PHONE_LIKE = re.compile(r"(?<![\w.+])\+?\d(?:[\d \-.]*\d)?(?:[-.][A-Z]{2,})*(?![\w])")
# Numbers that are ages, durations, counts or hours, not phone numbers: said by the words around them.
_NOT_A_PHONE_AFTER = re.compile(
    r"^\s*(?:/7|%|years?|yrs?|days?|hours?|minutes?|weeks?|months?|or over|or more|عام|عامًا|عاما|سنة|سنوات|"
    r"يوم|يومًا|أيام|ساعة|ساعات|دقيقة|أسبوع|شهر|أو أكثر)"
)
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:under|over|aged?|ages|about|within|dans|سن|دون|عمرك|عمره|عمرها|من|إلى|الى|حوالي|خلال)\s*$", re.I
)


def normalise_number(number: str) -> str:
    return re.sub(r"[\s\-.+\u200e\u200f]", "", number.translate(_DIGITS)).upper()


def phone_like_numbers(text: str) -> list[str]:
    """Every phone-like number in a text (at least two digits), ages and durations left out."""
    text = (text or "").translate(_DIGITS).replace("\u200e", "").replace("\u200f", "")
    found = []
    for match in _PHONE_LIKE.finditer(text):
        number = match.group(0).strip()
        if sum(ch.isdigit() for ch in number) < 2 and not re.search(r"[A-Z]", number):
            continue
        if _NOT_A_PHONE_AFTER.match(text[match.end() :]) or _NOT_A_PHONE_BEFORE.search(text[: match.start()]):
            continue
        if re.fullmatch(r"\d{1,2}-\d{1,2}", number):  # an age range ("ages 5-25")
            continue
        found.append(number)
    return found


def official_numbers() -> set[str]:
    """Every number the directory marks official: service phones, text-message numbers, emergency numbers."""
    numbers = set()
    for entry in hotlines.load().values():
        emergency = entry.get("emergency_number")
        if emergency and emergency.get("status") == hotlines.OFFICIAL:
            numbers.add(normalise_number(str(emergency["number"])))
        for service in entry.get("services") or []:
            if service.get("status") != hotlines.OFFICIAL:
                continue
            if service.get("phone"):
                numbers.add(normalise_number(str(service["phone"])))
            for text in (service.get("text") or {}).values():
                numbers.update(normalise_number(n) for n in phone_like_numbers(text))
    return numbers


def unofficial_numbers_in(text: str) -> list[str]:
    official = official_numbers()
    return [n for n in phone_like_numbers(text) if normalise_number(n) not in official]
