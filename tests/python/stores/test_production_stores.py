"""Two Rasa servers sharing one PostgreSQL tracker store and one Redis lock store, as in production: turns of
one conversation sent at once to both servers, and the parts failing one at a time (Redis, PostgreSQL, the
action server). Redis and PostgreSQL are this module's own throwaway ones, stopped and restarted here.

The tests run in file order on one layout; the last one stops the action server."""

import asyncio
import threading
import time
import uuid

import pytest
import requests

from production_helpers import (
    ThrowawayPostgres,
    ThrowawayRedis,
    fresh_database,
    send_pairs,
    start_layout,
    stored_user_texts,
)
from socket_client import socket_conversation

pytestmark = pytest.mark.production

CRISIS = ("my son says he wants to kill himself because of the photos", "emergency")
HOTLINE = ("is there a national hotline where I can report the website", "cybertipline")
IMAGE = ("can I send you the picture so you can see it", "don't send the image")


@pytest.fixture(scope="module")
def postgres():
    reason = ThrowawayPostgres.unavailable_reason()
    if reason:
        pytest.skip(f"no throwaway PostgreSQL cluster: {reason}")
    cluster = ThrowawayPostgres().create()
    cluster.start()
    yield cluster
    cluster.remove()


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = ThrowawayRedis(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def layout(tmp_path_factory, postgres, redis_server):
    running = start_layout(
        tmp_path_factory.mktemp("layout"),
        fresh_database("sh_stores", postgres.server_url),
        redis_server.url,
        env_overrides={"SOCKETIO_REDIS_URL": redis_server.url},
    )
    yield running
    running.stop()


def answer_text(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    return " ".join(message.get("text", "") for message in response.json()).lower()


def test_messages_sent_at_once_to_two_servers_are_all_stored_in_order(layout):
    report = send_pairs(layout, pairs=10, sender_prefix=f"pair-{uuid.uuid4().hex[:6]}-")
    print(report.line())
    assert (report.acknowledged, report.stored) == (20, 20)
    assert (report.lost, report.interleaved, report.reordered) == (0, 0, 0)


def test_with_redis_stopped_both_servers_keep_answering_and_go_back_to_redis(layout, redis_server):
    redis_server.stop()
    try:
        for server in (0, 1):
            sender = f"no-redis-{server}-{uuid.uuid4().hex[:6]}"
            assert CRISIS[1] in answer_text(layout.say(server, sender, CRISIS[0]))
            assert IMAGE[1] in answer_text(layout.say(server, sender, IMAGE[0]))
            assert stored_user_texts(layout.tracker_store_url, sender) == [CRISIS[0], IMAGE[0]]
            # The widget's socket.io: the answer goes to the family's own socket on this server even though
            # python-socketio cannot publish it through Redis to the other servers.
            replies, _ = asyncio.run(socket_conversation(layout.urls[server], [{"message": CRISIS[0]}]))
            assert CRISIS[1] in " ".join(reply.get("text", "") for reply in replies[0]).lower()
    finally:
        redis_server.start()
    report = send_pairs(layout, pairs=4, sender_prefix=f"redis-back-{uuid.uuid4().hex[:6]}-")
    assert (report.acknowledged, report.lost, report.interleaved) == (8, 0, 0)
    assert layout.logs(tail=None).count("Redis answers again") == 2  # each server went back to Redis


def test_a_postgres_restart_loses_no_acknowledged_turn(layout, postgres):
    """Four conversations keep talking to both servers while PostgreSQL restarts: every turn is answered,
    and every answered turn is stored exactly once and in order."""
    answered: dict[str, list[str]] = {}
    answer_times: list[tuple[float, float]] = []  # (sent, answered) of every answered turn
    failed = []
    stop = threading.Event()

    def talk(number: int) -> None:
        sender = f"pg-restart-{number}-{uuid.uuid4().hex[:6]}"
        answered[sender] = []
        turn = 0
        while not stop.is_set():
            text = f"how do I report the fake picture, message {turn}"
            turn += 1
            sent = time.monotonic()
            try:
                response = layout.say(number % 2, sender, text, timeout=60)
            except requests.RequestException as error:
                failed.append(type(error).__name__)
                continue
            if response.status_code == 200 and response.json():
                answered[sender].append(text)
                answer_times.append((sent, time.monotonic()))
            else:
                failed.append(response.status_code)

    threads = [threading.Thread(target=talk, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(5)
    outage_began = time.monotonic()
    postgres.stop("fast")
    time.sleep(3)
    postgres.start()
    outage_ended = time.monotonic()
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join(timeout=90)
    through_outage = sum(sent < outage_ended and done > outage_began for sent, done in answer_times)
    stored = {sender: stored_user_texts(layout.tracker_store_url, sender) for sender in answered}
    lost = sum(len(set(texts) - set(stored[sender])) for sender, texts in answered.items())
    print(
        f"answered {len(answer_times)} turns ({through_outage} of them in flight while PostgreSQL was down), "
        f"failed {len(failed)}: {failed}, answered but not stored {lost}"
    )
    assert through_outage, "no turn fell into the restart: the test did not test anything"
    assert failed == []
    assert stored == answered


@pytest.mark.parametrize("server", [0, 1])
def test_with_the_action_server_stopped_critical_answers_still_come(layout, server):
    layout.stop_actions()
    for message, expected in (CRISIS, HOTLINE, IMAGE):
        assert expected in answer_text(layout.say(server, uuid.uuid4().hex, message)), message
