"""The warm handoff end to end over the running servers, on SQLite (the session's `servers`) and on
PostgreSQL (cases and tracker store in a throw-away schema, socket.io rooms shared through Redis):

a family conversation in Arabic ends in a handoff -> the case appears in the console API with the right
triage card -> a staff member claims it (the bot is paused) -> a staff message reaches the family's
socket.io client -> hand-back -> the bot answers again. Every bot reply is checked for unofficial numbers.
"""

import asyncio
import json
import os
import re
import uuid
from datetime import datetime, timezone

import pytest
import requests
import socketio

from conftest import API_TOKEN, start_servers
from handoff_helpers import postgres_schema, unofficial_numbers_in
from safe_harbour.console.accounts import StaffAccounts
from safe_harbour.handoff.cases import CaseStore

pytestmark = pytest.mark.slow  # every test here talks to the servers on loopback

ARABIC = re.compile(r"[\u0600-\u06FF]")
FAST = 1000  # PBKDF2 iterations for test accounts
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def add_account(database_url: str, role: str = "staff") -> tuple:
    name, password = unique("t"), "a long test password " + uuid.uuid4().hex
    accounts = StaffAccounts(database_url)
    accounts.add_account(name, role, password, iterations=FAST)
    accounts.engine.dispose()
    return name, password


class Staff:
    """A staff member's browser: a cookie session against the console API."""

    def __init__(self, url: str, name: str, password: str) -> None:
        self.url = url
        self.http = requests.Session()
        reply = self.http.post(f"{url}/staff/api/login", json={"name": name, "password": password}, timeout=30)
        assert reply.status_code == 200, reply.text
        assert "sh_staff" in reply.cookies and "httponly" in reply.headers["set-cookie"].lower()

    def get(self, path: str) -> requests.Response:
        return self.http.get(f"{self.url}/staff/api/{path}", timeout=30)

    def post(self, path: str, body: dict | None = None) -> requests.Response:
        return self.http.post(f"{self.url}/staff/api/{path}", json=body or {}, timeout=30)

    def logout(self) -> None:
        self.post("logout")


class Family:
    """The family's widget: a python-socketio client in the room of its session id."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session_id = uuid.uuid4().hex
        self.sio = socketio.AsyncClient(reconnection=False)
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.confirmed = asyncio.Event()
        self.replies: list[dict] = []

        @self.sio.on("bot_uttered")
        async def bot_uttered(data):
            self.replies.append(data)
            await self.inbox.put(("bot_uttered", data))

        @self.sio.on("handoff")
        async def handoff(data):
            await self.inbox.put(("handoff", data))

        @self.sio.on("session_confirm")
        async def session_confirm(_):
            self.confirmed.set()

    async def connect(self) -> None:
        await self.sio.connect(
            self.url, socketio_path="/socket.io", transports=["polling"]
        )  # engineio 4.15 websocket client needs aiohttp>=3.10
        await self.sio.emit("session_request", {"session_id": self.session_id})
        await asyncio.wait_for(self.confirmed.wait(), 20)

    async def say(self, text: str, metadata: dict | None = None, expect_reply: bool = True) -> list[dict]:
        """Sends a message and collects what arrives until the server has been quiet for a moment."""
        await self.sio.emit(
            "user_uttered", {"message": text, "session_id": self.session_id, "metadata": metadata or {}}
        )
        return await self.collect(first_timeout=30 if expect_reply else 3)

    async def collect(self, first_timeout: float = 30, quiet: float = 2.0) -> list[tuple]:
        received = []
        timeout = first_timeout
        while True:
            try:
                received.append(await asyncio.wait_for(self.inbox.get(), timeout))
            except asyncio.TimeoutError:
                return received
            timeout = quiet

    async def close(self) -> None:
        await self.sio.disconnect()


def texts(received) -> str:
    return "\n".join(data.get("text", "") for kind, data in received if kind == "bot_uttered")


async def in_thread(function, *args, **kwargs):
    """Runs a blocking call (requests) without stopping the socket.io client's event loop."""
    return await asyncio.to_thread(function, *args, **kwargs)


