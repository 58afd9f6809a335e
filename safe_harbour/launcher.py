"""The one way Safe Harbour's servers are started: the action server, one or more Rasa servers and, in the
production layout, nginx in front of them. `make run`, `make up`, scripts/with_servers.sh, the pytest
fixtures and the benchmark all start servers through `Layout`, so the tests run what production runs.

    python -m safe_harbour.launcher run                       # make run: the layout .env chooses, until Ctrl+C
    python -m safe_harbour.launcher up | down | status        # make up / down / status: in the background
    python -m safe_harbour.launcher with-servers -- CMD ...   # fresh stores on free ports, run CMD, stop

From Python (tests, bench):

    with Layout(run_dir, env, rasa_servers=2, proxy=True, endpoints="endpoints.production.yml") as layout:
        layout.url             # where clients talk: nginx, or the only Rasa server
        layout.rasa_urls       # each Rasa server, behind nginx
        layout.rasa[0].pid     # a Rasa server's process (the test SIGKILLs one)

Every Rasa server is started by `python -m safe_harbour.privacy.launch`, which runs the launch checks (API
token, CORS origins, models only from models/, no debug logging in production) and then replaces itself with
`rasa run` (same process id). `start()` returns when every server answers, or raises `LaunchError` with the
end of the log of the one that did not.
"""

import argparse
import contextlib
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import requests

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[1]
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "nginx.conf.in"
BACKGROUND_DIR = PROJECT_ROOT / "var" / "layout"  # `up`: logs, process ids, the rendered nginx config
# The Rasa endpoints file of each layout: a lock store is needed only when several servers share conversations.
ENDPOINTS = {"single": "endpoints.yml", "production": "endpoints.production.yml"}
REST_PROBE = "/webhooks/rest/"


