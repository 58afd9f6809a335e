"""The shared lock store on a real Redis (a throwaway redis-server): several stores stand for several Rasa
servers. Tickets are never handed out twice, a conversation's turns never overlap, and the store keeps
serving from an in-process lock while Redis is down and goes back to Redis when it returns."""

import asyncio
import threading
import time

import pytest
from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from production_helpers import ThrowawayRedis
from safe_harbour.stores.lock_store import AtomicRedisLockStore

SERVERS = 8
TICKETS_EACH = 50


@pytest.fixture
def redis_server(tmp_path):
    server = ThrowawayRedis(tmp_path).start()
    yield server
    server.stop()


def project_store(redis_server: ThrowawayRedis) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(EndpointConfig(url=redis_server.url))


def issue_at_once(stores) -> list:
    """Every store issues TICKETS_EACH tickets for one conversation, all stores at the same time."""
    tickets, start = [], threading.Barrier(len(stores))

    def issue(store):
        start.wait()
        for _ in range(TICKETS_EACH):
            tickets.append(store.issue_ticket("one-conversation", 600))

    threads = [threading.Thread(target=issue, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tickets


def test_rasa_redis_lock_store_hands_out_one_ticket_twice(redis_server):
    """Why the project has its own store (and proof that the next test can fail): Rasa's read-modify-write."""
    tickets = issue_at_once([RedisLockStore(port=redis_server.port, db=0) for _ in range(SERVERS)])
    assert len(set(tickets)) < len(tickets)


def test_every_ticket_is_issued_once(redis_server):
    tickets = issue_at_once([project_store(redis_server) for _ in range(SERVERS)])
    assert sorted(tickets) == list(range(SERVERS * TICKETS_EACH))


def test_turns_of_one_conversation_never_overlap_and_keep_their_order(redis_server):
    """Each thread is a server with its own event loop; each holds the lock for a moment per turn."""
    held, order, overlaps, start = [], [], [], threading.Barrier(SERVERS)

    def serve(number: int) -> None:
        store = project_store(redis_server)

        async def turns():
            for turn in range(5):
                async with store.lock("one-conversation"):
                    if held:
                        overlaps.append((number, turn))
                    held.append(number)
                    order.append((number, turn))
                    await asyncio.sleep(0.005)
                    held.remove(number)

        start.wait()
        asyncio.run(turns())

    threads = [threading.Thread(target=serve, args=(number,)) for number in range(SERVERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not overlaps
    assert len(order) == SERVERS * 5
    for number in range(SERVERS):
        assert [turn for server, turn in order if server == number] == list(range(5))
    assert redis_server_keys(redis_server) == []


def redis_server_keys(redis_server: ThrowawayRedis) -> list:
    import redis

    return redis.Redis(port=redis_server.port).keys("*")


def test_keeps_serving_while_redis_is_down_and_returns_to_it(redis_server):
    store = project_store(redis_server)
    redis_server.stop()

    async def one_turn() -> bool:
        async with store.lock("one-conversation"):
            return store.redis_reachable

    started = time.time()
    assert asyncio.run(one_turn()) is False  # served from the in-process lock
    assert time.time() - started < 5
    redis_server.start()

    async def turn_seen_in_redis() -> list:
        async with store.lock("one-conversation"):
            return redis_server_keys(redis_server)

    assert asyncio.run(turn_seen_in_redis()) == [b"lock:one-conversation"]
    assert store.redis_reachable and redis_server_keys(redis_server) == []
