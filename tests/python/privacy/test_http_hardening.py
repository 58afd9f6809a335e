"""Server hardening: the HTTP API only with the token, models only from models/, CORS and socket.io origins,
refusal of unsafe launches (remote models, an open API, debug logging), and the log guard."""

import os
import subprocess
import sys
import textwrap

import pytest
import requests

from conftest import PROJECT_ROOT
from safe_harbour import settings
from safe_harbour.privacy import http_hardening, launch

API_ROUTES = [
    ("GET", "/version"),
    ("GET", "/status"),
    ("GET", "/domain"),
    ("GET", "/conversations/abc/tracker"),
    ("POST", "/conversations/abc/messages"),
    ("POST", "/conversations/abc/tracker/events"),
    ("POST", "/model/parse"),
    ("POST", "/model/train"),
    ("PUT", "/model"),
    ("DELETE", "/model"),
]


@pytest.mark.slow
@pytest.mark.parametrize("method, path", API_ROUTES)
def test_the_http_api_needs_the_token(servers, method, path):
    for params in ({}, {"token": "wrong"}, {"token": ""}):
        reply = requests.request(method, servers.url + path, params=params, json={"text": "hi"}, timeout=30)
        assert reply.status_code == 401, (method, path, params, reply.status_code)
        assert reply.json() == {"error": "Not authorised."}


@pytest.mark.slow
def test_the_api_works_with_the_token(servers):
    reply = requests.get(f"{servers.url}/version", params={"token": servers.api_token}, timeout=30)
    assert reply.status_code == 200 and reply.json()["version"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        {"model_server": {"url": "http://127.0.0.1:1/model.tar.gz"}},
        {"remote_storage": "aws", "model_file": "models/safe-harbour.tar.gz"},
        {"model_file": "/tmp/evil.tar.gz"},
        {"model_file": "models/../../evil.tar.gz"},
        {"model_file": "models/no-such-model.tar.gz"},
        {"model_file": 5},
        [],
    ],
)
def test_models_are_loaded_only_from_the_models_folder(servers, body):
    reply = requests.put(f"{servers.url}/model", params={"token": servers.api_token}, json=body, timeout=30)
    assert reply.status_code == 403, reply.text
    assert "models/ folder" in reply.json()["error"]


@pytest.mark.slow
def test_the_model_cannot_be_unloaded(servers):
    reply = requests.delete(f"{servers.url}/model", params={"token": servers.api_token}, timeout=30)
    assert reply.status_code == 403
    assert requests.post(
        f"{servers.url}/webhooks/rest/webhook", json={"sender": "still-up", "message": "hi"}, timeout=30
    ).json(), "the model is still loaded"


