"""A second server, started the way the scripts start it (safe_harbour.launcher), with its
own settings: low rate limits, RETENTION_DAYS=45, an API token and one allowed web origin.

Checks that the launcher passes the token and the origins on, that the privacy answer quotes the configured
retention, and that the per-conversation and per-address rate limits answer calmly (REST: HTTP 429 with a
JSON message; socket.io: a bot message). The tests run in file order and share the address's budget.
"""

import asyncio
import uuid

import pytest
import requests

from conftest import start_servers
from safe_harbour.privacy.guard import RATE_LIMITED_MESSAGE
from socket_client import socket_conversation

pytestmark = pytest.mark.slow  # every test here talks to a Rasa server of its own on loopback

TOKEN = "limits-token-" + uuid.uuid4().hex[:8]
ALLOWED = "https://allowed.example"
PER_SENDER, PER_IP = 3, 12


class Limited:
    def __init__(self, url: str, log_path):
        self.url, self.log_path = url, log_path

    def post(self, sender: str, message: str) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=60
        )


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    running = start_servers(
        tmp_path_factory.mktemp("limited"),
        with_actions=False,
        env_overrides={
            "SAFE_HARBOUR_ENV": "production",
            "RASA_API_TOKEN": TOKEN,
            "CORS_ORIGINS": ALLOWED,
            "RATE_LIMIT_SENDER_PER_MINUTE": str(PER_SENDER),
            "RATE_LIMIT_IP_PER_MINUTE": str(PER_IP),
            "RETENTION_DAYS": "45",
        },
    )
    try:
        yield Limited(running.url, running.log_path)
    finally:
        running.stop()


def test_the_launcher_passed_the_api_token_and_the_origins(limited):
    assert requests.get(f"{limited.url}/version", timeout=30).status_code == 401
    assert requests.get(f"{limited.url}/version", params={"token": TOKEN}, timeout=30).status_code == 200
    preflight = {"Access-Control-Request-Method": "POST"}
    allowed = requests.options(
        f"{limited.url}/webhooks/rest/webhook", timeout=30, headers={"Origin": ALLOWED, **preflight}
    )
    assert allowed.headers.get("Access-Control-Allow-Origin") == ALLOWED
    other = requests.options(
        f"{limited.url}/webhooks/rest/webhook", timeout=30, headers={"Origin": "https://other.example", **preflight}
    )
    assert other.headers.get("Access-Control-Allow-Origin") in (None, "")
    handshake = f"{limited.url}/socket.io/?EIO=4&transport=polling"
    assert requests.get(handshake, headers={"Origin": ALLOWED}, timeout=30).status_code == 200
    assert requests.get(handshake, headers={"Origin": "https://other.example"}, timeout=30).status_code == 400


def test_the_privacy_answer_states_the_configured_retention(limited):
    reply = limited.post(uuid.uuid4().hex, "is this chat private, what do you store about me")
    text = reply.json()[0]["text"]
    assert "45" in text and "30" not in text and "{retention_days}" not in text


def test_a_conversation_that_sends_too_fast_gets_a_calm_429(limited):
    sender = uuid.uuid4().hex
    for _ in range(PER_SENDER):
        assert limited.post(sender, "hello").status_code == 200
    reply = limited.post(sender, "hello")
    assert reply.status_code == 429
    body = reply.json()
    assert body["text"] == RATE_LIMITED_MESSAGE and body["retry_after"] >= 1
    assert int(reply.headers["Retry-After"]) >= 1


def test_socketio_answers_a_flood_with_a_calm_message(limited):
    messages = [{"message": "hello"}] * (PER_SENDER + 1)
    replies, _ = asyncio.run(socket_conversation(limited.url, messages, wait=30, settle=0.5))
    texts = [batch[0]["text"] for batch in replies]
    assert all(t != RATE_LIMITED_MESSAGE for t in texts[:PER_SENDER])
    assert texts[PER_SENDER] == RATE_LIMITED_MESSAGE


def test_one_address_sending_too_fast_gets_a_calm_429(limited):
    """Every conversation is new, so only the per-address bucket can say no."""
    statuses = []
    for _ in range(3 * PER_IP):
        reply = limited.post(uuid.uuid4().hex, "hello")
        statuses.append(reply.status_code)
        if reply.status_code == 429:
            assert reply.json()["text"] == RATE_LIMITED_MESSAGE
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) <= {200}
    assert "Traceback" not in limited.log_path.read_text("utf-8", "replace")
