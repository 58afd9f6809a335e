"""Load generator for the REST channel (`POST /webhooks/rest/webhook`): open loop, closed loop and one long
conversation. Loopback only, bounded in time, in requests in flight and per request (client timeout).

    python bench/load.py --url http://127.0.0.1:5005 --rate 25 --duration 10     # open loop, JSON on stdout
    python bench/load.py --url http://127.0.0.1:5005 --closed 50 --duration 10   # closed loop (saturation)
    python bench/load.py --url http://127.0.0.1:5005 --long 50                    # one 50-message conversation

Messages come from CONVERSATIONS below: multi-turn scripts in English, Arabic script (several dialects) and
Arabizi, written for the benchmark (none is taken from the dev set). Every conversation has its own sender id.

Open loop: messages arrive as a Poisson process at the offered rate, whatever the server does. Each arrival is
the next message of an idle conversation (a conversation never has two messages in flight, as a person waits
for the answer); a pool of about 5 x rate conversations is kept, so each one writes every ~5 s, and a finished
script is replaced by a new conversation. Latency is measured from the scheduled arrival time, so time a
message waits in the client (connection pool) counts too. An arrival that finds `max_in_flight` requests
outstanding is not sent and counts as an error, as does any timeout, non-200 status or connection error.

Closed loop: N conversations each send their next message as soon as the previous answer arrives; the rate of
answers is the saturation throughput.
"""

import argparse
import asyncio
import itertools
import json
import random
import resource
import time
from collections import deque
from urllib.parse import urlparse

import aiohttp

WEBHOOK = "/webhooks/rest/webhook"

# Multi-turn conversations by language (English, Arabic script in several dialects, Arabizi), written for the
# benchmark. In each language some give a country (the country look-up answers with its services) and ask for
# a person, in words or with the "Talk to a person" button the answers offer (/request_human, the handoff);
# tests/python/test_bench_conversations.py checks on the real servers that they do.
CONVERSATIONS_BY_LANGUAGE: dict[str, list[list[str]]] = {
    "en": [
        [
            "hello",
            "someone is sharing a photo of my son from his phone around his school",
            "how do I get it taken down",
            "should I keep the messages as evidence?",
            "thanks, that helps",
            "bye",
        ],
        [
            "hi there",
            "my niece says a stranger online has her picture and wants money or he will post it",
            "we are in the UK",
            "do we have to pay him?",
            "can I talk to a real person",
        ],
        [
            "what can you do?",
            "a classmate made a fake picture of my daughter with one of those AI apps",
            "is that even illegal",
            "how do I tell the school",
            "thank you",
        ],
        [
            "good evening",
            "my 14 year old sent a picture to someone she met in a game and now regrets it",
            "how can I talk to her about it without making it worse",
            "ok",
            "goodbye",
        ],
        ["are you a bot?", "who will see what I write here", "how long do you keep this conversation", "fine thanks"],
        [
            "hey",
            "my daughter is 16 and someone posted her pictures on a fake instagram account",
            "she is so upset she says she wants to hurt herself",
            "where do we get help right now",
            "/request_human",
        ],
        [
            "hi",
            "is it my fault as a parent",
            "how do I stop this happening again",
            "what happens after I report it",
            "thanks bye",
        ],
        ["hello", "tell me a joke", "what's the weather like", "ok what do you actually do", "bye"],
        [
            "hello",
            "we live in Australia",
            "a man keeps asking my son for photos on snapchat",
            "/request_human",
            "thank you",
        ],
    ],
    "ar": [
        [
            "السلام عليكم",
            "في حد نشر صورة بنتي على تيك توك من غير إذنها",
            "إزاي أشيلها من التطبيق",
            "أنا في مصر",
            "شكرا جزيلا",
        ],
        [
            "مرحبا",
            "ابني عمره ١٣ وواحد عم يهدده ينشر صورته إذا ما بعتله مصاري",
            "شو لازم أعمل هلق",
            "بدي احكي مع حدا من الفريق",
            "يعطيك العافية",
        ],
        [
            "هلا",
            "ولد في مدرسة بنتي سوا صورة مزيفة لها بالذكاء الاصطناعي وقاعد يرسلها للطلاب",
            "هل أبلغ الشرطة؟",
            "نحن في السعودية",
            "مشكور",
        ],
        [
            "مساء الخير",
            "كيف أحافظ على الأدلة قبل ما تنحذف الرسائل",
            "هل أبلغ المنصة أولا ولا الشرطة",
            "شكرا لك",
            "مع السلامة",
        ],
        [
            "أهلا",
            "ماذا تستطيع أن تفعل؟",
            "صورة ابنتي منشورة في مجموعة على واتساب",
            "كيف أتحدث معها عن الموضوع",
            "لا شكرا",
        ],
        ["السلام عليكم", "أنا من المغرب", "شخص غريب يطلب من ابني صور على انستغرام", "/request_human", "شكرا"],
    ],
    "ar-latn": [
        [
            "salam",
            "fi wa7ed 3am yhaded binti yenshor sowarha iza ma bta3teh masari",
            "shu lazem a3mel",
            "ana bl urdun",
            "shukran",
        ],
        ["marhaba", "ibni ba3at sura la 7ada 3al insta w hala2 nadman", "kif b7ki ma3o", "tamam", "ma3 salame"],
        [
            "ahlan",
            "momken a4il el sora men el net?",
            "fi 7ad mn el madrase 3amal sora fake lbenti",
            "3ayez akalem 7ad",
            "merci",
        ],
        ["salam", "ana mn lebnan", "fi 7ada 3am ybadel sowar benti 3al whatsapp", "/request_human", "merci"],
    ],
}
CONVERSATIONS: list[list[str]] = [script for scripts in CONVERSATIONS_BY_LANGUAGE.values() for script in scripts]