def our_case(staff: Staff, started: str, **expected) -> dict:
    cases = staff.get("queue").json()["cases"]
    mine = [c for c in cases if c["requested_at"] >= started and all(c.get(k) == v for k, v in expected.items())]
    assert len(mine) == 1, cases
    return mine[0]


def arabic_handoff_round_trip(url: str, database_url: str, staff_url: str | None = None) -> None:
    """The family's widget talks to `url`; the staff member's console to `staff_url` (default: the same)."""
    staff_name, staff_password = add_account(database_url)
    started = datetime.now(timezone.utc).replace(microsecond=0, tzinfo=None).isoformat() + "Z"

    async def scenario():
        staff = await in_thread(Staff, staff_url or url, staff_name, staff_password)
        family = Family(url)
        await family.connect()
        try:
            # The conversation, in Arabic; the widget sends the browser's locale.
            got = await family.say(
                "واحد يهدد بنتي ينشر صورها اذا ما دفعنا فلوس، عمرها ١٤ سنة وكان يكلمها على السناب", {"locale": "ar-EG"}
            )
            assert ARABIC.search(texts(got)), got
            got = await family.say("احنا في مصر", {"locale": "ar-EG"})
            assert "16000" in texts(got), "Egypt's official child helpline is given"
            got = await family.say("ابغى اكلم احد من الموظفين", {"locale": "ar-EG"})
            assert "سينضم" in texts(got) or "ينضم" in texts(got), texts(got)

            # The case is in the queue with its triage card, and without the family's session id.
            case = await in_thread(our_case, staff, started, language="ar", country="EG")
            assert case["status"] == "waiting" and "sender_id" not in case
            assert case["urgency"] == "high" and case["category"] == "sextortion"
            assert case["country_source"] == "stated" and case["age_band"] == "13-15"
            assert case["platforms"] == ["snapchat"] and "utter_sextortion" in case["advice_given"]
            assert case["waiting_seconds"] >= 0
            detail = (await in_thread(staff.get, f"cases/{case['id']}")).json()
            assert "transcript" not in detail, "no conversation before the case is claimed"

            # Claim: the family's widget is told, and the bot stops answering.
            claimed = await in_thread(staff.post, f"cases/{case['id']}/claim")
            assert claimed.status_code == 200, claimed.text
            got = await family.collect(first_timeout=15)
            assert ("handoff", {"status": "joined"}) in got
            got = await family.say("شكرا، انا هنا", {"locale": "ar-EG"}, expect_reply=False)
            assert [kind for kind, _ in got if kind == "bot_uttered"] == [], "the bot is paused"

            # Staff see the family's message, and their answer reaches the family's socket as from "staff".
            detail = (await in_thread(staff.get, f"cases/{case['id']}")).json()
            assert any(line["from"] == "family" and line["text"] == "شكرا، انا هنا" for line in detail["transcript"])
            sent = await in_thread(
                staff.post,
                f"cases/{case['id']}/messages",
                {"text": "مرحبا، أنا من فريق خط المساعدة. كيف حال ابنتك الآن؟"},
            )
            assert sent.status_code == 200 and sent.json()["delivered"] is True
            got = await family.collect(first_timeout=15)
            staff_messages = [data for kind, data in got if kind == "bot_uttered"]
            assert staff_messages and staff_messages[0]["metadata"]["from"] == "staff"
            assert staff_messages[0]["text"].startswith("مرحبا، أنا من فريق")
            # The conversation keeps that a member of staff wrote, not who.
            tracker = (
                await in_thread(
                    requests.get,
                    f"{url}/conversations/{family.session_id}/tracker",
                    params={"token": API_TOKEN},
                    timeout=30,
                )
            ).json()
            from_staff = [
                e for e in tracker["events"] if e["event"] == "bot" and (e.get("metadata") or {}).get("from") == "staff"
            ]
            assert [(e["metadata"].get("role"), "staff" in e["metadata"]) for e in from_staff] == [("staff", False)]
            assert staff_name not in json.dumps(tracker, ensure_ascii=False)

            # Hand back with an outcome: the widget is told, and the bot answers again.
            closed = await in_thread(staff.post, f"cases/{case['id']}/close", {"outcome": "referred_to_hotline"})
            assert closed.status_code == 200 and closed.json()["status"] == "closed"
            got = await family.collect(first_timeout=15)
            assert ("handoff", {"status": "left"}) in got
            got = await family.say("شكرا جزيلا", {"locale": "ar-EG"})
            reply = texts(got)
            assert reply and ARABIC.search(reply), "the bot answers again after the hand-back"

            detail = (await in_thread(staff.get, f"cases/{case['id']}")).json()
            assert detail["outcome"] == "referred_to_hotline"
            assert [line["from"] for line in detail["transcript"]].count("staff") == 1
            # What the family writes after the close, and the assistant's answer, are not the case's.
            shown = [line["text"] for line in detail["transcript"]]
            assert "شكرا جزيلا" not in shown and reply not in shown, shown
        finally:
            await family.close()
            await in_thread(staff.logout)
        for reply in family.replies:
            if (reply.get("metadata") or {}).get("from") != "staff":
                assert unofficial_numbers_in(reply.get("text", "")) == [], reply

    asyncio.run(scenario())


