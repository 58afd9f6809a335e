"""A Redis lock store that several Rasa servers can share without losing or reordering turns.

Rasa 3.6's ``RedisLockStore`` changes a conversation's ticket queue by reading it, changing it in Python and
writing it back: two servers that take a ticket at the same moment both read the same queue, both get the same
number, and both run the conversation at once; the second tracker save then counts the first one's events as
its own and drops its turn (measured: README, "Several servers: concurrency and degraded parts"). Here every
change of the queue is one Redis transaction (WATCH/MULTI, retried when another server changed the queue in
between), and a finished turn leaves the queue and deletes it in the same transaction, so a ticket taken
meanwhile is never deleted with it.

When Redis cannot be reached the store falls back to an in-process lock (one per server), so families
keep getting answers; nginx keeps a conversation on one server, which is what that lock then relies on.
It goes back to Redis by itself at the next turn once Redis answers again.

endpoints (the production layout's endpoints file):

    lock_store:
      type: safe_harbour.stores.lock_store.AtomicRedisLockStore
      url: ${LOCK_STORE_REDIS_URL}    # redis://[:password@]host:port/db, rediss:// across machines
      key_prefix: safeharbour         # optional, letters and digits
      poll_seconds: 0.02              # optional: how often a waiting turn checks the queue (Rasa: 1 s)
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    DEFAULT_SOCKET_TIMEOUT_IN_SECONDS,
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_POLL_SECONDS = 0.02
# Short: a turn waits this long for Redis before the server answers from its in-process lock instead.
DEFAULT_CONNECT_TIMEOUT_SECONDS = 1.0

Result = TypeVar("Result")
# A change of a conversation's queue: gets the stored lock (None: no queue) and returns the lock to store
# (None or no tickets: delete it) and what the caller gets back.
Change = Callable[[TicketLock | None], tuple[TicketLock | None, Result]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        options = endpoint_config.kwargs
        # Rasa's constructor takes host, port and db apart; one URL also carries the password and TLS.
        self.red = redis.Redis.from_url(
            endpoint_config.url,
            socket_timeout=float(options.get("socket_timeout", DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)),
            socket_connect_timeout=float(options.get("connect_timeout", DEFAULT_CONNECT_TIMEOUT_SECONDS)),
        )
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        if options.get("key_prefix"):
            self._set_key_prefix(str(options["key_prefix"]))
        self.poll_seconds = float(options.get("poll_seconds", DEFAULT_POLL_SECONDS))
        self.local_locks = InMemoryLockStore()
        self.redis_reachable = True

    def _change(self, conversation_id: str, change: Change[Result]) -> Result:
        key = self.key_prefix + conversation_id

        def attempt(pipe: redis.client.Pipeline) -> Result:
            stored = pipe.get(key)
            lock, result = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
            pipe.multi()
            if lock and lock.tickets:
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)
            return result

        return self.red.transaction(attempt, key, value_from_callable=True)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def take_next(lock: TicketLock | None) -> tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, take_next)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock: {error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Returns the ticket; the queue is deleted in the same step when no other ticket is in it."""

        def return_ticket(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, return_ticket)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        wait = self.poll_seconds if wait_time_in_seconds is None else wait_time_in_seconds
        try:
            ticket = self.issue_ticket(conversation_id, lock_lifetime)
        except LockError as error:
            self._note_reachable(False, error)
            async with self.local_locks.lock(conversation_id, lock_lifetime, wait) as local:
                yield local
            return
        self._note_reachable(True)
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait)
        finally:
            try:
                self.cleanup(conversation_id, ticket)
            except redis.RedisError as error:
                # The turn is done and saved; its ticket expires by itself after the lock lifetime.
                self._note_reachable(False, error)

    def _note_reachable(self, reachable: bool, error: Exception | None = None) -> None:
        if reachable != self.redis_reachable:
            if reachable:
                logger.warning("Lock store: Redis answers again; turns are queued in Redis again.")
            else:
                logger.error(
                    f"Lock store: Redis cannot be reached ({type(error).__name__}); each server "
                    f"now queues its own turns until it answers again."
                )
        self.redis_reachable = reachable