LONG_MESSAGES: list[str] = [m for conversation in CONVERSATIONS for m in conversation]


def _check_loopback(url: str) -> None:
    host = urlparse(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"load.py only targets loopback servers, not {host!r}")


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of values, or None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


class Conversation:
    _ids = itertools.count()

    def __init__(self, rng: random.Random, tag: str) -> None:
        self.script = rng.choice(CONVERSATIONS)
        self.sender = f"bench-{tag}-{next(self._ids)}-{rng.randrange(16**6):06x}"
        self.turn = 0

    def next_message(self) -> str | None:
        if self.turn >= len(self.script):
            return None
        self.turn += 1
        return self.script[self.turn - 1]


class Recorder:
    def __init__(self) -> None:
        self.latencies: list[float] = []  # seconds, successful answers only
        self.errors: dict[str, int] = {}
        self.empty = 0
        self.sent = 0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def summary(self, duration: float, **extra) -> dict:
        ms = [1000 * x for x in self.latencies]
        n_errors = sum(self.errors.values())
        return {
            **extra,
            "duration_s": round(duration, 2),
            "sent": self.sent,
            "ok": len(ms),
            "throughput_per_s": round(len(ms) / duration, 2) if duration else 0.0,
            "errors": n_errors,
            "error_rate": round(n_errors / max(1, len(ms) + n_errors), 4),
            "error_kinds": self.errors,
            "empty_answers": self.empty,
            "p50_ms": _round(percentile(ms, 50)),
            "p95_ms": _round(percentile(ms, 95)),
            "p99_ms": _round(percentile(ms, 99)),
            "max_ms": _round(max(ms) if ms else None),
            "mean_ms": _round(sum(ms) / len(ms) if ms else None),
        }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


async def _send(
    session: aiohttp.ClientSession, url: str, sender: str, text: str, started: float, recorder: Recorder
) -> bool:
    """Posts one message; records its latency from `started` (a perf_counter time) or its error."""
    try:
        async with session.post(url + WEBHOOK, json={"sender": sender, "message": text}) as reply:
            body = await reply.read()
            if reply.status != 200:
                recorder.error(f"http_{reply.status}")
                return False
            answers = json.loads(body)
    except asyncio.TimeoutError:
        recorder.error("timeout")
        return False
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        recorder.error(type(exc).__name__)
        return False
    recorder.latencies.append(time.perf_counter() - started)
    if not answers:
        recorder.empty += 1
    return True


def _session(timeout_s: float, max_in_flight: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=timeout_s),
        connector=aiohttp.TCPConnector(limit=max_in_flight, limit_per_host=max_in_flight),
    )


