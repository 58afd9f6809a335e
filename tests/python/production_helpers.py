"""The production layout's parts for the tests of tests/python/test_production_stores.py and the load test:
Rasa servers started through the project's launcher (`python -m safe_harbour.privacy.launch`) with the
SQL tracker store and the Redis lock store, a throwaway Redis and a throwaway PostgreSQL cluster that a
test may stop and restart (the machine's shared ones are never stopped), and queries of the events table."""

import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import sqlalchemy as sa
import yaml

from conftest import API_TOKEN, PROJECT_ROOT
from safe_harbour import launcher

SHARED_POSTGRES = "postgresql://postgres@127.0.0.1:5432"
POSTGRES_BIN = pathlib.Path("/usr/lib/postgresql/15/bin")
PROJECT_LOCK_STORE = "safe_harbour.stores.lock_store.AtomicRedisLockStore"
PROJECT_TRACKER_STORE = "safe_harbour.stores.reconnect.ReconnectingSQLTrackerStore"
# Rasa's own stores, for measuring what the project's ones fix (tests/python/measure_lock_race.py).
RASA_LOCK_STORE = "redis"
RASA_TRACKER_STORE = "SQL"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def endpoints_file(
    directory: pathlib.Path, lock_store: str, lock_store_url: str, tracker_store: str = PROJECT_TRACKER_STORE
) -> pathlib.Path:
    """endpoints.yml's action server, an SQL tracker store (TRACKER_STORE_URL) and a Redis lock store: the
    production layout's endpoints, with Rasa's stores swapped in when measuring what the project's fix."""
    settings = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    settings["tracker_store"] = {"type": tracker_store, "url": "${TRACKER_STORE_URL}"}
    if lock_store == RASA_LOCK_STORE:  # takes host, port and db apart
        address = urlsplit(lock_store_url)
        settings["lock_store"] = {
            "type": "redis",
            "url": address.hostname,
            "port": address.port,
            "db": int(address.path.strip("/") or 0),
        }
    else:
        settings["lock_store"] = {"type": lock_store, "url": "${LOCK_STORE_REDIS_URL}"}
    path = directory / f"endpoints.{lock_store}.{tracker_store}.yml"
    path.write_text(yaml.safe_dump(settings))
    return path


def fresh_database(name: str, server_url: str = SHARED_POSTGRES) -> str:
    """Drops and creates database `name` on a PostgreSQL server; returns its URL."""
    engine = sa.create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return f"{server_url}/{name}"


class ThrowawayRedis:
    """A redis-server of this test's own, on a free port, keeping nothing on disk."""

    def __init__(self, directory: pathlib.Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "ThrowawayRedis":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=open(self.directory / "redis.log", "a"),
            stderr=subprocess.STDOUT,
        )
        _wait_for(lambda: _answers_ping(self.port), "redis-server")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def _answers_ping(port: int) -> bool:
    import redis

    try:
        return redis.Redis(port=port, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


class ThrowawayPostgres:
    """A PostgreSQL cluster of this test's own (initdb in a temporary folder, a free loopback port), run as
    the `postgres` system user when the tests run as root (PostgreSQL refuses to run as root)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = pathlib.Path(tempfile.mkdtemp(prefix="sh-postgres-"))
        self.data = self.directory / "data"

    @staticmethod
    def unavailable_reason() -> str | None:
        if not (POSTGRES_BIN / "initdb").exists():
            return f"no PostgreSQL server binaries in {POSTGRES_BIN}"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "running as root without runuser to start PostgreSQL as the postgres user"
        return None

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)

    @property
    def server_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def create(self) -> "ThrowawayPostgres":
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run(str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust")
        return self

    def start(self) -> None:
        self._run(
            str(POSTGRES_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._run(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.CalledProcessError:
            pass  # already stopped
        shutil.rmtree(self.directory, ignore_errors=True)


@dataclass
@dataclass
class Layout:
    """An action server and N Rasa servers sharing one tracker store and one lock store, started by the
    project's launcher (safe_harbour.launcher), as `make up` starts them."""

    launched: launcher.Layout
    tracker_store_url: str
    directory: pathlib.Path

    @property
    def urls(self) -> list[str]:
        return self.launched.rasa_urls

    def say(self, server: int, sender: str, message: str, timeout: float = 60) -> requests.Response:
        return requests.post(
            f"{self.urls[server]}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )

    def stop_actions(self) -> None:
        actions = self.launched.actions
        if actions and actions.process.poll() is None:
            actions.process.terminate()
            actions.process.wait(timeout=20)

    def stop(self) -> None:
        self.launched.stop()

    def logs(self, tail: int | None = 3000) -> str:
        """The servers' logs (the last `tail` characters of each; None: all of them)."""
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-tail if tail else 0 :]}"
            for path in sorted(self.directory.glob("*.log"))
        )