# SQLite (the session's servers) ------------------------------------------------------------------------


def test_no_staff_signed_in_gives_the_hotline_and_records_the_case(servers):
    sender = unique("nostaff-")
    replies = servers.say(sender, "/request_human", metadata={"locale": "en-GB"})
    text = "\n".join(r.get("text", "") for r in replies)
    assert "no one from our team is available" in text
    assert "0800 1111" in text, "the UK's official Childline number"
    assert "language and region setting" in text, "a locale guess is said to be a guess"
    for reply in replies:
        assert unofficial_numbers_in(reply.get("text", "")) == []
    name, password = add_account(servers.database_url, "supervisor")
    boss = Staff(servers.url, name, password)
    try:
        closed = boss.get("cases/closed").json()["cases"]
        ours = [c for c in closed if c["country"] == "GB" and c["outcome"] == "no_staff_hotline_given"]
        assert ours and ours[0]["country_source"] == "locale"
    finally:
        boss.logout()


def test_arabic_handoff_round_trip_on_sqlite(servers):
    arabic_handoff_round_trip(servers.url, servers.database_url)


def test_console_endpoints_refuse_requests_without_a_staff_session(servers):
    case = CaseStore(servers.database_url).create_case(unique("anon-"), {"urgency": "normal", "category": "not_stated"})
    endpoints = [
        ("GET", "me"),
        ("GET", "queue"),
        ("GET", "cases/closed"),
        ("GET", f"cases/{case['id']}"),
        ("POST", f"cases/{case['id']}/claim"),
        ("POST", f"cases/{case['id']}/messages"),
        ("POST", f"cases/{case['id']}/close"),
        ("POST", "logout"),
        ("GET", "cases/doesnotexist"),
    ]
    for cookies in ({}, {"sh_staff": "forged-" + uuid.uuid4().hex}):
        for method, path in endpoints:
            reply = requests.request(
                method,
                f"{servers.url}/staff/api/{path}",
                json={"text": "x", "outcome": "family_left"},
                cookies=cookies,
                timeout=30,
            )
            assert reply.status_code == 401, (method, path, reply.status_code)
    assert (
        requests.post(
            f"{servers.url}/staff/api/login", json={"name": "nobody", "password": "x" * 12}, timeout=30
        ).status_code
        == 401
    )
    page = requests.get(f"{servers.url}/staff/", timeout=30)
    assert page.status_code == 200 and "/widget/safe-harbour.css" in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_staff_cannot_read_each_others_closed_cases_but_a_supervisor_can(servers):
    store = CaseStore(servers.database_url)
    (a_name, a_pw), (b_name, b_pw) = add_account(servers.database_url), add_account(servers.database_url)
    s_name, s_pw = add_account(servers.database_url, "supervisor")
    a, b, boss = Staff(servers.url, a_name, a_pw), Staff(servers.url, b_name, b_pw), Staff(servers.url, s_name, s_pw)
    try:
        case = store.create_case(unique("rights-"), {"urgency": "normal", "category": "ai_generated_image"})
        assert b.get(f"cases/{case['id']}").status_code == 200, "anyone may see a waiting case's card"
        assert a.post(f"cases/{case['id']}/claim").status_code == 200
        assert b.post(f"cases/{case['id']}/claim").status_code == 409
        assert b.get(f"cases/{case['id']}").status_code == 403
        assert b.post(f"cases/{case['id']}/messages", {"text": "hello"}).status_code == 403
        assert b.post(f"cases/{case['id']}/close", {"outcome": "family_left"}).status_code == 403
        # A state-changing request must be JSON (a cross-site form cannot send it).
        assert (
            a.http.post(
                f"{servers.url}/staff/api/cases/{case['id']}/close", data={"outcome": "family_left"}, timeout=30
            ).status_code
            == 415
        )
        assert a.post(f"cases/{case['id']}/close", {"outcome": "not_an_outcome"}).status_code == 400
        assert a.post(f"cases/{case['id']}/close", {"outcome": "family_left"}).status_code == 200

        assert a.get(f"cases/{case['id']}").status_code == 200
        assert b.get(f"cases/{case['id']}").status_code == 403
        assert case["id"] not in [c["id"] for c in b.get("cases/closed").json()["cases"]]
        assert boss.get(f"cases/{case['id']}").status_code == 200
        assert case["id"] in [c["id"] for c in boss.get("cases/closed").json()["cases"]]
        assert "sender_id" not in boss.get(f"cases/{case['id']}").json()
    finally:
        for member in (a, b, boss):
            member.logout()
    assert a.get("queue").status_code == 401, "signed out"


