"""Phase `store`: what saving and loading the conversation costs per message, with Rasa's SQLTrackerStore and
with the project's (safe_harbour/stores/tracker_store.py), on SQLite and PostgreSQL.

1. In process: this project's model in a Rasa Agent with the action server, one conversation of 50 messages
   at a time (bench/load.py's long conversation), each store on a fresh database. SQLAlchemy's engine events
   count the SQL statements and commits of each message and time them; the store's retrieve and save are
   timed whole (Python, SQL, commit and its fsync).
2. Served, same run: the Rasa server with each store (SQLite, then PostgreSQL), throughput at saturation
   (closed loop) and latency at message 1 and 50 of one conversation with no other load.
"""

import asyncio
import contextlib
import contextvars
import os
import statistics
import time
from collections.abc import Callable

import load
from phase_load import long_conversations, saturation
from settings import BENCH, Context, log
from stack import (
    POSTGRES_DB,
    Stack,
    free_port,
    postgres_admin,
    postgres_url,
    start_action_server,
    wait_for_action_server,
)
from training import available_model

STORES = {
    "Rasa SQLTrackerStore": ("rasa.core.tracker_store.SQLTrackerStore", BENCH / "endpoints-rasa-sql.yml"),
    "project AppendingSQLTrackerStore": ("safe_harbour.stores.tracker_store.AppendingSQLTrackerStore", None),
}
MESSAGES = 50
_stage: contextvars.ContextVar = contextvars.ContextVar("stage", default="other")


class StoreMeter:
    """Counts and times the SQL statements and commits of a store's engine, by stage (retrieve, save, other),
    and times its retrieve and save calls whole."""

    def __init__(self, store) -> None:
        import sqlalchemy as sa

        self.figures: dict[str, float] = {}
        sa.event.listen(store.engine, "before_cursor_execute", self._before)
        sa.event.listen(store.engine, "after_cursor_execute", self._after)
        sa.event.listen(store.engine, "commit", lambda _: self._add("commits", 1))
        store.retrieve = self._timed("retrieve", store.retrieve)
        store.save = self._timed("save", store.save)

    def _add(self, key: str, value: float) -> None:
        key = f"{_stage.get()}_{key}"
        self.figures[key] = self.figures.get(key, 0) + value

    def _before(self, _conn, _cursor, _statement, _params, context, _executemany) -> None:
        context._bench_started = time.perf_counter()

    def _after(self, _conn, _cursor, _statement, _params, context, _executemany) -> None:
        self._add("statements", 1)
        self._add("sql_ms", 1000 * (time.perf_counter() - context._bench_started))

    def _timed(self, stage: str, method: Callable) -> Callable:
        async def timed(*args, **kwargs):
            token = _stage.set(stage)
            started = time.perf_counter()
            try:
                return await method(*args, **kwargs)
            finally:
                self._add("ms", 1000 * (time.perf_counter() - started))
                self._add("calls", 1)
                _stage.reset(token)

        return timed

    @contextlib.contextmanager
    def message(self, into: list[dict[str, float]]):
        self.figures = {}
        started = time.perf_counter()
        yield
        self.figures["message_ms"] = 1000 * (time.perf_counter() - started)
        into.append(self.figures)


async def _conversation(agent, store, repeat: int) -> list[dict[str, float]]:
    """One conversation of MESSAGES messages through `agent` with `store`: the figures of each message."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

    agent.tracker_store = agent.processor.tracker_store = store
    sender, per_message = f"bench-store-{repeat}-{time.time_ns()}", []
    for i in range(MESSAGES):
        with store.meter.message(per_message):
            text = load.LONG_MESSAGES[(i + 7 * repeat) % len(load.LONG_MESSAGES)]
            await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
    return per_message


def _summary(runs: list[list[dict[str, float]]]) -> dict:
    """Per figure, the median over conversations at message 1 and message 50 (and the mean of messages 46-50)."""
    keys = sorted({k for run in runs for message in run for k in message})

    def at(position: int, key: str) -> float:
        return round(statistics.median(run[position].get(key, 0) for run in runs), 2)

    def last5(key: str) -> float:
        return round(statistics.mean(m.get(key, 0) for run in runs for m in run[-5:]), 2)

    return {
        "message_1": {k: at(0, k) for k in keys},
        f"message_{MESSAGES}": {k: at(-1, k) for k in keys},
        f"messages_{MESSAGES - 4}_{MESSAGES}_mean": {k: last5(k) for k in keys},
    }


def in_process(context: Context, model, databases: dict[str, Callable[[int], str]]) -> dict:
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.utils.common import class_from_module_path
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    # As safe_harbour.evaluation.report: Rasa's debug records carry each message's text.
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    port = free_port()
    actions = start_action_server(port, dict(os.environ), context.work / "store-actions.log")
    try:
        wait_for_action_server(port)
        agent = Agent.load(str(model), action_endpoint=EndpointConfig(f"http://127.0.0.1:{port}/webhook"))
        results = {}
        for database, fresh_url in databases.items():
            stores = {
                label: class_from_module_path(class_path)(domain=agent.domain, host=fresh_url(i))
                for i, (label, (class_path, _)) in enumerate(STORES.items())
            }
            runs: dict[str, list[list[dict[str, float]]]] = {label: [] for label in stores}
            try:
                for store in stores.values():
                    store.meter = StoreMeter(store)
                # The stores take turns, conversation by conversation, so that a change in the machine's
                # load falls on both.
                for repeat in range(1 if context.quick else 3):
                    for label, store in stores.items():
                        log(f"store: in process, {label} on {database}, conversation {repeat + 1}")
                        runs[label].append(asyncio.run(_conversation(agent, store, repeat)))
            finally:
                for store in stores.values():
                    store.engine.dispose()
            results[database] = {label: _summary(label_runs) for label, label_runs in runs.items()}
        return results
    finally:
        actions.terminate()
        actions.wait(timeout=30)


def served(context: Context, model, databases: dict[str, Callable[[int], str]]) -> dict:
    results = {}
    for database, fresh_url in databases.items():
        for i, (label, (_, endpoints)) in enumerate(STORES.items()):
            args = {"endpoints": endpoints} if endpoints else {}
            name = f"store-{database.lower()}-{i}"
            with Stack(
                name, model, context.work / f"servers-{name}", env={"TRACKER_STORE_URL": fresh_url(i)}, **args
            ) as stack:
                entry = stack.started()
                entry["saturation"] = saturation(stack, context, context.seconds(30, 5))
                entry["long"] = long_conversations(stack, context)
            results.setdefault(database, {})[label] = entry
    return results


def run(context: Context) -> dict:
    model = available_model(context, "project")
    files = iter(range(1000))

    def fresh_sqlite(_: int) -> str:
        return f"sqlite:///{context.work / f'store-{next(files)}.db'}"

    def fresh_postgres(i: int) -> str:
        """Database i (one per store, so neither reads the other's table or index), emptied."""
        postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DB}_{i}")
        postgres_admin(f"CREATE DATABASE {POSTGRES_DB}_{i}")
        return f"postgresql://postgres@127.0.0.1:5432/{POSTGRES_DB}_{i}"

    databases: dict[str, Callable[[int], str]] = {"SQLite": fresh_sqlite}
    if postgres_url():
        databases["PostgreSQL"] = fresh_postgres
    try:
        return {
            "tracker_store": {
                "in_process": in_process(context, model, databases),
                "served": served(context, model, databases),
            }
        }
    finally:
        if "PostgreSQL" in databases:
            for i in range(len(STORES)):
                postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DB}_{i}")