async def open_loop(
    url: str,
    rate: float,
    duration: float,
    timeout_s: float = 10.0,
    max_in_flight: int = 256,
    seed: int = 1,
    tag: str = "open",
) -> dict:
    """Poisson arrivals at `rate` messages/s for `duration` s; returns the latency/error summary."""
    _check_loopback(url)
    rng = random.Random(seed)
    recorder = Recorder()
    idle = deque(Conversation(rng, tag) for _ in range(max(20, int(5 * rate))))
    in_flight = set()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)

    async def one(conversation: Conversation, text: str, scheduled: float) -> None:
        await _send(session, url, conversation.sender, text, scheduled, recorder)
        idle.append(conversation)

    async with _session(timeout_s, max_in_flight) as session:
        start = time.perf_counter()
        arrival = start
        while True:
            arrival += rng.expovariate(rate)
            if arrival - start >= duration:
                break
            delay = arrival - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if len(in_flight) >= max_in_flight:
                recorder.error("client_in_flight_cap")
                continue
            conversation = idle.popleft() if idle else Conversation(rng, tag)
            text = conversation.next_message()
            if text is None:  # script finished: a new family starts a conversation
                conversation = Conversation(rng, tag)
                text = conversation.next_message()
            recorder.sent += 1
            task = asyncio.ensure_future(one(conversation, text, arrival))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        sending_time = time.perf_counter() - start
        if in_flight:  # every request ends by its own timeout; this only bounds the wait
            await asyncio.wait(set(in_flight), timeout=timeout_s + 2)
        for task in list(in_flight):
            task.cancel()
        # Answers per second over the time from the first arrival to the last answer (answers that arrive
        # after the arrival window, from a queue that built up, are spread over the time they took).
        elapsed = max(duration, time.perf_counter() - start)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    return recorder.summary(
        elapsed,
        mode="open",
        offered_per_s=rate,
        arrivals_s=duration,
        sent_per_s=round(recorder.sent / sending_time, 2),
        client_cpu_s=round(client_cpu, 2),
        timeout_s=timeout_s,
        max_in_flight=max_in_flight,
    )


async def closed_loop(
    url: str, conversations: int, duration: float, timeout_s: float = 10.0, seed: int = 2, tag: str = "closed"
) -> dict:
    """`conversations` users, each sending its next message as soon as the answer to the last one arrives."""
    _check_loopback(url)
    rng = random.Random(seed)
    recorder = Recorder()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)

    async def user() -> None:
        conversation = Conversation(rng, tag)
        while time.perf_counter() < deadline:
            text = conversation.next_message()
            if text is None:
                conversation = Conversation(rng, tag)
                continue
            recorder.sent += 1
            started = time.perf_counter()
            if not await _send(session, url, conversation.sender, text, started, recorder):
                await asyncio.sleep(0.05)  # do not spin on a refusing server

    async with _session(timeout_s, conversations) as session:
        start = time.perf_counter()
        deadline = start + duration
        users = [asyncio.ensure_future(user()) for _ in range(conversations)]
        await asyncio.wait(users, timeout=duration + timeout_s + 2)
        for task in users:
            task.cancel()
        elapsed = time.perf_counter() - start
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    # Answers that arrived after the deadline are counted, over the time it took to receive them.
    return recorder.summary(
        elapsed, mode="closed", conversations=conversations, client_cpu_s=round(client_cpu, 2), timeout_s=timeout_s
    )


async def long_conversation(
    url: str, messages: int = 50, repeats: int = 3, timeout_s: float = 10.0, tag: str = "long"
) -> dict:
    """`repeats` conversations of `messages` messages each, one message at a time; latency per position."""
    _check_loopback(url)
    per_position: list[list[float]] = [[] for _ in range(messages)]
    errors = 0
    async with _session(timeout_s, 4) as session:
        for r in range(repeats):
            sender = f"bench-{tag}-{r}-{random.randrange(16**6):06x}"
            for i in range(messages):
                recorder = Recorder()
                text = LONG_MESSAGES[(i + 7 * r) % len(LONG_MESSAGES)]
                ok = await _send(session, url, sender, text, time.perf_counter(), recorder)
                if ok:
                    per_position[i].append(1000 * recorder.latencies[0])
                else:
                    errors += 1
    medians = [_round(percentile(v, 50)) for v in per_position]
    return {
        "mode": "long",
        "messages": messages,
        "repeats": repeats,
        "errors": errors,
        "median_ms_by_position": medians,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rate", type=float, help="open loop: messages per second")
    parser.add_argument("--closed", type=int, help="closed loop: number of conversations")
    parser.add_argument("--long", type=int, help="one conversation of this many messages")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--max-in-flight", type=int, default=256)
    args = parser.parse_args()
    if args.rate:
        result = asyncio.run(open_loop(args.url, args.rate, args.duration, args.timeout, args.max_in_flight))
    elif args.closed:
        result = asyncio.run(closed_loop(args.url, args.closed, args.duration, args.timeout))
    elif args.long:
        result = asyncio.run(long_conversation(args.url, args.long, timeout_s=args.timeout))
    else:
        parser.error("give --rate, --closed or --long")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
