"""The production layout end to end, started as `make up` starts it (safe_harbour.launcher with
SAFE_HARBOUR_LAYOUT=production): nginx in front of two Rasa servers and the action server, conversations and
cases in a PostgreSQL database of the test's own, turn locks and socket.io rooms in Redis.

- REST, socket.io (long-polling, and the websocket upgrade) answer through nginx;
- the staff console works when the family and the staff member are on different servers;
- failover: 20 socket.io conversations in progress across both servers; one server is SIGKILLed; the clients
  reconnect through nginx and every conversation continues on the other server; PostgreSQL holds every user
  turn that was answered exactly once, and every stored turn in the order it was sent.

Run alone with `make test-production` (marker `production`).
"""

import asyncio
import os
import signal
import socket
import uuid
from dataclasses import dataclass, field

import aiohttp
import pytest
import requests
import socketio
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from test_handoff_e2e import arabic_handoff_round_trip

from conftest import API_TOKEN
from safe_harbour.launcher import LaunchError, free_port, isolated_environment, layout_from_settings

pytestmark = pytest.mark.production

POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CONVERSATIONS = 20
# Each conversation's messages, all different so that each stored turn says which message it was.
SCRIPTS = {
    "en": [
        "hello",
        "someone made a fake nude picture of my daughter with an app",
        "she is 14 and the boys at school are sharing it",
        "we live in Jordan",
        "how do we get it taken down",
        "should we tell the school",
        "thank you for the help",
    ],
    "ar": [
        "مرحبا",
        "واحد عمل صورة مزيفة لبنتي بالذكاء الاصطناعي",
        "عمرها ١٤ سنة والصورة تنتشر في المدرسة",
        "احنا في الاردن",
        "كيف نحذف الصورة من النت",
        "هل نخبر المدرسة",
        "شكرا على المساعدة",
    ],
}
TURNS_BEFORE_KILL = 2


def consecutive_free_ports() -> int:
    """A port p such that p and p + 1 are both free (the layout numbers its Rasa servers from one port)."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL database of this test module's own, dropped afterwards."""
    url = make_url(POSTGRES_SERVER).set(database=f"sh_layout_{uuid.uuid4().hex[:10]}")
    admin = sa.create_engine(make_url(POSTGRES_SERVER).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        admin.connect().close()
    except sa.exc.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_SERVER}: {error}")
    yield url.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def layout(tmp_path_factory, database):
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    run_dir = tmp_path_factory.mktemp("production")
    tag = uuid.uuid4().hex[:8]
    env = {
        **isolated_environment(run_dir),
        "SAFE_HARBOUR_LAYOUT": "production",
        "RASA_PORT": str(free_port()),
        "RASA_BACKEND_PORT": str(consecutive_free_ports()),
        "ACTION_PORT": str(free_port()),
        "RASA_SERVERS": "2",
        "TRACKER_STORE_URL": database,
        "DATABASE_URL": database,
        "SOCKETIO_REDIS_URL": REDIS_URL,
        "SOCKETIO_REDIS_CHANNEL": f"sh-layout-{tag}",
        "LOCK_STORE_REDIS_URL": REDIS_URL,
        "LOCK_STORE_KEY_PREFIX": f"shlayout{tag}",
        "SANIC_PROXIES_COUNT": "1",
        "RASA_API_TOKEN": API_TOKEN,
    }
    try:
        running = layout_from_settings(run_dir, env)
    except LaunchError as error:  # nginx missing: scripts/setup.sh --production installs it
        pytest.skip(str(error))
    with running:
        yield running


def test_the_launcher_refuses_a_production_layout_on_sqlite(tmp_path):
    env = {**isolated_environment(tmp_path), "SAFE_HARBOUR_LAYOUT": "production"}
    with pytest.raises(LaunchError, match="TRACKER_STORE_URL must be a PostgreSQL URL"):
        layout_from_settings(tmp_path, env)


def test_rest_and_socketio_answer_through_nginx(layout):
    reply = requests.post(
        f"{layout.url}/webhooks/rest/webhook",
        timeout=60,
        json={"sender": uuid.uuid4().hex, "message": "someone is blackmailing my son with a photo"},
    )
    assert reply.status_code == 200 and reply.json(), reply.text
    conversation = Conversation(layout.url, "ar", turns=2)
    asyncio.run(conversation.run())
    assert len(conversation.answered) == 2, conversation
    # Browsers upgrade socket.io to a websocket: nginx passes the upgrade on.
    handshake = asyncio.run(websocket_handshake(layout.url.replace("http", "ws", 1)))
    assert handshake.startswith("0{") and '"sid"' in handshake, handshake


async def websocket_handshake(ws_url: str) -> str:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{ws_url}/socket.io/?EIO=4&transport=websocket&route=x") as ws:
            return (await ws.receive(timeout=30)).data


def test_staff_console_with_family_and_staff_on_different_servers(layout, database):
    family_server, staff_server = layout.rasa_urls
    arabic_handoff_round_trip(family_server, database, staff_url=staff_server)


