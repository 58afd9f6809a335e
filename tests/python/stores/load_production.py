"""Load test of the production stores (issue 13; not part of `make test`): N simultaneous conversations for M
minutes across two Rasa servers that share a PostgreSQL tracker store and a Redis lock store. Each
conversation talks to one server (as nginx's hash on the conversation does), waits for each answer, then
"types" for a moment before its next message; messages mix English, Arabic and Arabizi and go through the
project's own policies and actions (country, hotline, handoff offers, safety). Passes when no turn failed,
no custom action failed (the servers' logs) and PostgreSQL holds every answered user turn of every conversation.

    . scripts/env.sh && python tests/python/stores/load_production.py                  # 200 conversations, 5 minutes
    . scripts/env.sh && python tests/python/stores/load_production.py --conversations 20 --minutes 1

Needs the trained model, PostgreSQL on 127.0.0.1:5432 (database sh_stores_load is dropped and recreated)
and redis-server (a throwaway one is started). Exit code 0 passed, 1 failed.
"""

import argparse
import asyncio
import pathlib
import random
import sys
import tempfile
import time
import uuid
from collections import Counter

import aiohttp

sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))  # tests/python: the shared helpers

from production_helpers import ThrowawayRedis, count_user_turns, fresh_database, start_layout  # noqa: E402

MESSAGES = [
    "hi, someone made a fake naked picture of my daughter with an app",
    "how do I get it taken down from instagram",
    "we are in Jordan",
    "which helpline can we call",
    "should we go to the police",
    "how do I keep evidence without sharing the picture",
    "I want to talk to a real person",
    "my son says he wants to die because of the photos",
    "مرحبا، في حدا عمل صورة مزيفة لبنتي",
    "كيف احذف الصورة من الموقع",
    "احنا في مصر",
    "بدي احكي مع شخص حقيقي",
    "شخص بيهدد ابني وبيطلب فلوس",
    "kif a2dar ashil el sora mn el net",
    "thank you, that helps",
]


async def conversation(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    until: float,
    think_seconds: float,
    latencies: list[float],
    failures: Counter,
    answered: dict[str, int],
    rng: random.Random,
) -> None:
    answered[sender] = 0
    await asyncio.sleep(rng.uniform(0, think_seconds))  # conversations start spread out, as families do
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": rng.choice(MESSAGES)}
            ) as response:
                body = await response.json(content_type=None)
                if response.status == 200 and body:
                    answered[sender] += 1
                    latencies.append(time.monotonic() - started)
                else:
                    failures[f"HTTP {response.status}" + ("" if body else ", no answer")] += 1
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            failures[type(error).__name__] += 1
        await asyncio.sleep(rng.uniform(0.5, 1.5) * think_seconds)


async def load(urls: list[str], conversations: int, seconds: float, think_seconds: float, prefix: str):
    latencies: list[float] = []
    failures: Counter = Counter()
    answered: dict[str, int] = {}
    rng = random.Random(13)
    until = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=120)) as session:
        await asyncio.gather(
            *(
                conversation(
                    session,
                    urls[number % len(urls)],
                    f"{prefix}{number}",
                    until,
                    think_seconds,
                    latencies,
                    failures,
                    answered,
                    rng,
                )
                for number in range(conversations)
            )
        )
    return latencies, failures, answered


def percentile(values: list[float], share: float) -> float:
    return sorted(values)[min(len(values) - 1, int(share * len(values)))] if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument(
        "--think-seconds", type=float, default=3.0, help="mean pause between an answer and the next message (default 3)"
    )
    parser.add_argument("--database", default="sh_stores_load")
    options = parser.parse_args()
    directory = pathlib.Path(tempfile.mkdtemp(prefix="load-production-"))
    redis = ThrowawayRedis(directory).start()
    database = fresh_database(options.database)
    layout = start_layout(directory, database, redis.url)
    prefix = f"load-{uuid.uuid4().hex[:6]}-"
    try:
        started = time.monotonic()
        latencies, failures, answered = asyncio.run(
            load(layout.urls, options.conversations, options.minutes * 60, options.think_seconds, prefix)
        )
        elapsed = time.monotonic() - started
    finally:
        layout.stop()
        redis.stop()
    stored = count_user_turns(database, prefix)
    # A custom action that fails still gets the family an answer (Rasa goes on without the action's events), so
    # the client cannot see it: the servers' logs can.
    failed_actions = sum(
        log.read_text(errors="replace").count("Failed to run custom action") for log in directory.glob("rasa*.log")
    )
    # A turn whose client gave up (a timeout) may still be answered and stored by the server afterwards.
    lost = sum(max(0, count - stored.get(sender, 0)) for sender, count in answered.items())
    stored_after_error = sum(max(0, stored.get(sender, 0) - count) for sender, count in answered.items())
    sent = sum(answered.values()) + sum(failures.values())
    print(
        f"{options.conversations} conversations, {elapsed:.0f} s, 2 servers: turns sent {sent}, answered "
        f"{sum(answered.values())}, errors {sum(failures.values())} {dict(failures)}; user turns stored "
        f"{sum(stored.values())}: answered but not stored {lost}, stored after the client gave up "
        f"{stored_after_error}; custom actions failed (servers' logs) {failed_actions}"
    )
    print(
        f"throughput {sum(answered.values()) / elapsed:.1f} answered turns/s; latency p50 "
        f"{percentile(latencies, 0.5):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
        f"max {max(latencies, default=float('nan')):.2f} s  (logs: {directory})"
    )
    return 0 if not failures and not lost and not failed_actions and sum(answered.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
