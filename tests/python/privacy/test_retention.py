"""Retention: `python -m safe_harbour.privacy.retention` deletes conversations older than RETENTION_DAYS from
Rasa's SQL tracker store (SQLite and PostgreSQL), keeps newer ones, is idempotent, prints counts only, and
exits 0 / 1 / 2 as documented."""

import asyncio
import os
import subprocess
import sys
import time
import uuid

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from conftest import PROJECT_ROOT
from handoff_helpers import postgres_schema

DAY = 24 * 60 * 60


def conversation(sender: str, ages_in_days: list[float], now: float) -> DialogueStateTracker:
    """A conversation with one user turn and one answer at each age (days before now)."""
    first = now - ages_in_days[0] * DAY
    events = [
        ActionExecuted("action_session_start", timestamp=first),
        SessionStarted(timestamp=first),
        ActionExecuted("action_listen", timestamp=first),
    ]
    for age in ages_in_days:
        at = now - age * DAY
        events += [
            UserUttered(f"words of {sender} {age:g} days ago", timestamp=at),
            BotUttered("an answer", timestamp=at + 1),
            ActionExecuted("action_listen", timestamp=at + 2),
        ]
    return DialogueStateTracker.from_events(sender, events)


def fill(url: str, prefix: str, now: float) -> dict[str, list[float]]:
    plan = {
        f"{prefix}old": [45, 44],  # older than 30 days: goes entirely
        f"{prefix}ancient": [400],  # very old: goes
        f"{prefix}recent": [2, 1],  # stays
        f"{prefix}edge": [29.5],  # just inside the limit: stays
        f"{prefix}mixed": [40, 3],  # an old beginning goes, the recent part stays
    }
    store = SQLTrackerStore(host=url)

    async def save_all():
        for sender, ages in plan.items():
            await store.save(conversation(sender, ages, now))

    asyncio.run(save_all())
    store.engine.dispose()
    return plan


def rows(url: str, prefix: str) -> dict[str, list[float]]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            result = connection.execute(
                sa.text("SELECT sender_id, timestamp FROM events WHERE sender_id LIKE :p ORDER BY timestamp"),
                {"p": prefix + "%"},
            ).fetchall()
    finally:
        engine.dispose()
    found: dict[str, list[float]] = {}
    for sender, timestamp in result:
        found.setdefault(sender, []).append(timestamp)
    return found


def run_retention(url: str, *args: str, days: str = "30") -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKER_STORE_URL": url, "RETENTION_DAYS": days}
    return subprocess.run(
        [sys.executable, "-m", "safe_harbour.privacy.retention", *args],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def check_retention(url: str, prefix: str, extra_args=()) -> str:
    now = time.time()
    plan = fill(url, prefix, now)
    assert set(rows(url, prefix)) == set(plan)

    dry = run_retention(url, "--dry-run", *extra_args)
    assert dry.returncode == 0, dry.stderr
    assert set(rows(url, prefix)) == set(plan), "a dry run deletes nothing"

    first = run_retention(url, *extra_args)
    assert first.returncode == 0, first.stderr
    left = rows(url, prefix)
    assert set(left) == {f"{prefix}recent", f"{prefix}edge", f"{prefix}mixed"}
    cutoff = now - 30 * DAY
    assert all(ts >= cutoff for timestamps in left.values() for ts in timestamps)
    assert len(left[f"{prefix}mixed"]) == 3, "the recent turn of a long conversation stays"
    assert "2 conversations removed entirely" in first.stdout

    second = run_retention(url, *extra_args)
    assert second.returncode == 0 and "deleted 0 events" in second.stdout, "idempotent"
    assert rows(url, prefix) == left
    for output in (dry.stdout + dry.stderr, first.stdout + first.stderr, second.stdout + second.stderr):
        assert prefix not in output and "words of" not in output, "counts only, no ids or text"
    return first.stdout


def test_old_conversations_are_deleted_from_sqlite(tmp_path):
    db = tmp_path / "tracker.db"
    url = f"sqlite:///{db}"
    prefix = "ret" + uuid.uuid4().hex[:8] + "-"
    check_retention(url, prefix)
    # The deleted words are overwritten in the file, not only unlinked.
    assert f"words of {prefix}old".encode() not in db.read_bytes()
    assert f"words of {prefix}recent".encode() in db.read_bytes()


def test_old_conversations_are_deleted_from_postgresql():
    prefix = "ret_" + uuid.uuid4().hex[:8] + "_"
    with postgres_schema() as url:
        check_retention(url, prefix, extra_args=("--sender-prefix", prefix))


def test_the_retention_period_comes_from_the_setting(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    fill(url, "p-", time.time())
    result = run_retention(url, days="500")
    assert result.returncode == 0 and "deleted 0 events older than 500 days" in result.stdout
    result = run_retention(url, "--days", "42")
    assert result.returncode == 0 and "older than 42 days" in result.stdout
    assert set(rows(url, "p-")) == {"p-recent", "p-edge", "p-mixed"}


def test_a_relative_sqlite_path_is_taken_in_the_project_folder(tmp_path):
    name = f"var/retention-test-{uuid.uuid4().hex[:8]}.db"
    path = PROJECT_ROOT / name
    try:
        fill(f"sqlite:///{path}", "r-", time.time())
        result = run_retention(f"sqlite:///{name}")  # run from "/", like cron
        assert result.returncode == 0 and "2 conversations removed entirely" in result.stdout
    finally:
        path.unlink(missing_ok=True)


@pytest.mark.parametrize(
    "url, code, words",
    [
        ("sqlite:////nonexistent-dir/tracker.db", 0, "no tracker database yet"),
        ("", 2, "TRACKER_STORE_URL is not set"),
        ("not a url", 2, "not a database URL"),
        ("postgresql://postgres@127.0.0.1:1/nothing", 1, "could not be cleaned"),
    ],
)
def test_exit_codes_for_cron(url, code, words, tmp_path):
    result = run_retention(url)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert words in result.stdout + result.stderr


def test_an_empty_database_has_nothing_to_delete(tmp_path):
    db = tmp_path / "empty.db"
    sa.create_engine(f"sqlite:///{db}").connect().close()
    result = run_retention(f"sqlite:///{db}")
    assert result.returncode == 0 and "no conversations stored yet" in result.stdout


def test_bad_options_exit_2():
    assert run_retention("sqlite:///x.db", "--days", "abc").returncode == 2
    assert run_retention("sqlite:///x.db", "--days", "0").returncode == 2