@dataclass
class Conversation:
    """A family's widget through nginx: a socket.io client that reconnects, with its own route key."""

    url: str
    language: str
    turns: int
    session_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    sent: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    disconnects: int = 0  # by the server's side (a killed server), not the client's own goodbye

    async def run(self, ready: asyncio.Event | None = None) -> None:
        # aiohttp keeps no cookies for an IP address unless told; the route key is in the URL anyway.
        http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        client = socketio.AsyncClient(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2, http_session=http
        )
        replies: asyncio.Queue = asyncio.Queue()
        confirmed = asyncio.Event()

        @client.on("connect")
        async def on_connect():
            await client.emit("session_request", {"session_id": self.session_id})

        @client.on("session_confirm")
        async def on_confirm(_):
            confirmed.set()

        finished = False

        @client.on("disconnect")
        async def on_disconnect(*_):
            self.disconnects += not finished
            confirmed.clear()
            await replies.put(None)  # wakes a turn waiting for its answer: it will get none

        client.on("bot_uttered", lambda data: replies.put_nowait(data))
        route = uuid.uuid4().hex
        await client.connect(f"{self.url}?route={route}", socketio_path="/socket.io", transports=["polling"])
        try:
            for number, text in enumerate(SCRIPTS[self.language][: self.turns]):
                if number == TURNS_BEFORE_KILL and ready:
                    ready.set()  # the server is killed once every conversation is here; turns go on meanwhile
                await asyncio.wait_for(confirmed.wait(), 120)
                self.sent.append(text)
                try:
                    await client.emit("user_uttered", {"session_id": self.session_id, "message": text})
                except socketio.exceptions.SocketIOError:
                    continue  # disconnected in between: the turn is not answered, the next one waits
                if await self._answer(replies):
                    self.answered.append(text)
        finally:
            finished = True
            await client.disconnect()
            await http.close()

    @staticmethod
    async def _answer(replies: asyncio.Queue) -> bool:
        """True when the turn was answered; then waits until the answer's last bubble has arrived."""
        try:
            first = await asyncio.wait_for(replies.get(), 120)
        except asyncio.TimeoutError:
            return False
        if first is None:
            return False
        while True:
            try:
                if await asyncio.wait_for(replies.get(), 1.5) is None:
                    return True
            except asyncio.TimeoutError:
                return True


def stored_user_turns(database: str, senders: list[str]) -> dict[str, list[str]]:
    import json

    engine = sa.create_engine(database)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT sender_id, data FROM events WHERE type_name = 'user' AND sender_id = ANY(:senders) "
                    "ORDER BY id"
                ),
                {"senders": senders},
            ).all()
    finally:
        engine.dispose()
    turns: dict[str, list[str]] = {sender: [] for sender in senders}
    for sender, data in rows:
        turns[sender].append(json.loads(data)["text"])
    return turns


def test_failover_when_a_server_is_killed_mid_conversation(layout, database):
    conversations = [
        Conversation(layout.url, ("en", "ar")[i % 2], turns=len(SCRIPTS["en"])) for i in range(CONVERSATIONS)
    ]

    async def scenario():
        readies = [asyncio.Event() for _ in conversations]
        running = [asyncio.create_task(c.run(ready)) for c, ready in zip(conversations, readies, strict=True)]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 600)
        # Mid-conversation: every conversation has had two turns, and many have a third one in flight.
        os.kill(layout.rasa[0].pid, signal.SIGKILL)
        await asyncio.gather(*running)

    asyncio.run(scenario())
    moved = [c for c in conversations if c.disconnects]
    assert 0 < len(moved) < CONVERSATIONS, "the conversations were spread over both servers"
    stored = stored_user_turns(database, [c.session_id for c in conversations])
    sent = sum(len(c.sent) for c in conversations)
    answered = sum(len(c.answered) for c in conversations)
    print(
        f"\nfailover: {CONVERSATIONS} conversations, {len(moved)} on the killed server; turns sent {sent}, "
        f"answered {answered}, stored {sum(map(len, stored.values()))}"
    )
    for conversation in conversations:
        turns = stored[conversation.session_id]
        assert conversation.answered[-1] == conversation.sent[-1], "the conversation went on after the kill"
        assert len(conversation.answered) >= len(conversation.sent) - 1, "at most the turn in flight is lost"
        for text in conversation.answered:
            assert turns.count(text) == 1, (text, turns)
        assert turns == [text for text in conversation.sent if text in turns], ("order", conversation.sent, turns)


def test_retention_cleans_the_production_postgresql_database(layout, database):
    """The daily cron command, on the database the layout's servers wrote (runs after the conversations above)."""
    import subprocess
    import sys

    def count() -> int:
        engine = sa.create_engine(database)
        try:
            with engine.connect() as connection:
                return connection.execute(sa.text("SELECT count(*) FROM events")).scalar_one()
        finally:
            engine.dispose()

    command = [sys.executable, "-m", "safe_harbour.privacy.retention"]
    env = {**os.environ, "TRACKER_STORE_URL": database}
    before = count()
    assert before > 0
    kept = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert kept.returncode == 0 and "deleted 0 events" in kept.stdout, kept.stdout + kept.stderr
    assert count() == before, "nothing is older than RETENTION_DAYS yet"
    # Everything is older than a millisecond: all of it goes, and the summary names no conversation.
    gone = subprocess.run([*command, "--days", "0.00000001"], env=env, capture_output=True, text=True, timeout=120)
    assert gone.returncode == 0 and f"deleted {before} events" in gone.stdout, gone.stdout + gone.stderr
    assert count() == 0