@pytest.mark.slow
def test_other_web_sites_get_no_cors_permission(servers):
    reply = requests.options(
        f"{servers.url}/webhooks/rest/webhook",
        timeout=30,
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert reply.headers.get("Access-Control-Allow-Origin") in (None, "")
    reply = requests.post(
        f"{servers.url}/webhooks/rest/webhook",
        json={"sender": "cors-test", "message": "hi"},
        headers={"Origin": "https://evil.example"},
        timeout=30,
    )
    assert reply.headers.get("Access-Control-Allow-Origin") in (None, "")


@pytest.mark.slow
def test_socketio_accepts_its_own_pages_and_refuses_other_origins(servers):
    handshake = f"{servers.url}/socket.io/?EIO=4&transport=polling"
    assert requests.get(handshake, headers={"Origin": "https://evil.example"}, timeout=30).status_code == 400
    own = servers.url  # http://127.0.0.1:port, the origin of the /chat page
    assert requests.get(handshake, headers={"Origin": own}, timeout=30).status_code == 200
    assert requests.get(handshake, timeout=30).status_code == 200  # no Origin: not a browser


@pytest.mark.slow
def test_errors_reach_clients_without_stack_traces(servers):
    for reply in (
        requests.post(f"{servers.url}/webhooks/rest/webhook", data=b"{not json", timeout=30),
        requests.get(f"{servers.url}/no/such/route", timeout=30),
        requests.put(f"{servers.url}/webhooks/rest/webhook", timeout=30),
        requests.post(
            f"{servers.url}/webhooks/rest/webhook", data=b"x" * (settings.MAX_REQUEST_BYTES + 10), timeout=30
        ),
    ):
        assert 400 <= reply.status_code < 500
        assert "Traceback" not in reply.text and 'File "' not in reply.text


# Launch checks ------------------------------------------------------------------------------------------

RASA_RUN = ["/venv/bin/rasa", "run"]


@pytest.mark.parametrize(
    "args, problem",
    [
        (["--remote-storage", "aws"], "--remote-storage"),
        (["--model", "/tmp/other.tar.gz"], "--model"),
        (["--model", "models/../other"], "--model"),
        (["--enable-api"], "needs a token"),
        (["--cors", "*"], "--cors"),
    ],
)
def test_unsafe_launch_options_are_found(args, problem, monkeypatch):
    monkeypatch.setattr(settings, "RASA_API_TOKEN", "")
    problems = http_hardening.launch_problems(RASA_RUN + args, cwd=PROJECT_ROOT)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    "origin",
    [
        "https://a.example/",
        "https://a.example/path",
        "https://*.example",
        "https://a.example?",
        "a.example",
        "https://a.example:99999x",
        "null",
    ],
)
def test_cors_origins_that_cannot_be_matched_exactly_are_refused(origin, monkeypatch):
    monkeypatch.setattr(settings, "RASA_API_TOKEN", "")
    monkeypatch.setattr(settings, "CORS_ORIGINS", [])
    problems = http_hardening.launch_problems(RASA_RUN + ["--cors", origin], cwd=PROJECT_ROOT)
    if origin == "https://a.example/":  # a trailing slash is dropped: the origin itself is fine
        assert problems == []
    else:
        assert any("matched exactly" in p for p in problems), (origin, problems)


def test_socketio_origins_are_matched_exactly(monkeypatch):
    monkeypatch.setattr(settings, "CORS_ORIGINS", ["https://school.example"])
    own = {"HTTP_HOST": "chat.helpline.example"}
    assert http_hardening.origin_allowed("https://school.example", own)
    assert http_hardening.origin_allowed("https://chat.helpline.example", own)
    assert http_hardening.origin_allowed("http://chat.helpline.example", own)  # behind a TLS proxy the server sees http
    for other in (
        "https://school.example.evil.example",
        "https://school.example:8443",
        "http://school.example",
        "ftp://chat.helpline.example",
        "https://chat.helpline.example.evil.example",
    ):
        assert not http_hardening.origin_allowed(other, own), other


def test_safe_launch_options_pass(monkeypatch):
    monkeypatch.setattr(settings, "RASA_API_TOKEN", "t0ken")
    assert (
        http_hardening.launch_problems(
            RASA_RUN + ["--model", "models", "--enable-api", "--auth-token", "t0ken", "--cors", "https://a.example"],
            cwd=PROJECT_ROOT,
        )
        == []
    )
    assert (
        http_hardening.launch_problems(
            RASA_RUN + ["--model", str(PROJECT_ROOT / "models" / "x.tar.gz")], cwd=PROJECT_ROOT
        )
        == []
    )
    assert any(
        "differs" in p
        for p in http_hardening.launch_problems(RASA_RUN + ["--enable-api", "-t", "other"], cwd=PROJECT_ROOT)
    )


def test_the_launcher_adds_the_token_and_the_origins(monkeypatch):
    monkeypatch.setattr(settings, "RASA_API_TOKEN", "t0ken")
    monkeypatch.setattr(settings, "CORS_ORIGINS", ["https://a.example", "https://b.example"])
    command = launch.rasa_command(["--port", "5005"])
    assert command[:2] == ["rasa", "run"]
    assert command[command.index("--model") + 1] == "models"
    assert "--enable-api" in command and command[command.index("--auth-token") + 1] == "t0ken"
    assert command[command.index("--cors") + 1 :][:2] == ["https://a.example", "https://b.example"]
    monkeypatch.setattr(settings, "RASA_API_TOKEN", "")
    monkeypatch.setattr(settings, "CORS_ORIGINS", [])
    command = launch.rasa_command(["--port", "5005"])
    assert "--enable-api" not in command and "--auth-token" not in command and "--cors" not in command


