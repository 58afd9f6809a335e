"""Fixtures that start the real servers on loopback: the action server and the Rasa server with the trained
model, the project's channels and a fresh SQLite tracker store per server."""
import os
import pathlib
import socket
import subprocess
import time
from dataclasses import dataclass
from typing import Dict, Optional

import pytest
import requests
from hypothesis import settings as hypothesis_settings

# Property tests run the same examples on every run (derandomize: a seed from each test), so `make test` and CI
# never fail on one run and pass on the next; a failure prints its reproduction blob. To look further, run
# with fresh random examples: HYPOTHESIS_PROFILE=explore (more examples, failures kept in .hypothesis/).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("explore", hypothesis_settings.get_profile("default"), derandomize=False,
                                     max_examples=2000, print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = PROJECT_ROOT / "models" / "safe-harbour.tar.gz"
API_TOKEN = "test-api-token-" + os.urandom(8).hex()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RunningServers:
    url: str
    api_token: str
    tracker_db: pathlib.Path
    log_path: pathlib.Path
    rasa: subprocess.Popen
    actions: Optional[subprocess.Popen]
    database_url: str = ""  # cases, staff accounts and sessions (safe_harbour.database)

    def say(self, sender: str, message: str, **extra) -> list:
        reply = requests.post(f"{self.url}/webhooks/rest/webhook",
                              json={"sender": sender, "message": message, **extra}, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def parse(self, text: str) -> dict:
        reply = requests.post(f"{self.url}/model/parse", json={"text": text},
                              params={"token": self.api_token}, timeout=60)
        reply.raise_for_status()
        return reply.json()

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()


def _wait_until_up(url: str, process: subprocess.Popen, log_path: pathlib.Path, timeout: float = 240) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise RuntimeError(f"server not up after {timeout}s:\n{log_path.read_text()[-3000:]}")


def start_servers(tmp_dir: pathlib.Path, with_actions: bool = True, env_overrides: Dict[str, str] = None) -> RunningServers:
    assert MODEL.exists(), "train the model first (scripts/train.sh)"
    rasa_port, action_port = free_port(), free_port()
    tracker_db = tmp_dir / "tracker.db"
    env = {
        **os.environ,
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_STORE_URL": f"sqlite:///{tracker_db}",
        # Handoff: a fresh cases database, staff at any hour, in-process socket.io (unless overridden).
        "DATABASE_URL": f"sqlite:///{tmp_dir / 'cases.db'}",
        "STAFF_HOURS": "",
        "SOCKETIO_REDIS_URL": "",
        # All test clients share 127.0.0.1: rate limits off (test_privacy_limits.py starts a limited server).
        "RATE_LIMIT_IP_PER_MINUTE": "0",
        "RATE_LIMIT_SENDER_PER_MINUTE": "0",
        "RASA_API_TOKEN": API_TOKEN,
        **(env_overrides or {}),
    }
    actions = None
    if with_actions:
        actions = subprocess.Popen(
            ["rasa", "run", "actions", "--actions", "actions", "--port", str(action_port)],
            cwd=PROJECT_ROOT, env=env, stdout=open(tmp_dir / "actions.log", "w"), stderr=subprocess.STDOUT,
        )
    log_path = tmp_dir / "rasa.log"
    rasa = subprocess.Popen(
        ["rasa", "run", "--model", str(MODEL), "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
         "--interface", "127.0.0.1", "--port", str(rasa_port), "--enable-api", "--auth-token", API_TOKEN],
        cwd=PROJECT_ROOT, env=env, stdout=open(log_path, "w"), stderr=subprocess.STDOUT,
    )
    servers = RunningServers(f"http://127.0.0.1:{rasa_port}", API_TOKEN, tracker_db, log_path, rasa, actions,
                             database_url=env["DATABASE_URL"])
    try:
        _wait_until_up(f"{servers.url}/webhooks/rest/", rasa, log_path)
        if actions:
            _wait_until_up(f"http://127.0.0.1:{action_port}/health", actions, tmp_dir / "actions.log")
    except Exception:
        servers.stop()
        raise
    return servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> RunningServers:
    running = start_servers(tmp_path_factory.mktemp("servers"))
    yield running
    running.stop()
