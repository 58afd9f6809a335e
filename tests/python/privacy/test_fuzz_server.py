"""An HTTP fuzz run against the running server (loopback only, bounded): at least 2,000 malformed and hostile
requests. The server must answer every one without a 5xx and without a stack trace, stay up, still answer a
normal message afterwards, and log none of the hostile texts."""

import json
import random
import string
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

pytestmark = pytest.mark.slow  # the fuzz run talks to the servers on loopback

N_REQUESTS = 2400
SEED = 20261125
MARKER = "fuzzmark" + uuid.uuid4().hex[:10]

Request = tuple[str, str, dict]  # method, path, requests keyword arguments

WEBHOOK = "/webhooks/rest/webhook"
API_PATHS = [
    "/version",
    "/status",
    "/domain",
    "/conversations/x/tracker",
    "/conversations/x/messages",
    "/conversations/x/tracker/events",
    "/conversations/x/story",
    "/conversations/x/execute",
    "/conversations/x/trigger_intent",
    "/conversations/x/predict",
    "/model/parse",
    "/model/train",
    "/model/test/stories",
    "/model/test/intents",
    "/model/predict",
    "/model",
]
HOSTILE_TEXTS = [
    "\u202eevil\u202c",
    "a\u200b\u200c\u200d\u2060b",
    "\ufeff\ufeff",
    "😀" * 500,
    "🏴‍☠️👨‍👩‍👧‍👦",
    "\x00\x01\x02",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://x/a}",
    "../../etc/passwd",
    "%s%s%n",
    "/",
    "//",
    "/ ",
    "/greet{",
    '/greet{"a":',
    "/greet@0.9",
    "/restart",
    "/session_start",
    "/action_listen",
    '/switch_language{"language":"<b>"}',
    "\\u0000",
    "\ud83d",
    "ا" * 3000,
    "مرحبا\u202eabc",
    "٠٥٠١٢٣٤٥٦٧",
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ",
    "https://bit.ly/x",
    "www.x.com",
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==",
    " ",
    "",
    "\n\n\n",
    "\t",
    "A" * 100_000,
    "word " * 30_000,
]


def random_text(rng: random.Random, n: int) -> str:
    alphabet = string.printable + "ابتثجحخدذرزسشصضطظعغفقكلمنهوي٠١٢٣٤٥٦٧٨٩😀\u200b\u202e\u2066"
    return "".join(rng.choice(alphabet) for _ in range(n))