@pytest.mark.parametrize("args", [["--enable-api"], ["--debug"], ["-vv"], ["--remote-storage", "gcs"]])
def test_the_launcher_refuses_unsafe_options(args, monkeypatch, capsys):
    monkeypatch.setattr(settings, "RASA_API_TOKEN", "")
    monkeypatch.setattr(settings, "DEVELOPMENT", False)
    assert launch.main(args) == 2
    assert "refuses" in capsys.readouterr().err


def test_the_launcher_allows_debug_in_development_only(monkeypatch):
    monkeypatch.setattr(settings, "RASA_API_TOKEN", "")
    monkeypatch.setattr(settings, "DEVELOPMENT", True)
    assert launch.problems(launch.rasa_command(["--debug"])) == []


def _rasa_run(extra, env_overrides):
    env = {
        **os.environ,
        "TRACKER_STORE_URL": "sqlite:///:memory:",
        "ACTION_ENDPOINT_URL": "http://127.0.0.1:9/x",
        "SAFE_HARBOUR_ENV": "production",
        **env_overrides,
    }
    return subprocess.run(
        [
            "rasa",
            "run",
            "--model",
            "models",
            "--endpoints",
            "endpoints.yml",
            "--credentials",
            "credentials.yml",
            "--interface",
            "127.0.0.1",
            "--port",
            "9",
            *extra,
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.mark.slow
def test_a_plain_rasa_run_with_debug_logging_is_refused():
    """Not only the launcher: the channels themselves stop a production server started with --debug."""
    result = _rasa_run(["--debug"], {})
    assert result.returncode == 2, result.stderr[-2000:]
    assert "refuses to start with debug logging" in result.stderr


@pytest.mark.slow
def test_a_plain_rasa_run_with_remote_models_or_an_open_api_is_refused():
    result = _rasa_run(["--enable-api", "--remote-storage", "aws"], {"RASA_API_TOKEN": ""})
    assert result.returncode == 2, result.stderr[-2000:]
    assert "--remote-storage" in result.stderr and "needs a token" in result.stderr


# Log guard ----------------------------------------------------------------------------------------------

LOG_PROBE = textwrap.dedent("""
    import logging, structlog
    from rasa.utils.log_utils import configure_structlog
    logging.basicConfig(level=logging.DEBUG)
    logging.getLogger("rasa").setLevel(logging.DEBUG)
    configure_structlog(logging.DEBUG)
    log = structlog.get_logger()
    log.info("probe.before", other="first")  # Rasa's loggers are cached on first use
    engineio = logging.getLogger("engineio.server")  # as with LOG_LEVEL_LIBRARIES=INFO
    engineio.setLevel(logging.INFO)
    engineio.propagate = False
    engineio.addHandler(logging.StreamHandler())
    from safe_harbour.privacy import logs
    logs.install()
    log.debug("processor.message.parse", parse_data_text="SECRET-ONE")
    log.info("probe.event", text="SECRET-TWO", user_message="SECRET-FOUR", other="visible")
    logging.getLogger("rasa.core.processor").debug("SECRET-THREE")
    logging.getLogger("rasa.core.processor").info("plain info line")
    engineio.info("abc: Received packet MESSAGE data SECRET-FIVE")
""")


def _probe(environment: str) -> str:
    env = {**os.environ, "SAFE_HARBOUR_ENV": environment, "FORCE_JSON_LOGGING": "1"}
    result = subprocess.run(
        [sys.executable, "-c", LOG_PROBE], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def test_production_logs_drop_debug_and_blank_conversation_fields():
    output = _probe("production")
    assert "SECRET" not in output
    assert "visible" in output and "plain info line" in output


def test_development_keeps_debug_logs():
    output = _probe("development")
    assert "SECRET-ONE" in output and "SECRET-THREE" in output and "SECRET-FIVE" in output
