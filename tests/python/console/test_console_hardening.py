"""The staff console against a hostile network (issue 10, items 10-14).

Two kinds of server on loopback: the console alone in this process (`console_alone`: a real SQLite store and
an in-memory agent), for interleavings a test must control (a stale close racing a claim, parallel sign-ins);
and a whole Rasa server (`hardened`) with the settings of a production deployment behind a TLS proxy, for
the fuzz run over the console API, CORS, the cookie and the files on disk.
"""

import json
import random
import string
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from rasa.shared.core.events import ConversationPaused
from rasa.shared.core.trackers import DialogueStateTracker

from conftest import start_servers
from handoff_helpers import FakeAgent, console_alone
from safe_harbour.console import channel
from safe_harbour.console.accounts import StaffAccounts
from safe_harbour.handoff.cases import ACTIVE, WAITING, CaseStore

FAST = 1000  # PBKDF2 iterations for test accounts
PASSWORD = "a long test password"
SCHOOL = "https://school.example"
IPV6_SITE = "http://[::1]:8080"  # an origin Sanic-CORS would read as a regular expression


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def an_address() -> str:
    """A client address of its own (the hardened server trusts X-Forwarded-For from its proxy), so one
    test's failed sign-ins never block another's."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def sign_in(url: str, name: str, address: str = "") -> requests.Session:
    http = requests.Session()
    if address:
        http.headers["X-Forwarded-For"] = address
    reply = http.post(f"{url}/staff/api/login", json={"name": name, "password": PASSWORD}, timeout=30)
    assert reply.status_code == 200, reply.text
    token = reply.cookies["sh_staff"]
    http.cookies.clear()
    http.cookies.set("sh_staff", token)  # sent over plain HTTP even when the server marks it Secure
    return http


# The console alone, in this process -------------------------------------------------------------------


@pytest.fixture
def console(tmp_path, monkeypatch):
    database_url = f"sqlite:///{tmp_path / 'cases.db'}"
    store, accounts = CaseStore(database_url), StaffAccounts(database_url)
    for name in ("omar", "lina"):
        accounts.add_account(name, "staff", PASSWORD, iterations=FAST)
    monkeypatch.setattr(channel, "get_case_store", lambda: store)
    monkeypatch.setattr(channel, "get_staff_accounts", lambda: accounts)
    notices = []

    async def notice(session_id, status):
        notices.append((session_id, status))
        return True

    monkeypatch.setattr(channel.relay, "send_notice", notice)
    agent = FakeAgent()
    with console_alone(agent) as url:
        yield url, store, agent, notices


def test_a_stale_close_cannot_end_another_staff_members_case(console, monkeypatch):
    """Omar closes a case he saw waiting; between his read and his update Lina claims it. His close must not
    land: Lina's conversation goes on, and when she closes it the family is handed back."""
    url, store, agent, notices = console
    case = store.create_case("family-race", {"urgency": "high", "category": "sextortion"})
    omar, lina = sign_in(url, "omar"), sign_in(url, "lina")
    read_case = store.get_case

    def read_then_lina_claims(case_id):
        seen = read_case(case_id)
        if seen and seen["status"] == WAITING:  # Lina's claim lands right after Omar's request read the case
            store.claim(case_id, "lina")
            agent.trackers["family-race"] = DialogueStateTracker.from_events("family-race", [ConversationPaused()])
        return seen

    monkeypatch.setattr(store, "get_case", read_then_lina_claims)
    stale = omar.post(f"{url}/staff/api/cases/{case['id']}/close", json={"outcome": "family_left"}, timeout=30)
    monkeypatch.setattr(store, "get_case", read_case)
    assert stale.status_code == 409, stale.text
    now = store.get_case(case["id"])
    assert now["status"] == ACTIVE and now["claimed_by"] == "lina" and now["outcome"] is None
    assert agent.trackers["family-race"].is_paused(), "Lina is still talking with the family"

    closed = lina.post(f"{url}/staff/api/cases/{case['id']}/close", json={"outcome": "advice_given"}, timeout=30)
    assert closed.status_code == 200, closed.text
    assert not agent.trackers["family-race"].is_paused(), "handed back to the assistant"
    assert notices == [("family-race", "left")]


def test_parallel_wrong_sign_ins_are_all_counted(console):
    """Twenty wrong passwords sent at once: only the allowed number is even checked, the rest wait."""
    url = console[0]

    def wrong_sign_in(_):
        return requests.post(
            f"{url}/staff/api/login", json={"name": "nobody-here", "password": "guess " * 3}, timeout=60
        ).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(wrong_sign_in, range(20)))
    assert statuses.count(401) == channel.LOGIN_FAILURES_ALLOWED, statuses
    assert statuses.count(429) == 20 - channel.LOGIN_FAILURES_ALLOWED, statuses