def deep(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


def make_requests(rng: random.Random) -> list[Request]:
    cases: list[Request] = []

    def add(method: str, path: str, **kwargs) -> None:
        cases.append((method, path, kwargs))

    def sender() -> str:
        return uuid.uuid4().hex

    while len(cases) < N_REQUESTS:
        kind = rng.randrange(18)
        if kind == 0:  # wrong methods
            add(
                rng.choice(["GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
                WEBHOOK,
                json={"sender": sender(), "message": "hi"},
            )
        elif kind == 1:  # not JSON at all
            add(
                "POST",
                WEBHOOK,
                data=random_text(rng, rng.randrange(0, 200)).encode("utf-8", "ignore"),
                headers={"Content-Type": rng.choice(["application/json", "text/plain", "application/xml", ""])},
            )
        elif kind == 2:  # valid JSON that is not an object
            add(
                "POST",
                WEBHOOK,
                data=rng.choice(
                    ["[]", "[1,2]", "1", "-0.5e999", "true", "null", '"str"', '[{"sender":"a","message":"b"}]']
                ),
            )
        elif kind == 3:  # deep nesting, as the body or inside metadata
            depth = rng.choice([50, 500, 5000, 20000])
            if rng.random() < 0.5:
                add("POST", WEBHOOK, data=deep(depth, rng.choice(["list", "dict"])))
            else:
                metadata = deep(depth, rng.choice(["list", "dict"]))
                add("POST", WEBHOOK, data=f'{{"sender":"{sender()}","message":"hi","metadata":{metadata}}}')
        elif kind == 4:  # huge strings (some beyond the request limit)
            size = rng.choice([3_000, 50_000, 400_000, 1_200_000])
            add("POST", WEBHOOK, json={"sender": sender(), "message": rng.choice(["a", "é", "ا", "😀 "]) * size})
        elif kind == 5:  # invalid UTF-8
            junk = bytes(rng.randrange(128, 256) for _ in range(rng.randrange(1, 40)))
            add(
                "POST",
                WEBHOOK,
                data=b'{"sender":"' + sender().encode() + b'","message":"' + junk + b'"}',
                headers={"Content-Type": "application/json"},
            )
        elif kind == 6:  # wrong types for sender / message / metadata
            value = rng.choice(
                [None, 5, 1.5, True, [], {}, ["a"], {"a": 1}, "", " ", "x" * 300, "a@b.c", "0501234567", "../x", "a b"]
            )
            field = rng.choice(["sender", "message", "metadata"])
            body = {"sender": sender(), "message": "hello", field: value}
            add("POST", WEBHOOK, json=body)
        elif kind == 7:  # missing fields and extra fields
            body = rng.choice(
                [
                    {},
                    {"sender": sender()},
                    {"message": "hi"},
                    {
                        "sender": sender(),
                        "message": "hi",
                        "input_channel": "x",
                        "message_id": 5,
                        "parse_data": {"intent": {"name": "greet"}},
                    },
                ]
            )
            add("POST", WEBHOOK, json=body)
        elif kind in (8, 9):  # hostile but valid messages (reach the assistant)
            text = rng.choice(HOSTILE_TEXTS) + " " + MARKER
            add(
                "POST",
                WEBHOOK,
                json={
                    "sender": sender(),
                    "message": text,
                    "metadata": rng.choice(
                        [{}, {"language": "ar"}, {"language": 5}, {"x": {"y": [1, 2, {"z": MARKER}]}}]
                    ),
                },
            )
        elif kind == 10:  # bidi, zero-width, emoji-only, mixed scripts
            text = "".join(
                rng.choice(["\u202e", "\u2066", "\u200b", "\u200d", "😀", "👨‍👩‍👧", "ب", "a", " "])
                for _ in range(rng.randrange(1, 60))
            )
            add("POST", WEBHOOK, json={"sender": sender(), "message": text + MARKER})
        elif kind == 11:  # image payloads in every field
            add(
                "POST",
                WEBHOOK,
                json={
                    "sender": sender(),
                    "message": rng.choice(["", "hi", MARKER]),
                    "metadata": {"attachment": {"type": "image", "payload": {"url": MARKER}}},
                    "image": "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQ" + MARKER,
                },
            )
        elif kind == 12:  # unknown routes and odd paths
            path = rng.choice(
                [
                    "/nope",
                    "/webhooks/rest/nope",
                    "/webhooks/x/webhook",
                    "/%00",
                    "/..%2f..%2fetc",
                    "/widget/../../.env",
                    "/widget/%2e%2e%2f.env",
                    "/chat/x",
                    "/staff/api/nope",
                    "/" + "a" * 3000,
                    "/socket.io/x",
                    "/webhooks/rest/webhook/extra",
                ]
            )
            add(rng.choice(["GET", "POST", "PUT"]), path)
        elif kind == 13:  # the HTTP API without a token, or with a wrong one
            add(
                rng.choice(["GET", "POST", "PUT", "DELETE"]),
                rng.choice(API_PATHS),
                params=rng.choice([{}, {"token": "wrong"}, {"token": ""}, {"token": "a" * 2000}]),
                json=rng.choice(
                    [
                        {"text": MARKER},
                        {"model_server": {"url": "http://127.0.0.1:1/m.tar.gz"}},
                        {"model_file": "/etc/passwd"},
                        [],
                    ]
                ),
            )
        elif kind == 14:  # socket.io engine junk
            add(
                rng.choice(["GET", "POST"]),
                "/socket.io/",
                params=rng.choice(
                    [
                        {"EIO": "4", "transport": "polling", "sid": "bogus"},
                        {"EIO": "9", "transport": "polling"},
                        {"EIO": "4", "transport": "carrier-pigeon"},
                        {},
                    ]
                ),
                data=random_text(rng, rng.randrange(0, 100)).encode("utf-8", "ignore"),
            )
        elif kind == 15:  # odd headers and content types
            add(
                "POST",
                WEBHOOK,
                data=json.dumps({"sender": sender(), "message": "hi"}),
                headers=rng.choice(
                    [
                        {"Content-Type": "application/json; charset=latin-1"},
                        {"Content-Type": "multipart/form-data; boundary=x"},
                        {"Content-Encoding": "gzip"},
                        {"Transfer-Encoding": "chunked"},
                        {"Origin": "https://evil.example"},
                        {"X-Forwarded-For": "1.2.3.4"},
                    ]
                ),
            )
        elif kind == 16:  # form and multipart uploads (files)
            add(
                "POST",
                WEBHOOK,
                files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(100), "image/png")},
                data={"sender": sender(), "message": "hi"},
            )
        else:  # random JSON objects
            body = {
                random_text(rng, rng.randrange(1, 10)): random_text(rng, rng.randrange(0, 50))
                for _ in range(rng.randrange(0, 5))
            }
            if rng.random() < 0.5:
                body.update({"sender": sender(), "message": random_text(rng, rng.randrange(0, 300)) + MARKER})
            add("POST", WEBHOOK, json=body)
    return cases


_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def _send(base: str, case: Request) -> tuple[int | None, str, str]:
    method, path, kwargs = case
    try:
        reply = _session().request(method, base + path, timeout=60, **kwargs)
        return reply.status_code, reply.text[:2000], path
    except requests.ConnectionError:
        # The server may close the connection on a body over the size limit before reading it all.
        _local.session = requests.Session()
        return None, "", path


def test_fuzz_the_server(servers):
    rng = random.Random(SEED)
    cases = make_requests(rng)
    assert len(cases) >= 2000
    started = time.time()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda c: _send(servers.url, c), cases))
    elapsed = time.time() - started

    server_errors = [(status, path, body[:200]) for status, body, path in results if status and status >= 500]
    assert not server_errors, server_errors[:10]
    traces = [body[:300] for _, body, _ in results if "Traceback" in body or 'File "/' in body]
    assert not traces, traces[:3]
    dropped = [c for c, (status, _, _) in zip(cases, results, strict=True) if status is None]
    # Only a body over the size limit, or a body that is not chunked as its header claims, may see the
    # connection closed without an answer (Sanic 21.12 does so, and logs it).
    assert all(
        (isinstance(c[2].get("json"), dict) and len(str(c[2]["json"].get("message", ""))) > 500_000)
        or c[2].get("headers", {}).get("Transfer-Encoding")
        for c in dropped
    ), dropped[:1]
    assert servers.rasa.poll() is None, "the server is still running"

    # Still healthy: a normal message gets a normal answer.
    reply = requests.post(
        f"{servers.url}/webhooks/rest/webhook",
        json={"sender": uuid.uuid4().hex, "message": "someone made a fake picture of my son"},
        timeout=60,
    )
    assert reply.status_code == 200 and reply.json()
    # None of the hostile texts reached the log.
    log = servers.log_path.read_text("utf-8", "replace")
    assert MARKER not in log
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"\nfuzz: {len(cases)} requests in {elapsed:.1f}s; statuses {dict(sorted(statuses.items(), key=str))}")
    assert elapsed < 240