class LaunchError(RuntimeError):
    """A server did not start (its log's end is in the message) or the settings are not usable."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: pathlib.Path
    probe_url: str  # answers 200 once the server is ready
    marker: str  # a word of its command line (its port, nginx's config), so `down` never stops a reused pid

    @property
    def pid(self) -> int:
        return self.process.pid


def _log_tail(path: pathlib.Path, chars: int = 3000) -> str:
    try:
        return path.read_text("utf-8", "replace")[-chars:]
    except OSError:
        return "(no log)"


def production_problems(env: Mapping[str, str]) -> list[str]:
    """What stops several Rasa servers from sharing conversations safely (empty: nothing)."""
    found = []
    for name in ("TRACKER_STORE_URL", "DATABASE_URL"):
        if not env.get(name, "").startswith("postgresql"):
            found.append(f"{name} must be a PostgreSQL URL (every server reads and writes the same records).")
    for name in ("SOCKETIO_REDIS_URL", "LOCK_STORE_REDIS_URL"):
        if not env.get(name, "").startswith(("redis://", "rediss://")):
            found.append(f"{name} must be a Redis URL (staff messages and turn locks are shared through Redis).")
    if env.get("SANIC_PROXIES_COUNT", "") != "1":
        found.append("SANIC_PROXIES_COUNT must be 1 behind nginx (the client's address for the rate limits).")
    if not nginx_binary():
        found.append(NO_NGINX)
    return found


NO_NGINX = "nginx is not installed: run scripts/setup.sh --production."


def nginx_binary() -> str | None:
    return shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def ensure_postgres_database(url: str) -> None:
    """Creates the database a PostgreSQL URL names when it does not exist yet (a fresh machine)."""
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    target = make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
            ).first()
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        engine.dispose()


# Rasa opens a new connection to the action server for every custom action. When a Rasa server is saturated, its
# event loop can take seconds between opening that connection and writing the request, and the action server
# (Sanic) closes a connection idle longer than its keep-alive timeout, 5 s by default: the action then fails
# with "Cannot write to closing transport" (seen 22 times in a 2-minute load test). Rasa waits up to 300 s for
# an action's answer; the action server waits as long for its request. Loopback only, so idle sockets cost little.
ACTION_SERVER_ENV = {"SANIC_KEEP_ALIVE_TIMEOUT": "300"}


class Layout:
    """The action server, `rasa_servers` Rasa servers and (with `proxy`) nginx, on loopback ports."""

    def __init__(
        self,
        run_dir: pathlib.Path,
        env: Mapping[str, str] | None = None,
        *,
        rasa_servers: int = 1,
        proxy: bool = False,
        actions: bool = True,
        endpoints: str = ENDPOINTS["single"],
        model: str = "models",
        public_port: int | None = None,
        rasa_ports: Sequence[int] | None = None,
        action_port: int | None = None,
        rasa_args: Sequence[str] = (),
        rasa_via: Sequence[str] = (),
    ) -> None:
        self.run_dir = pathlib.Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.rasa_ports = list(rasa_ports or [free_port() for _ in range(rasa_servers)])
        self.action_port = action_port or free_port()
        self.proxy = proxy
        self.public_port = public_port or (free_port() if proxy else self.rasa_ports[0])
        self.with_actions, self.endpoints, self.model, self.rasa_args = actions, endpoints, model, list(rasa_args)
        # The benchmark's profiler or tuning script instead of `rasa` (same checked options; privacy/launch.py).
        self.via = ["--via", json.dumps([sys.executable, *rasa_via])] if rasa_via else []
        self.env = {
            **(os.environ if env is None else env),
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
        }
        self.env.setdefault("LOCK_STORE_KEY_PREFIX", "")
        self.actions: Server | None = None
        self.rasa: list[Server] = []
        self.nginx: Server | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.public_port}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    @property
    def servers(self) -> list[Server]:
        return [s for s in (self.actions, *self.rasa, self.nginx) if s]

    def _spawn(
        self, name: str, command: list[str], probe_url: str, marker: str, env: Mapping[str, str] | None = None
    ) -> Server:
        log = self.run_dir / f"{name}.log"
        with open(log, "w") as out:
            # A session of its own: Ctrl+C in a terminal reaches the launcher, which stops the servers in order.
            process = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env or self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Server(name, process, log, probe_url, marker)

    def start(self, timeout: float = 600) -> "Layout":
        try:
            if self.with_actions:
                self.actions = self._spawn(
                    "actions",
                    [_rasa(), "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
                    f"http://127.0.0.1:{self.action_port}/health",
                    str(self.action_port),
                    {**ACTION_SERVER_ENV, **self.env},
                )
            for index, (port, url) in enumerate(zip(self.rasa_ports, self.rasa_urls, strict=True)):
                name = "rasa" if len(self.rasa_ports) == 1 else f"rasa-{index + 1}"
                self.rasa.append(
                    self._spawn(
                        name,
                        [
                            sys.executable,
                            "-m",
                            "safe_harbour.privacy.launch",
                            *self.via,
                            "--model",
                            self.model,
                            "--endpoints",
                            self.endpoints,
                            "--credentials",
                            "credentials.yml",
                            "--interface",
                            "127.0.0.1",
                            "--port",
                            str(port),
                            *self.rasa_args,
                        ],
                        url + REST_PROBE,
                        str(port),
                    )
                )
            if self.proxy:
                command = self._nginx_command()
                self.nginx = self._spawn("nginx", command, self.url + REST_PROBE, command[-1])
            for server in self.servers:
                wait_until_up(server, timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _nginx_command(self) -> list[str]:
        nginx_dir = self.run_dir / "nginx"
        (nginx_dir / "temp").mkdir(parents=True, exist_ok=True)
        config = nginx_dir / "nginx.conf"
        config.write_text(render_nginx_config(nginx_dir, self.public_port, self.rasa_ports))
        binary = nginx_binary()
        if not binary:
            raise LaunchError(NO_NGINX)
        # -e: the start-up error log goes under var/ too, never to /var/log/nginx.
        return [binary, "-p", str(nginx_dir), "-c", str(config), "-e", str(nginx_dir / "error.log")]

    def stop(self, timeout: float = 20) -> None:
        """Stops nginx first (no new requests), then the Rasa servers, then the action server. SIGTERM lets Sanic
        shut down cleanly, with several workers too (they ignore SIGINT; the main process passes SIGTERM on)."""
        for server in reversed(self.servers):
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGQUIT if server is self.nginx else signal.SIGTERM)
        for server in reversed(self.servers):
            try:
                server.process.wait(timeout)
            except subprocess.TimeoutExpired:
                # Its whole session (it was started in one of its own): Sanic workers and nginx's too.
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.process.wait()

    def __enter__(self) -> "Layout":
        return self.start()

    def __exit__(self, *_) -> None:
        self.stop()


def _rasa() -> str:
    return shutil.which("rasa") or str(pathlib.Path(sys.executable).with_name("rasa"))


def wait_until_up(server: Server, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise LaunchError(
                f"{server.name} stopped (exit {server.process.returncode}); its log:\n{_log_tail(server.log)}"
            )
        with contextlib.suppress(requests.RequestException):
            if requests.get(server.probe_url, timeout=2).status_code == 200:
                return
        time.sleep(0.5)
    raise LaunchError(f"{server.name} did not answer within {timeout:.0f} s; its log:\n{_log_tail(server.log)}")


def render_nginx_config(nginx_dir: pathlib.Path, port: int, rasa_ports: Sequence[int]) -> str:
    """deploy/nginx/nginx.conf.in with its @PLACEHOLDERS@ filled (nginx's own variables keep their `$`)."""
    upstreams = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in rasa_ports)
    values = {"@DIR@": str(nginx_dir), "@PORT@": str(port), "@RASA_SERVERS@": upstreams.strip()}
    text = NGINX_TEMPLATE.read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return text


