"""Fixtures that start the real servers on loopback through the project's launcher (safe_harbour.launcher,
as `make run` does): the action server and the Rasa server with the trained model, the project's channels
and a fresh SQLite tracker store per server."""

import os
import pathlib
import subprocess
from dataclasses import dataclass

import pytest
import requests
from hypothesis import settings as hypothesis_settings

from safe_harbour.launcher import Layout, isolated_environment

# Property tests run the same examples on every run (derandomize: a seed from each test), so `make test` and CI
# never fail on one run and pass on the next; a failure prints its reproduction blob. To look further, run
# with fresh random examples: HYPOTHESIS_PROFILE=explore (more examples, failures kept in .hypothesis/).
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile(
    "explore", hypothesis_settings.get_profile("default"), derandomize=False, max_examples=2000, print_blob=True
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = PROJECT_ROOT / "models" / "safe-harbour.tar.gz"
API_TOKEN = "test-api-token-" + os.urandom(8).hex()


@dataclass
class RunningServers:
    url: str
    api_token: str
    tracker_db: pathlib.Path
    log_path: pathlib.Path
    layout: Layout
    database_url: str = ""  # cases, staff accounts and sessions (safe_harbour.database)

    @property
    def rasa(self) -> subprocess.Popen:
        return self.layout.rasa[0].process

    def say(self, sender: str, message: str, **extra) -> list:
        reply = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": message, **extra}, timeout=60
        )
        reply.raise_for_status()
        return reply.json()

    def parse(self, text: str) -> dict:
        reply = requests.post(
            f"{self.url}/model/parse", json={"text": text}, params={"token": self.api_token}, timeout=60
        )
        reply.raise_for_status()
        return reply.json()

    def stop(self) -> None:
        self.layout.stop()


def start_servers(
    tmp_dir: pathlib.Path, with_actions: bool = True, env_overrides: dict[str, str] = None
) -> RunningServers:
    """The action server (unless with_actions=False) and one Rasa server, started by the project's launcher
    (as `make run` does, launch checks included) with fresh SQLite stores in tmp_dir and the API token."""
    assert MODEL.exists(), "train the model first (scripts/train.sh)"
    env = {**isolated_environment(tmp_dir), "RASA_API_TOKEN": API_TOKEN, **(env_overrides or {})}
    layout = Layout(tmp_dir, env, actions=with_actions, model=str(MODEL.relative_to(PROJECT_ROOT))).start()
    return RunningServers(
        layout.url, API_TOKEN, tmp_dir / "tracker.db", layout.rasa[0].log, layout, database_url=env["DATABASE_URL"]
    )


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> RunningServers:
    running = start_servers(tmp_path_factory.mktemp("servers"))
    yield running
    running.stop()