# A whole Rasa server, configured as behind a TLS proxy ------------------------------------------------


@pytest.fixture(scope="module")
def hardened(tmp_path_factory):
    """The Rasa server started as scripts/run.sh starts it (through the launcher, which passes the origins
    of CORS_ORIGINS as `--cors`), as behind a TLS proxy; no action server."""
    running = start_servers(
        tmp_path_factory.mktemp("hardened"),
        with_actions=False,
        env_overrides={
            "SANIC_PROXIES_COUNT": "1",
            "STAFF_COOKIE_SECURE": "true",
            "CORS_ORIGINS": f"{SCHOOL} {IPV6_SITE}",
        },
    )
    accounts = StaffAccounts(running.database_url)
    running.staff_name = unique("fuzz")
    accounts.add_account(running.staff_name, "staff", PASSWORD, iterations=FAST)
    accounts.engine.dispose()
    yield running
    running.stop()


@pytest.mark.slow
def test_the_session_cookie_is_secure_behind_a_tls_proxy(hardened):
    """The proxy speaks plain HTTP to the server; STAFF_COOKIE_SECURE=true still marks the cookie Secure."""
    reply = requests.post(
        f"{hardened.url}/staff/api/login",
        json={"name": hardened.staff_name, "password": PASSWORD},
        headers={"X-Forwarded-For": an_address()},
        timeout=30,
    )
    assert reply.status_code == 200
    cookie = reply.headers["set-cookie"].lower()
    assert "secure" in [part.strip() for part in cookie.split(";")], cookie
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/staff" in cookie


@pytest.mark.slow
def test_an_unattended_console_is_signed_out(hardened):
    """The console page polls every few seconds, so it reports how long nobody has touched it."""
    staff = sign_in(hardened.url, hardened.staff_name, an_address())
    queue = f"{hardened.url}/staff/api/queue"
    assert staff.get(queue, headers={"X-Staff-Idle-Seconds": "600"}, timeout=30).status_code == 200
    for odd in ("-5", "²", "1e9", "x"):  # not a count of seconds: ignored
        assert staff.get(queue, headers={"X-Staff-Idle-Seconds": odd}, timeout=30).status_code == 200, odd
    reply = staff.get(queue, headers={"X-Staff-Idle-Seconds": str(31 * 60)}, timeout=30)
    assert reply.status_code == 401 and "without activity" in reply.json()["error"]
    assert staff.get(queue, timeout=30).status_code == 401, "the session has ended"


@pytest.mark.slow
def test_database_files_are_readable_by_the_owner_only(hardened):
    hardened.say(unique("perm-"), "hello")  # the tracker store has written a conversation
    for database in (hardened.tracker_db, hardened.tracker_db.with_name("cases.db")):
        assert database.exists(), database
        assert database.stat().st_mode & 0o777 == 0o600, (database, oct(database.stat().st_mode))


def cors_headers(reply: requests.Response) -> dict:
    return {k.lower(): v for k, v in reply.headers.items() if k.lower().startswith("access-control-allow")}