def _wait_for(check, what: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start in {timeout}s")


def start_layout(
    directory: pathlib.Path,
    tracker_store_url: str,
    lock_store_url: str,
    servers: int = 2,
    with_actions: bool = True,
    lock_store: str = PROJECT_LOCK_STORE,
    tracker_store: str = PROJECT_TRACKER_STORE,
    env_overrides: dict[str, str] | None = None,
) -> Layout:
    """Starts the action server and `servers` Rasa servers through the project's launcher, sharing one
    tracker store and one lock store (class paths, or RASA_*_STORE to measure Rasa's own)."""
    endpoints = endpoints_file(directory, lock_store, lock_store_url, tracker_store)
    env = {
        **os.environ,
        "TRACKER_STORE_URL": tracker_store_url,
        "LOCK_STORE_REDIS_URL": lock_store_url,
        "DATABASE_URL": f"sqlite:///{directory / 'cases.db'}",
        "STAFF_HOURS": "",
        "SOCKETIO_REDIS_URL": "",
        "RATE_LIMIT_IP_PER_MINUTE": "0",
        "RATE_LIMIT_SENDER_PER_MINUTE": "0",
        "RASA_API_TOKEN": API_TOKEN,
        **(env_overrides or {}),
    }
    launched = launcher.Layout(
        directory, env, rasa_servers=servers, actions=with_actions, endpoints=str(endpoints)
    ).start(timeout=300)
    return Layout(launched, tracker_store_url, directory)


def stored_events(tracker_store_url: str, sender: str) -> list[dict]:
    """The conversation's events in the order the tracker store keeps them (its id column)."""
    engine = sa.create_engine(tracker_store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text("SELECT data FROM events WHERE sender_id = :sender ORDER BY id"), {"sender": sender}
            ).fetchall()
    finally:
        engine.dispose()
    return [json.loads(row[0]) for row in rows]


def stored_user_texts(tracker_store_url: str, sender: str) -> list[str]:
    return [event.get("text") for event in stored_events(tracker_store_url, sender) if event["event"] == "user"]


def count_user_turns(tracker_store_url: str, sender_prefix: str) -> dict[str, int]:
    """User turns stored per conversation whose id starts with `sender_prefix`."""
    engine = sa.create_engine(tracker_store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                sa.text(
                    "SELECT sender_id, count(*) FROM events WHERE type_name = 'user' AND sender_id LIKE :prefix "
                    "GROUP BY sender_id"
                ),
                {"prefix": sender_prefix + "%"},
            ).fetchall()
    finally:
        engine.dispose()
    return {sender: count for sender, count in rows}


@dataclass
class PairReport:
    """What `send_pairs` saw: turns sent, acknowledged (HTTP 200), stored, lost and interleaved."""

    pairs: int = 0
    sent: int = 0
    acknowledged: int = 0
    errors: int = 0
    stored: int = 0
    lost: int = 0
    interleaved: int = 0  # a turn's user message stored inside another turn (before its action_listen)
    staggered: int = 0  # pairs whose second message left STAGGER_SECONDS after the first
    reordered: int = 0  # staggered pairs stored in the other order
    seconds: float = 0.0

    def line(self) -> str:
        return (
            f"pairs {self.pairs}: sent {self.sent}, acknowledged {self.acknowledged}, errors {self.errors}, "
            f"stored {self.stored}, lost {self.lost}, interleaved {self.interleaved}, "
            f"reordered {self.reordered} of {self.staggered} staggered pairs ({self.seconds:.0f} s)"
        )


PAIR_MESSAGES = ("how do I get the picture taken down from the site", "should we go to the police about it")
# Every other pair sends its second message this much later (while the first is still being answered), so
# the order the family typed in is known and can be checked.
STAGGER_SECONDS = 0.05


def interleaved_turns(events: list[dict]) -> int:
    """User events that arrive before the previous turn ended with action_listen."""
    count, in_turn = 0, False
    for event in events:
        if event["event"] == "user":
            count += in_turn
            in_turn = True
        elif event["event"] == "action" and event.get("name") == "action_listen":
            in_turn = False
    return count


def send_pair(layout: Layout, sender: str, texts: list[str], stagger: float) -> list[int]:
    """Sends texts[i] to server i, all released at once, each `stagger` seconds after the previous one;
    returns the HTTP statuses (0: no answer)."""
    start, statuses = threading.Barrier(len(texts)), []

    def send(server: int) -> None:
        start.wait()
        time.sleep(stagger * server)
        try:
            statuses.append(layout.say(server, sender, texts[server]).status_code)
        except requests.RequestException:
            statuses.append(0)

    threads = [threading.Thread(target=send, args=(server,)) for server in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def send_pairs(layout: Layout, pairs: int, sender_prefix: str) -> PairReport:
    """For each pair, a fresh conversation gets one opening turn, then two messages, one to each of the
    first two servers, at the same moment (even pairs) or STAGGER_SECONDS apart (odd pairs); then the
    tracker store is read back."""
    report = PairReport(pairs=pairs)
    started = time.time()
    for number in range(pairs):
        sender = f"{sender_prefix}{number}"
        layout.say(0, sender, "hello").raise_for_status()
        staggered = number % 2 == 1
        sent = [f"{text} ({number})" for text in PAIR_MESSAGES]
        statuses = send_pair(layout, sender, sent, STAGGER_SECONDS if staggered else 0.0)
        events = stored_events(layout.tracker_store_url, sender)
        texts = [event.get("text") for event in events if event["event"] == "user"]
        report.sent += len(sent)
        report.acknowledged += statuses.count(200)
        report.errors += len(sent) - statuses.count(200)
        report.stored += len(set(sent) & set(texts))
        report.lost += len(set(sent) - set(texts))
        report.interleaved += interleaved_turns(events)
        if staggered:
            report.staggered += 1
            report.reordered += [text for text in texts if text in sent] == sent[::-1]
    report.seconds = time.time() - started
    return report
