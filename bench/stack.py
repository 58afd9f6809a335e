"""The served stack, started through the project's launcher (safe_harbour.launcher.Layout, as `make run` and the
tests start it): the action server and one or more Rasa servers (behind nginx in the production layout) on free
loopback ports, measured while a load runs; and the scratch PostgreSQL databases and Redis keys of the phases
that use them."""

import asyncio
import os
import pathlib
import secrets
import shutil
import time

import load
import requests
from settings import BENCH, PROJECT_ROOT, SERVED, log
from system import Sampler, loadavg, tree_cpu_s, tree_pids, tree_pss_mb, tree_rss_mb, tree_runqueue_wait_s

from safe_harbour.launcher import Layout, isolated_environment


class Stack:
    """The action server and `rasa_servers` Rasa servers (REST and the project's channels), with nginx in front
    when `proxy`; `url` is where clients talk (nginx, or the only Rasa server)."""

    def __init__(
        self,
        name: str,
        model: pathlib.Path,
        workdir: pathlib.Path,
        endpoints: pathlib.Path = PROJECT_ROOT / "endpoints.yml",
        env: dict[str, str] | None = None,
        profile_to: pathlib.Path | None = None,
        rasa_servers: int = 1,
        proxy: bool = False,
    ) -> None:
        self.name, self.model, self.endpoints = name, model, endpoints
        self.workdir = workdir
        self.rasa_servers, self.proxy = rasa_servers, proxy
        # Fresh SQLite stores in workdir, no rate limits (all load comes from one loopback address), unless
        # `env` says otherwise.
        self.env = {
            **isolated_environment(workdir),
            "LOCK_STORE_KEY_PREFIX": f"bench{secrets.token_hex(4)}",  # Redis keys (variants, production)
            **(env or {}),
        }
        # The profiler runs in place of `rasa`, behind the same launch checks.
        self.rasa_via = [str(BENCH / "profile_server.py"), str(profile_to)] if profile_to else []
        self.layout: Layout | None = None
        self.served: pathlib.Path | None = None

    @property
    def url(self) -> str:
        return self.layout.url

    @property
    def rasa_pids(self) -> list[int]:
        return [server.pid for server in self.layout.rasa]

    def _process_groups(self) -> dict[str, list[int]]:
        """The measured processes by name: the Rasa servers together, the action server, nginx if any."""
        groups = {"rasa": self.rasa_pids, "actions": [self.layout.actions.pid]}
        if self.layout.nginx:
            groups["nginx"] = [self.layout.nginx.pid]
        return groups

    def _stage_model(self) -> pathlib.Path:
        """The server only loads models from the project's models/ folder (the launch checks), so the model is
        linked into models/bench/ while the server runs. A subfolder: `rasa run --model models` and
        `rasa train --out models` only look at models/*.tar.gz, so other runs never pick it up."""
        SERVED.mkdir(parents=True, exist_ok=True)
        served = SERVED / f"{self.name}-{secrets.token_hex(3)}.tar.gz"
        try:
            os.link(self.model, served)
        except OSError:
            shutil.copy(self.model, served)
        return served

    def start(self) -> float:
        """Starts the layout; returns seconds from launch to the first answer to a message."""
        self.served = self._stage_model()
        self.layout = Layout(
            self.workdir,
            self.env,
            rasa_servers=self.rasa_servers,
            proxy=self.proxy,
            endpoints=str(self.endpoints),
            model=str(self.served),
            rasa_via=self.rasa_via,
        )
        start = time.monotonic()
        self.layout.start(timeout=600)  # every server answers its probe, or LaunchError with the log's end
        deadline = start + 600
        while time.monotonic() < deadline:
            try:
                reply = requests.post(
                    f"{self.url}{load.WEBHOOK}", json={"sender": "bench-start", "message": "hello"}, timeout=30
                )
                if reply.status_code == 200 and reply.json():
                    return time.monotonic() - start
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: no answer to a message after 600 s; see {self.workdir}")

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
        """Stops the layout (SIGTERM: Sanic shuts down cleanly, so the profiler writes its output)."""
        if self.layout:
            self.layout.stop(timeout=60)
        if self.served:
            self.served.unlink(missing_ok=True)
            try:
                SERVED.rmdir()
            except OSError:
                pass

    def quiesce(self, max_wait_s: float = 60.0) -> None:
        """Waits until the Rasa servers use under 5% of a core (the previous phase is fully drained)."""
        deadline = time.monotonic() + max_wait_s
        while time.monotonic() < deadline:
            before = tree_cpu_s(*self.rasa_pids)
            time.sleep(1.0)
            if tree_cpu_s(*self.rasa_pids) - before < 0.05:
                return

    def rss_mb(self) -> dict[str, float]:
        """Memory of all the Rasa servers together (RSS, and PSS counting shared pages once), the action server."""
        return {
            "rasa": round(tree_rss_mb(*self.rasa_pids)),
            "actions": round(tree_rss_mb(self.layout.actions.pid)),
            "rasa_pss": round(tree_pss_mb(*self.rasa_pids)),
            "rasa_processes": len(tree_pids(*self.rasa_pids)),
        }

    def measure(self, coroutine_factory) -> dict:
        """Runs one load phase: the client's summary plus server CPU (cores used, all Rasa servers together) and
        peak RSS."""
        self.quiesce()
        groups = self._process_groups()
        cpu_before = {n: tree_cpu_s(*pids) for n, pids in groups.items()}
        wait_before = tree_runqueue_wait_s(*self.rasa_pids)
        load_before = loadavg()
        start = time.monotonic()
        with Sampler(groups) as sampler:
            result = asyncio.run(coroutine_factory())
        elapsed = time.monotonic() - start
        result["server_cores"] = {
            n: round((tree_cpu_s(*pids) - cpu_before[n]) / elapsed, 2) for n, pids in groups.items()
        }
        result["peak_rss_mb"] = {n: round(v) for n, v in sampler.peak.items()}
        # Time a Rasa server was ready to run but another process had the CPU (other work on the machine, the
        # load generator, the action server), per server: a measure of CPU contention during the phase.
        waited = tree_runqueue_wait_s(*self.rasa_pids) - wait_before
        result["server_cpu_wait_share"] = round(waited / elapsed / len(self.rasa_pids), 2)
        result["loadavg_before"] = load_before
        return result


POSTGRES_DB = "sh_bench_run"  # created and dropped by the phases that use it


def postgres_url(database: str = POSTGRES_DB) -> str | None:
    """The URL of `database` on the local PostgreSQL (127.0.0.1:5432, user postgres), or None if that server is
    not reachable; the phase creates and drops the database itself."""
    try:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=3)
        connection.close()
    except Exception:
        return None
    return f"postgresql://postgres@127.0.0.1:5432/{database}"


def postgres_admin(statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=3)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def clean_redis(prefix: str, dbs: tuple[int, ...] = (5, 6)) -> None:
    """Deletes the keys under `prefix` in the Redis databases the variants (5, 6) or another phase use."""
    try:
        import redis

        for db in dbs:
            client = redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=3)
            keys = list(client.scan_iter(f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
    except Exception as exc:  # Redis down: nothing of ours to clean
        log(f"could not clean Redis keys {prefix}:* ({exc})")