def isolated_environment(run_dir: pathlib.Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Settings for servers that share nothing with anyone: fresh SQLite stores in run_dir, staff at any hour,
    socket.io in process, and no rate limits (every test client shares 127.0.0.1)."""
    return {
        **(os.environ if base is None else base),
        "TRACKER_STORE_URL": f"sqlite:///{run_dir / 'tracker.db'}",
        "DATABASE_URL": f"sqlite:///{run_dir / 'cases.db'}",
        "STAFF_HOURS": "",
        "SOCKETIO_REDIS_URL": "",
        "LOCK_STORE_REDIS_URL": "",
        "RATE_LIMIT_IP_PER_MINUTE": "0",
        "RATE_LIMIT_SENDER_PER_MINUTE": "0",
    }


def layout_from_settings(run_dir: pathlib.Path, env: Mapping[str, str]) -> Layout:
    """The layout .env chooses (SAFE_HARBOUR_LAYOUT): `single`, one Rasa server on RASA_PORT; `production`,
    RASA_SERVERS Rasa servers from RASA_BACKEND_PORT on, behind nginx on RASA_PORT."""
    kind = env.get("SAFE_HARBOUR_LAYOUT", "").strip() or "single"
    if kind not in ENDPOINTS:
        raise LaunchError(f"SAFE_HARBOUR_LAYOUT must be one of {', '.join(ENDPOINTS)}, not {kind!r}.")
    public_port, action_port = int(env.get("RASA_PORT") or 5005), int(env.get("ACTION_PORT") or 5055)
    if kind == "single":
        return Layout(run_dir, env, rasa_ports=[public_port], action_port=action_port)
    problems = production_problems(env)
    if problems:
        raise LaunchError("The production layout needs, in .env:\n" + "".join(f"  - {p}\n" for p in problems))
    count, first = int(env.get("RASA_SERVERS") or 2), int(env.get("RASA_BACKEND_PORT") or 5010)
    for name in ("TRACKER_STORE_URL", "DATABASE_URL"):
        ensure_postgres_database(env[name])
    return Layout(
        run_dir,
        env,
        proxy=True,
        endpoints=ENDPOINTS["production"],
        public_port=public_port,
        rasa_ports=[first + i for i in range(count)],
        action_port=action_port,
    )


# Background (make up / down / status) ---------------------------------------------------------------------

PIDS_FILE = "pids.json"


def _alive(info: dict) -> bool:
    """Is the process `up` recorded still running (the same program, not a later one with its pid)?"""
    proc = pathlib.Path(f"/proc/{info['pid']}")
    try:
        # nginx rewrites its command line into one string with spaces: split on both.
        words = proc.joinpath("cmdline").read_bytes().replace(b"\0", b" ").split()
        zombie = proc.joinpath("stat").read_text().split(") ", 1)[1][0] == "Z"
    except (OSError, IndexError):
        return False
    return not zombie and info["marker"].encode() in words


def _recorded() -> dict[str, dict]:
    path = BACKGROUND_DIR / PIDS_FILE
    return json.loads(path.read_text()) if path.exists() else {}


def up(env: Mapping[str, str]) -> int:
    running = {name: info for name, info in _recorded().items() if _alive(info)}
    if running:
        print(f"Already running ({', '.join(running)}); `make down` first.", file=sys.stderr)
        return 1
    layout = layout_from_settings(BACKGROUND_DIR, env)
    print(
        f"Starting {len(layout.rasa_ports)} Rasa server(s){' behind nginx' if layout.proxy else ''}; "
        f"logs in {BACKGROUND_DIR.relative_to(PROJECT_ROOT)}/ ..."
    )
    layout.start()
    (BACKGROUND_DIR / PIDS_FILE).write_text(
        json.dumps({s.name: {"pid": s.pid, "url": s.probe_url, "marker": s.marker} for s in layout.servers}, indent=2)
    )
    print(f"Up. Web chat: {layout.url}/chat   staff console: {layout.url}/staff/   stop: make down")
    return 0


def down(timeout: float = 30) -> int:
    recorded = _recorded()
    # Reverse start order: nginx, the Rasa servers, then the action server.
    for name, info in reversed(list(recorded.items())):
        if _alive(info):
            os.kill(info["pid"], signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for info in recorded.values():
        while _alive(info) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(info):
            os.kill(info["pid"], signal.SIGKILL)
    (BACKGROUND_DIR / PIDS_FILE).unlink(missing_ok=True)
    print(f"Stopped {len(recorded)} process(es)." if recorded else "Nothing was running.")
    return 0


def status() -> int:
    recorded = _recorded()
    if not recorded:
        print("Not running (make up starts it).")
        return 3
    healthy = True
    for name, info in recorded.items():
        answers = False
        with contextlib.suppress(requests.RequestException):
            answers = requests.get(info["url"], timeout=3).status_code == 200
        healthy &= answers
        state = "answering" if answers else ("running, not answering" if _alive(info) else "stopped")
        print(f"{name:10} pid {info['pid']:<8} {state:24} {info['url']}")
    return 0 if healthy else 1


# Foreground (make run, scripts/with_servers.sh) ----------------------------------------------------------


def _sleep_until_a_server_stops(layout: Layout) -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with contextlib.suppress(KeyboardInterrupt):
        while all(server.process.poll() is None for server in layout.servers):
            time.sleep(1)
        stopped = [s.name for s in layout.servers if s.process.poll() is not None]
        print(f"{', '.join(stopped)} stopped; see {layout.run_dir}/.", file=sys.stderr)


def run(env: Mapping[str, str]) -> int:
    layout = layout_from_settings(PROJECT_ROOT / "var" / "run", env)
    print("\nSafe Harbour is starting (the model takes a minute to load)...")
    with layout:
        print(f"\nOpen the web chat at:\n    {layout.url}/chat\n(staff console: {layout.url}/staff/; Ctrl+C stops)\n")
        _sleep_until_a_server_stops(layout)
    return 0


def with_servers(command: list[str], env: Mapping[str, str]) -> int:
    """Starts a fresh single layout on free ports, runs `command` with SAFE_HARBOUR_URL (and DATABASE_URL, so a
    test can add a staff account to the servers' database) set, stops the layout, returns its exit code."""
    (PROJECT_ROOT / "var").mkdir(exist_ok=True)
    run_dir = pathlib.Path(tempfile.mkdtemp(prefix="servers.", dir=PROJECT_ROOT / "var"))
    settings = isolated_environment(run_dir, env)
    for name in ("TRACKER_STORE_URL", "DATABASE_URL", "RATE_LIMIT_IP_PER_MINUTE", "RATE_LIMIT_SENDER_PER_MINUTE"):
        if env.get(f"TEST_{name}"):
            settings[name] = env[f"TEST_{name}"]
    with Layout(run_dir, settings) as layout:
        child_env = {**layout.env, "SAFE_HARBOUR_URL": layout.url, "SAFE_HARBOUR_LOG": str(layout.rasa[0].log)}
        return subprocess.call(command, env=child_env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m safe_harbour.launcher", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="start the layout .env chooses and wait (Ctrl+C stops)")
    commands.add_parser("up", help="start the layout .env chooses in the background (var/layout/)")
    commands.add_parser("down", help="stop what `up` started")
    commands.add_parser("status", help="is what `up` started answering?")
    with_servers_parser = commands.add_parser("with-servers", help="fresh servers on free ports around a command")
    with_servers_parser.add_argument("argv", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    env = dict(os.environ)
    try:
        if args.command == "with-servers":
            command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
            if not command:
                parser.error("with-servers needs a command")
            return with_servers(command, env)
        return {"run": lambda: run(env), "up": lambda: up(env), "down": down, "status": status}[args.command]()
    except LaunchError as error:
        print(f"Safe Harbour could not start: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