# PostgreSQL ----------------------------------------------------------------------------------------------


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping())
    except Exception:
        return False


@pytest.fixture(scope="module")
def postgres_servers(tmp_path_factory):
    """One more Rasa server (and action server): cases and conversations in PostgreSQL, socket.io via Redis."""
    with postgres_schema() as url:
        overrides = {"DATABASE_URL": url, "TRACKER_STORE_URL": url}
        if _redis_up():
            overrides.update(SOCKETIO_REDIS_URL=REDIS_URL, SOCKETIO_REDIS_CHANNEL=unique("sh-test-"))
        running = start_servers(tmp_path_factory.mktemp("pg_servers"), env_overrides=overrides)
        running.redis_channel = overrides.get("SOCKETIO_REDIS_CHANNEL")
        try:
            yield running
        finally:
            running.stop()


def test_arabic_handoff_round_trip_on_postgresql(postgres_servers):
    import sqlalchemy as sa

    assert postgres_servers.database_url.startswith("postgresql://")
    arabic_handoff_round_trip(postgres_servers.url, postgres_servers.database_url)
    engine = sa.create_engine(postgres_servers.database_url, future=True)
    try:
        with engine.connect() as conn:  # the conversation itself went to PostgreSQL too (Rasa's `events` table)
            assert conn.execute(sa.text("SELECT count(*) FROM events")).scalar_one() > 0
            assert conn.execute(sa.text("SELECT count(*) FROM handoff_cases")).scalar_one() == 1
    finally:
        engine.dispose()


class _RunsCode:
    """A pickle that, when loaded, creates a directory: proof that a loaded message runs code."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return os.mkdir, (self.path,)


def test_a_pickle_published_on_the_redis_channel_runs_nothing(postgres_servers, tmp_path):
    """Whoever can write to Redis must not run code in the servers (CVE-2025-61765, python-socketio < 5.14
    unpickled every message on the channel)."""
    import pickle
    import time

    import redis

    if not postgres_servers.redis_channel:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    # A socket.io handshake makes the server start listening on the channel.
    assert requests.get(f"{postgres_servers.url}/socket.io/?EIO=4&transport=polling", timeout=30).status_code == 200
    marker = tmp_path / "code-ran"
    publisher = redis.Redis.from_url(REDIS_URL)
    deadline = time.time() + 15
    while publisher.publish(postgres_servers.redis_channel, pickle.dumps(_RunsCode(str(marker)))) < 1:
        assert time.time() < deadline, "no server process subscribed to the channel"
        time.sleep(0.5)
    time.sleep(3)
    assert not marker.exists(), "a pickle from Redis was loaded"
    assert postgres_servers.rasa.poll() is None
    assert requests.get(f"{postgres_servers.url}/socket.io/?EIO=4&transport=polling", timeout=30).status_code == 200
