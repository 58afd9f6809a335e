"""The served stack: the action server and a Rasa server on free loopback ports, measured while a load runs,
and the scratch PostgreSQL database and Redis keys of the variants that use them."""

import asyncio
import os
import pathlib
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time

import load
import requests
from settings import BENCH, PROJECT_ROOT, SERVED, log, rasa_bin
from system import Sampler, loadavg, tree_cpu_s, tree_pids, tree_pss_mb, tree_rss_mb, tree_runqueue_wait_s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_action_server(port: int, env: dict[str, str], log_path: pathlib.Path) -> subprocess.Popen:
    """The project's action server (rasa_sdk) on a loopback port, in its own process group."""
    return subprocess.Popen(
        [rasa_bin(), "run", "actions", "--actions", "actions", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=open(log_path, "w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_action_server(port: int, max_wait_s: float = 60.0) -> None:
    deadline = time.monotonic() + max_wait_s
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)


class Stack:
    """The action server and the Rasa server (REST and the project's channels) on free loopback ports."""

    def __init__(
        self,
        name: str,
        model: pathlib.Path,
        workdir: pathlib.Path,
        endpoints: pathlib.Path = PROJECT_ROOT / "endpoints.yml",
        env: dict[str, str] | None = None,
        profile_to: pathlib.Path | None = None,
        speedups: bool = False,
    ) -> None:
        self.name, self.model, self.endpoints = name, model, endpoints
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port, self.action_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
            "DATABASE_URL": f"sqlite:///{workdir / 'cases.db'}",
            "STAFF_HOURS": "",
            "SOCKETIO_REDIS_URL": "",
            # All load comes from one loopback address and long conversations, so the per-IP and
            # per-conversation rate limits are switched off (they would answer 429 otherwise).
            "RATE_LIMIT_IP_PER_MINUTE": "0",
            "RATE_LIMIT_SENDER_PER_MINUTE": "0",
            "LOCK_STORE_KEY_PREFIX": f"bench{secrets.token_hex(4)}",  # Redis keys (tuning variants only)
            **(env or {}),
        }
        self.profile_to, self.speedups = profile_to, speedups
        if speedups:
            self.env["BENCH_SPEEDUPS"] = "1"
        self.rasa: subprocess.Popen | None = None
        self.actions: subprocess.Popen | None = None
        self.served: pathlib.Path | None = None

    def _stage_model(self) -> pathlib.Path:
        """The server only loads models from the project's models/ folder (safe_harbour.privacy.server), so
        the model is linked into models/bench/ while the server runs. A subfolder: `rasa run --model models`
        and `rasa train --out models` only look at models/*.tar.gz, so other runs never pick it up."""
        SERVED.mkdir(parents=True, exist_ok=True)
        served = SERVED / f"{self.name}-{secrets.token_hex(3)}.tar.gz"
        try:
            os.link(self.model, served)
        except OSError:
            shutil.copy(self.model, served)
        return served

    def start(self) -> float:
        """Starts both servers; returns seconds from launch to the first answer to a message."""
        self.served = self._stage_model()
        self.actions = start_action_server(self.action_port, self.env, self.workdir / "actions.log")
        command = [
            rasa_bin(),
            "run",
            "--model",
            str(self.served),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        if self.profile_to:
            command = [sys.executable, str(BENCH / "profile_server.py"), str(self.profile_to)] + command[1:]
        elif self.speedups:
            command = [sys.executable, str(BENCH / "speedups.py")] + command[1:]
        start = time.monotonic()
        self.rasa = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=open(self.workdir / "rasa.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = start + 600
        while time.monotonic() < deadline:
            if self.rasa.poll() is not None:
                raise RuntimeError(f"{self.name}: the Rasa server exited; see {self.workdir / 'rasa.log'}")
            try:
                reply = requests.post(
                    f"{self.url}{load.WEBHOOK}", json={"sender": "bench-start", "message": "hello"}, timeout=30
                )
                if reply.status_code == 200 and reply.json():
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{self.name}: no answer after 600 s")
        first_answer = time.monotonic() - start
        wait_for_action_server(self.action_port)
        return first_answer

    def started(self) -> dict:
        """Starts the stack and lets it settle: start time to the first answer and memory at rest."""
        result = {"loadavg_before_start": loadavg(), "start_s": round(self.start(), 1)}
        log(f"{self.name}: first answer after {result['start_s']} s")
        time.sleep(3)
        self.quiesce()
        result["rss_at_rest_mb"] = self.rss_mb()
        return result

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)  # Sanic shuts down cleanly (and writes a profile)
        for process in (self.rasa, self.actions):
            if process:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        if self.served:
            self.served.unlink(missing_ok=True)
            try:
                SERVED.rmdir()
            except OSError:
                pass

    def quiesce(self, max_wait_s: float = 60.0) -> None:
        """Waits until the Rasa server uses under 5% of a core (the previous phase is fully drained)."""
        deadline = time.monotonic() + max_wait_s
        while time.monotonic() < deadline:
            before = tree_cpu_s(self.rasa.pid)
            time.sleep(1.0)
            if tree_cpu_s(self.rasa.pid) - before < 0.05:
                return

    def rss_mb(self) -> dict[str, float]:
        return {
            "rasa": round(tree_rss_mb(self.rasa.pid)),
            "actions": round(tree_rss_mb(self.actions.pid)),
            "rasa_pss": round(tree_pss_mb(self.rasa.pid)),
            "rasa_processes": len(tree_pids(self.rasa.pid)),
        }

    def measure(self, coroutine_factory) -> dict:
        """Runs one load phase: the client's summary plus server CPU (cores used) and peak RSS."""
        self.quiesce()
        cpu_before = {n: tree_cpu_s(p.pid) for n, p in (("rasa", self.rasa), ("actions", self.actions))}
        wait_before = tree_runqueue_wait_s(self.rasa.pid)
        load_before = loadavg()
        start = time.monotonic()
        with Sampler({"rasa": self.rasa.pid, "actions": self.actions.pid}) as sampler:
            result = asyncio.run(coroutine_factory())
        elapsed = time.monotonic() - start
        result["server_cores"] = {
            n: round((tree_cpu_s(p.pid) - cpu_before[n]) / elapsed, 2)
            for n, p in (("rasa", self.rasa), ("actions", self.actions))
        }
        result["peak_rss_mb"] = {n: round(v) for n, v in sampler.peak.items()}
        # Time the server was ready to run but another process had the CPU (other work on the machine,
        # the load generator, the action server): a measure of CPU contention during the phase.
        result["server_cpu_wait_share"] = round((tree_runqueue_wait_s(self.rasa.pid) - wait_before) / elapsed, 2)
        result["loadavg_before"] = load_before
        return result


POSTGRES_DB = "sh_bench_run"  # created and dropped by the phases that use it


def postgres_url() -> str | None:
    """A fresh database on the local PostgreSQL (127.0.0.1:5432, user postgres), or None if there is none."""
    try:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=3)
        connection.close()
    except Exception:
        return None
    return f"postgresql://postgres@127.0.0.1:5432/{POSTGRES_DB}"


def postgres_admin(statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=3)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def clean_redis(prefix: str) -> None:
    try:
        import redis

        for db in (5, 6):
            client = redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=3)
            keys = list(client.scan_iter(f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
    except Exception as exc:  # Redis down: nothing of ours to clean
        log(f"could not clean Redis keys {prefix}:* ({exc})")
