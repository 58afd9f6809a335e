"""The launcher's settings, without starting servers: the production layout's endpoints give Rasa the project's
atomic Redis lock store on the configured Redis, the rendered nginx config passes `nginx -t`, and unusable settings
are refused with the line to fix. (The servers themselves: every end-to-end test starts them through the launcher, and
test_production_layout.py starts the production layout.)"""

import subprocess

import pytest
from rasa.core.lock_store import LockStore
from rasa.core.utils import read_endpoints_from_path

from conftest import PROJECT_ROOT
from safe_harbour.launcher import (
    ENDPOINTS,
    LaunchError,
    Layout,
    isolated_environment,
    layout_from_settings,
    nginx_binary,
    render_nginx_config,
)
from safe_harbour.stores.lock_store import AtomicRedisLockStore

PRODUCTION = {
    "SAFE_HARBOUR_LAYOUT": "production",
    "TRACKER_STORE_URL": "postgresql://postgres@127.0.0.1:5432/sh_layout_unit",
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/sh_layout_unit",
    "SOCKETIO_REDIS_URL": "redis://127.0.0.1:6379/0",
    "LOCK_STORE_REDIS_URL": "redis://:s3cret@10.0.0.5:6380/4",
    "SANIC_PROXIES_COUNT": "1",
}


def test_the_production_endpoints_use_the_projects_lock_and_tracker_stores(tmp_path, monkeypatch):
    layout = Layout(
        tmp_path,
        {**isolated_environment(tmp_path), **PRODUCTION, "LOCK_STORE_KEY_PREFIX": "shunit"},
        endpoints=ENDPOINTS["production"],
    )
    for name, value in layout.env.items():  # Rasa fills ${...} in the endpoints file from the environment
        monkeypatch.setenv(name, value)
    endpoints = read_endpoints_from_path(PROJECT_ROOT / ENDPOINTS["production"])
    assert endpoints.tracker_store.url == PRODUCTION["TRACKER_STORE_URL"]
    assert endpoints.tracker_store.type == "safe_harbour.stores.reconnect.ReconnectingSQLTrackerStore"
    lock_store = LockStore.create(endpoints.lock_store)
    assert isinstance(lock_store, AtomicRedisLockStore)  # Rasa's RedisLockStore hands one ticket out twice
    connection = lock_store.red.connection_pool.connection_kwargs
    assert (connection["host"], connection["port"], connection["db"], connection["password"]) == (
        "10.0.0.5",
        6380,
        4,
        "s3cret",
    )
    assert lock_store.key_prefix.startswith("shunit")


def test_the_single_layout_has_no_lock_store():
    assert read_endpoints_from_path(PROJECT_ROOT / ENDPOINTS["single"]).lock_store is None


def test_a_production_layout_without_its_stores_is_refused_with_each_line_to_fix(tmp_path):
    env = {**isolated_environment(tmp_path), "SAFE_HARBOUR_LAYOUT": "production", "SANIC_PROXIES_COUNT": ""}
    with pytest.raises(LaunchError) as refused:
        layout_from_settings(tmp_path, env)
    for name in (
        "TRACKER_STORE_URL",
        "DATABASE_URL",
        "SOCKETIO_REDIS_URL",
        "LOCK_STORE_REDIS_URL",
        "SANIC_PROXIES_COUNT",
    ):
        assert name in str(refused.value)


def test_an_unknown_layout_is_refused(tmp_path):
    with pytest.raises(LaunchError, match="SAFE_HARBOUR_LAYOUT"):
        layout_from_settings(tmp_path, {**isolated_environment(tmp_path), "SAFE_HARBOUR_LAYOUT": "cluster"})


def test_the_rendered_nginx_config_is_valid(tmp_path):
    nginx = nginx_binary()
    if not nginx:
        pytest.skip("nginx is not installed (scripts/setup.sh --production)")
    (tmp_path / "temp").mkdir()
    config = tmp_path / "nginx.conf"
    config.write_text(render_nginx_config(tmp_path, 18080, [18081, 18082]))
    text = config.read_text()
    assert not any(p in text for p in ("@DIR@", "@PORT@", "@RASA_SERVERS@")), "every placeholder is filled"
    assert text.count("server 127.0.0.1:18081") == 2 and "listen 127.0.0.1:18080;" in text
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "e.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr


def test_only_a_script_inside_the_project_may_stand_in_for_rasa():
    from safe_harbour.privacy.launch import split_via

    profiler = str(PROJECT_ROOT / "bench" / "profile_server.py")
    assert split_via(["--via", f'["python", "{profiler}"]', "--port", "1"]) == (["python", profiler], ["--port", "1"])
    assert split_via(["--port", "1"]) == ([], ["--port", "1"])
    for outside in ('["python", "/tmp/x.py"]', '["python"]', '{"a": 1}', "python"):
        with pytest.raises(ValueError):
            split_via(["--via", outside])
