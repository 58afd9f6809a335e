"""Rate limits for incoming messages: in-memory token buckets per conversation and per client address.

Each bucket holds up to `per_minute` tokens and refills at `per_minute` tokens a minute; a message takes one
token from its address's bucket and one from its conversation's bucket. The buckets live in the server
process (one process per Rasa server; several replicas each keep their own). At most `max_keys` buckets are
kept per limit; the least recently used are forgotten first, so memory stays bounded under a flood.
"""

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from safe_harbour import settings


class TokenBuckets:
    """One token bucket per key, all with the same size and refill rate."""

    def __init__(self, per_minute: int, max_keys: int = 50_000, clock: Callable[[], float] = time.monotonic):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, list] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take a token for `key`: 0.0 if allowed, else the seconds until one is available."""
        if self.capacity <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[key] = [tokens - 1.0, now]
                wait = 0.0
            else:
                self._buckets[key] = [tokens, now]
                wait = (1.0 - tokens) / self.rate
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait


class MessageRateLimiter:
    """Per-address and per-conversation limits, from settings unless given."""

    def __init__(self, per_sender: int | None = None, per_ip: int | None = None):
        self.senders = TokenBuckets(settings.RATE_LIMIT_SENDER_PER_MINUTE if per_sender is None else per_sender)
        self.addresses = TokenBuckets(settings.RATE_LIMIT_IP_PER_MINUTE if per_ip is None else per_ip)

    def check_address(self, address: str | None) -> int:
        """Seconds to wait before this address may send (0: go ahead). Takes a token when allowed."""
        return math.ceil(self.addresses.take(address or "unknown"))

    def check_sender(self, sender: str) -> int:
        """Seconds to wait before this conversation may send (0: go ahead). Takes a token when allowed."""
        return math.ceil(self.senders.take(sender))