@pytest.mark.slow
def test_the_staff_console_is_never_open_to_other_sites(hardened):
    for origin in (SCHOOL, "https://evil.example"):
        preflight = requests.options(
            f"{hardened.url}/staff/api/login",
            timeout=30,
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert cors_headers(preflight) == {}, (origin, preflight.headers)
        for method, path in (("POST", "login"), ("GET", "queue"), ("GET", "me")):
            reply = requests.request(
                method,
                f"{hardened.url}/staff/api/{path}",
                json={},
                timeout=30,
                headers={"Origin": origin, "X-Forwarded-For": an_address()},
            )
            assert cors_headers(reply) == {}, (origin, path, reply.headers)
        page = requests.get(f"{hardened.url}/staff/", headers={"Origin": origin}, timeout=30)
        assert cors_headers(page) == {}


@pytest.mark.slow
def test_cors_origins_are_matched_exactly_and_never_with_credentials(hardened):
    webhook = f"{hardened.url}/webhooks/rest/webhook"

    def preflight(origin: str) -> dict:
        return cors_headers(
            requests.options(webhook, timeout=30, headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
        )

    for allowed in (SCHOOL, IPV6_SITE):
        headers = preflight(allowed)
        assert headers.get("access-control-allow-origin") == allowed, headers
        assert "access-control-allow-credentials" not in headers, headers
    for near_miss in (
        "https://school.example.evil.example",
        "http://school.example",
        "https://school.example:8443",
        "http://1:8080",
        "http://::8080",
        "null",
    ):
        assert preflight(near_miss) == {}, near_miss
    reply = requests.post(
        webhook, json={"sender": unique("cors-"), "message": "hi"}, headers={"Origin": SCHOOL}, timeout=60
    )
    assert cors_headers(reply).get("access-control-allow-origin") == SCHOOL
    assert "access-control-allow-credentials" not in cors_headers(reply)
    assert (
        cors_headers(requests.get(f"{hardened.url}/version", timeout=30, headers={"Origin": SCHOOL})).get(
            "access-control-allow-credentials"
        )
        is None
    )


@pytest.mark.slow
def test_the_widget_on_an_allowed_site_gets_one_cors_answer_from_socketio(hardened):
    handshake = f"{hardened.url}/socket.io/?EIO=4&transport=polling"
    reply = requests.get(handshake, headers={"Origin": SCHOOL}, timeout=30)
    assert reply.status_code == 200 and reply.headers["Access-Control-Allow-Origin"] == SCHOOL
    for refused in ("https://evil.example", "ftp://" + hardened.url.split("://")[1]):
        assert requests.get(handshake, headers={"Origin": refused}, timeout=30).status_code == 400, refused


# Fuzz over the console API ----------------------------------------------------------------------------

N_REQUESTS = 1200
SEED = 20261207
ODD_TEXTS = [
    "\ud800",
    "a\udfffb",
    "\udc80\ud800",
    "\x00",
    "\u202e",
    "😀" * 300,
    "ا" * 3000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%s%n",
    "",
    " ",
    "\n" * 50,
    "A" * 5000,
]
ODD_VALUES = [None, True, 0, -1, 1e308, [], {}, ["a"], {"a": 1}, "x" * 70, 12345678901234567890]

Request = tuple[str, str, dict]


def random_text(rng: random.Random, n: int) -> str:
    alphabet = string.printable + "ابتثجح٠١😀\u200b\u202e\ud800\udfff"
    return "".join(rng.choice(alphabet) for _ in range(n))


def fuzz_requests(rng: random.Random, staff_name: str, case_ids: list[str]) -> list[tuple[bool, Request]]:
    """(signed in?, request) pairs over every console route, with hostile names, ids, bodies and types."""
    routes = [
        "login",
        "logout",
        "me",
        "queue",
        "cases/closed",
        "cases/{id}",
        "cases/{id}/claim",
        "cases/{id}/messages",
        "cases/{id}/close",
    ]
    odd_ids = ["\ud800", "%ED%A0%80", "..%2F..%2Fetc", "x" * 5000, "0" * 32, "' OR 1=1 --", "😀", "%00", "-1"]
    cases: list[tuple[bool, Request]] = []
    while len(cases) < N_REQUESTS:
        route = rng.choice(routes)
        case_id = rng.choice(case_ids + odd_ids)
        path = "/staff/api/" + route.replace("{id}", case_id)
        method = "GET" if route in ("me", "queue", "cases/closed", "cases/{id}") else "POST"
        if rng.random() < 0.1:
            method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
        kind = rng.randrange(8)
        if kind == 0:  # odd values where strings belong
            body = {
                "name": rng.choice(ODD_VALUES + ODD_TEXTS),
                "password": rng.choice(ODD_VALUES + ODD_TEXTS),
                "text": rng.choice(ODD_VALUES + ODD_TEXTS),
                "outcome": rng.choice(ODD_VALUES + ODD_TEXTS),
            }
            kwargs = {"json": body}
        elif kind == 1:  # lone surrogates and controls in every field (JSON escapes, as a browser sends them)
            weird = rng.choice(ODD_TEXTS[:5])
            body = {
                "name": rng.choice([weird + staff_name, staff_name + weird, weird]),
                "password": weird * 12,
                "text": weird + random_text(rng, 20),
                "outcome": weird,
            }
            kwargs = {"data": json.dumps(body), "headers": {"Content-Type": "application/json"}}
        elif kind == 2:  # bodies that are not JSON objects, or not JSON at all
            kwargs = {
                "data": rng.choice(
                    [
                        "[]",
                        "1",
                        "null",
                        '"s"',
                        "{",
                        '{"name":',
                        "\xff\xfe",
                        "[" * 5000,
                        '{"a":' * 3000 + "1" + "}" * 3000,
                    ]
                ).encode("utf-8", "surrogatepass"),
                "headers": {"Content-Type": rng.choice(["application/json", "text/plain", ""])},
            }
        elif kind == 3:  # huge bodies, some over the request limit
            size = rng.choice([3_000, 100_000, 1_100_000])
            kwargs = {"json": {"name": staff_name, "password": "p" * size, "text": "t" * size, "outcome": "o" * size}}
        elif kind == 4:  # invalid UTF-8 inside a JSON body
            junk = bytes(rng.randrange(128, 256) for _ in range(rng.randrange(1, 30)))
            kwargs = {
                "data": b'{"name":"' + junk + b'","password":"' + junk + b'","text":"' + junk + b'"}',
                "headers": {"Content-Type": "application/json"},
            }
        elif kind == 5:  # the right shape with random content
            kwargs = {
                "json": {
                    "name": rng.choice([staff_name, random_text(rng, rng.randrange(1, 40))]),
                    "password": random_text(rng, rng.randrange(0, 300)),
                    "text": random_text(rng, rng.randrange(0, 2100)),
                    "outcome": rng.choice(["advice_given", "family_left", random_text(rng, 10)]),
                }
            }
        elif kind == 6:  # a forged or odd cookie
            forged = "".join(rng.choice(string.ascii_letters + string.punctuation.replace(";", "")) for _ in range(50))
            kwargs = {
                "json": {},
                "headers": {
                    "Cookie": rng.choice(
                        [
                            "sh_staff=" + forged,
                            "sh_staff=" + "a" * 5000,
                            "sh_staff=",
                            'sh_staff="\\x00"',
                            "sh_staff=%ED%A0%80",
                            "sh_staff=\xe9\xff",
                        ]
                    )
                },
            }
        else:  # random JSON objects
            kwargs = {
                "json": {
                    random_text(rng, rng.randrange(1, 8)): random_text(rng, rng.randrange(0, 40))
                    for _ in range(rng.randrange(0, 5))
                }
            }
        cases.append((route != "logout" and rng.random() < 0.7, (method, path, kwargs)))  # the session lives on
    return cases


@pytest.mark.slow
def test_fuzz_the_console_api(hardened):
    """No 5xx, no stack trace to the client or in the log, whatever arrives at the console's routes."""
    store = CaseStore(hardened.database_url)
    waiting = [
        store.create_case(unique("fuzz-"), {"urgency": "normal", "category": "not_stated"})["id"] for _ in range(3)
    ]
    active = store.create_case(unique("fuzz-"), {"urgency": "normal", "category": "not_stated"})["id"]
    store.claim(active, hardened.staff_name)
    store.engine.dispose()
    signed_in = sign_in(hardened.url, hardened.staff_name, an_address()).cookies["sh_staff"]
    log_before = hardened.log_path.stat().st_size

    def send(case: tuple[bool, Request]) -> tuple[int, str, str]:
        with_session, (method, path, kwargs) = case
        kwargs = dict(kwargs)
        headers = {"X-Forwarded-For": an_address(), **kwargs.pop("headers", {})}
        cookies = {"sh_staff": signed_in} if with_session and "Cookie" not in headers else {}
        try:
            reply = requests.request(
                method, hardened.url + path, headers=headers, cookies=cookies, timeout=60, **kwargs
            )
            return reply.status_code, reply.text[:500], f"{method} {path[:80]}"
        except requests.ConnectionError:  # a body over the size limit may be cut off unread
            return 0, "", f"{method} {path[:80]}"

    cases = fuzz_requests(random.Random(SEED), hardened.staff_name, waiting + [active])
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(send, cases))

    server_errors = [(status, where, body[:150]) for status, body, where in results if status >= 500]
    assert not server_errors, server_errors[:10]
    assert not [body for _, body, _ in results if "Traceback" in body or 'File "' in body]
    dropped = [case for case, (status, _, _) in zip(cases, results, strict=True) if status == 0]
    assert all(len(json.dumps(case[1][2].get("json", ""))) > 1_000_000 for case in dropped), dropped[:1]
    with open(hardened.log_path, "rb") as log:
        log.seek(log_before)
        written = log.read().decode("utf-8", "replace")
    assert "Traceback" not in written and "Exception occurred" not in written, written[-3000:]
    assert hardened.rasa.poll() is None
    assert (
        requests.get(f"{hardened.url}/staff/api/queue", cookies={"sh_staff": signed_in}, timeout=30).status_code == 200
    ), "still answering"
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"\nconsole fuzz: {len(cases)} requests; statuses {dict(sorted(statuses.items()))}")


@pytest.mark.slow
def test_a_lone_surrogate_in_the_name_is_a_bad_request(hardened):
    log_before = hardened.log_path.stat().st_size
    for name in ("\ud800", "omar\udfff", hardened.staff_name + "\ud800"):
        reply = requests.post(
            f"{hardened.url}/staff/api/login",
            data=json.dumps({"name": name, "password": PASSWORD}),
            headers={"Content-Type": "application/json", "X-Forwarded-For": an_address()},
            timeout=30,
        )
        assert reply.status_code == 400, (name, reply.status_code, reply.text)
    with open(hardened.log_path, "rb") as log:
        log.seek(log_before)
        assert b"Traceback" not in log.read()
