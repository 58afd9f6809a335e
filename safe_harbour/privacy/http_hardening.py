"""HTTP hardening of the Rasa server, installed by the project's channels (`secure_channel`).

Rasa builds the Sanic app and then asks each channel for its blueprint; a channel cannot reach Rasa's own
routes through its blueprint (in Sanic 21.12, blueprint middleware applies to the blueprint's routes only).
So each channel blueprint registers a `before_server_start` listener, which receives the app and adds an
app-wide request middleware (`api_guard`) and limits. Checked in tests/python/privacy/test_http_hardening.py.

- Rasa's HTTP API (the routes Rasa registers on the app itself, except "/") needs `?token=` equal to
  RASA_API_TOKEN (or to `--auth-token`); with no token configured the API is refused even if `--enable-api`
  was given. Compared in constant time.
- `PUT /model` may only load a model file under the project's `models/` folder (no `model_server`, no
  `remote_storage`); `DELETE /model` is refused (the server would stop answering families).
- Request bodies are limited to MAX_REQUEST_BYTES.
- CORS (Rasa sets it up with credentials allowed on every path, and Sanic-CORS reads an origin containing
  `*`, `?`, `]` or `\\` as a regular expression matched at the start): replaced by exact matching of the
  origins in CORS_ORIGINS and `--cors`, credentials never allowed, and nothing for the staff console
  (`/staff`, which other sites must not call) or socket.io (which answers CORS itself, `origin_allowed`).
- The SQLite tracker store's file is created readable by the owner only.
- A `rasa run` that loads these channels refuses to start with `--remote-storage`, a `--model` outside
  `models/`, `--enable-api` without a token, `--cors '*'` or an origin that is not `scheme://host[:port]`,
  or debug logging in production.

Sanic answers errors without stack traces when not in debug mode, which Rasa never switches on.
"""

import hmac
import json
import logging
import os
import pathlib
import re
import sys
from typing import Any

from sanic import response

from safe_harbour import settings
from safe_harbour.privacy import logs
from safe_harbour.privacy.files import private_sqlite_file

logger = logging.getLogger(__name__)

MODELS_DIR = (settings.PROJECT_ROOT / "models").resolve()
# Paths of the project's channels and pages (families and staff); everything else registered on the app
# itself is Rasa's HTTP API.
PUBLIC_PREFIXES = ("/webhooks/", "/socket.io", "/chat", "/widget/", "/staff")
# Paths that get no CORS headers from Sanic-CORS: the staff console (same origin only) and socket.io.
NO_CORS_PATHS = re.compile(r"^/(?!(?:staff|socket\.io)(?:/|$))")
ORIGIN = re.compile(r"^https?://(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$")


class UnsafeLaunch(SystemExit):
    """Raised (as a SystemExit, code 2) when the server is started with unsafe options."""

    def __init__(self, reason: str):
        sys.stderr.write(f"Safe Harbour refuses to start: {reason}\n")
        sys.stderr.flush()
        super().__init__(2)
        self.reason = reason


def option_values(argv: list[str], *names: str) -> list[str]:
    """Values of a command-line option given as `--name value`, `--name=value` (several allowed)."""
    values = []
    for i, arg in enumerate(argv):
        for name in names:
            if arg == name and i + 1 < len(argv):
                values.append(argv[i + 1])
            elif arg.startswith(name + "=") and name.startswith("--"):
                values.append(arg.split("=", 1)[1])
    return values


def _cors_values(argv: list[str]) -> list[str]:
    values = []
    for i, arg in enumerate(argv):
        if arg == "--cors":
            for value in argv[i + 1 :]:
                if value.startswith("-"):
                    break
                values.append(value)
        elif arg.startswith("--cors="):
            values.append(arg.split("=", 1)[1])
    return values


def allowed_origins(argv: list[str] | None = None) -> list[str]:
    """The web origins that may call the server from a browser: CORS_ORIGINS and any `--cors` values,
    lower case, without a trailing slash."""
    argv = list(sys.argv if argv is None else argv)
    found = []
    for origin in [*settings.CORS_ORIGINS, *_cors_values(argv)]:
        origin = origin.strip().rstrip("/").lower()
        if origin and origin not in found:
            found.append(origin)
    return found


def inside_models(path: str, cwd: pathlib.Path | None = None) -> bool:
    """True for the project's models folder itself or a path inside it."""
    resolved = ((cwd or pathlib.Path.cwd()) / path).resolve()
    return resolved == MODELS_DIR or MODELS_DIR in resolved.parents


def launch_problems(argv: list[str], cwd: pathlib.Path | None = None) -> list[str]:
    """What is unsafe in a `rasa run` command line (empty: nothing)."""
    problems = []
    if option_values(argv, "--remote-storage") or any(a.startswith("--remote-storage") for a in argv):
        problems.append("models are loaded only from the local models/ folder, never --remote-storage.")
    models = option_values(argv, "--model", "-m") or ["models"]
    if not all(inside_models(m, cwd) for m in models):
        problems.append(f"--model must be the models/ folder or a file in it ({MODELS_DIR}).")
    tokens = option_values(argv, "--auth-token", "-t")
    if "--enable-api" in argv and not (tokens or option_values(argv, "--jwt-secret")):
        problems.append("--enable-api needs a token: set RASA_API_TOKEN in .env (the start scripts pass it).")
    if tokens and settings.RASA_API_TOKEN and tokens[-1] != settings.RASA_API_TOKEN:
        problems.append("--auth-token differs from RASA_API_TOKEN in .env.")
    if any(value.strip() == "*" for value in _cors_values(argv)):
        problems.append("--cors '*' lets any web site use the server: list the origins in CORS_ORIGINS.")
    else:
        inexact = [o for o in allowed_origins(argv) if not ORIGIN.match(o)]
        if inexact:
            problems.append(
                f"CORS origins are matched exactly and must look like https://host[:port], not {', '.join(inexact)}."
            )
    return problems


def is_rasa_server(argv: list[str] | None = None) -> bool:
    argv = sys.argv if argv is None else argv
    return len(argv) > 1 and argv[1] == "run" and "rasa" in pathlib.Path(argv[0]).as_posix()


def check_launch(argv: list[str] | None = None) -> None:
    """Stop a `rasa run` with unsafe options or debug logging in production (no-op outside `rasa run`)."""
    argv = list(sys.argv if argv is None else argv)
    if not is_rasa_server(argv):
        return
    logs.refuse_debug(argv)
    problems = launch_problems(argv)
    if problems:
        raise UnsafeLaunch(" ".join(problems))


def api_token() -> str | None:
    """The token the HTTP API requires: RASA_API_TOKEN, else the `--auth-token` Rasa was started with."""
    if settings.RASA_API_TOKEN:
        return settings.RASA_API_TOKEN
    tokens = option_values(list(sys.argv), "--auth-token", "-t")
    return tokens[-1] if tokens else None


def _refuse(status: int, message: str) -> Any:
    return response.json({"error": message}, status=status)


def _model_request_allowed(body: Any) -> bool:
    if not isinstance(body, dict) or set(body) != {"model_file"} or not isinstance(body["model_file"], str):
        return False
    path = body["model_file"]
    if not inside_models(path):
        return False
    resolved = (pathlib.Path.cwd() / path).resolve()
    return resolved == MODELS_DIR or (resolved.is_file() and resolved.name.endswith(".tar.gz"))


def is_rasa_api_route(request: Any) -> bool:
    """True for Rasa's own HTTP API routes (registered on the app, not by a channel blueprint), except "/".

    Sanic names app routes "<app>.<handler>" and blueprint routes "<app>.<blueprint>.<handler>"."""
    name = getattr(request, "name", None) or ""
    return request.path != "/" and name.count(".") == 1 and not request.path.startswith(PUBLIC_PREFIXES)


async def api_guard(request: Any) -> Any:
    """App-wide request middleware: the HTTP API only with the token; models only from models/."""
    path = request.path
    if not is_rasa_api_route(request):
        return None
    if request.app.config.get("USE_JWT"):
        pass  # Rasa checks the JWT itself; the model rules below still apply
    else:
        token = api_token()
        if not token:
            return _refuse(403, "The HTTP API is switched off on this server.")
        provided = request.args.get("token") or ""
        if not hmac.compare_digest(provided.encode("utf-8", "replace"), token.encode("utf-8")):
            return _refuse(401, "Not authorised.")
    if path.rstrip("/") == "/model":
        if request.method == "DELETE":
            return _refuse(403, "The model cannot be unloaded through the API.")
        if request.method == "PUT":
            try:
                body = json.loads(request.body)
            except Exception:
                return _refuse(400, "The request body must be a JSON object.")
            if not _model_request_allowed(body):
                return _refuse(403, "Only a model file in the server's models/ folder can be loaded.")
    return None


def restrict_cors(app: Any) -> None:
    """Replaces the CORS rules Rasa gave Sanic-CORS (credentials on every path, origins that may be read as
    regular expressions) with one rule: exact origins, no credentials, no staff console, no socket.io."""
    context = getattr(app.ctx, "sanic_cors", None)
    if context is None or not getattr(context, "resources", None):
        return
    options = dict(context.resources[0][1])
    options.update(
        origins=[re.compile(f"^{re.escape(origin)}$") for origin in allowed_origins()],
        supports_credentials=False,
    )
    context.resources = [(NO_CORS_PATHS, options)]


async def _on_server_start(app: Any, _: Any = None) -> None:
    logs.install()
    app.config.REQUEST_MAX_SIZE = settings.MAX_REQUEST_BYTES
    restrict_cors(app)
    private_sqlite_file(os.environ.get("TRACKER_STORE_URL", ""))
    if api_guard not in app.request_middleware:
        app.register_middleware(api_guard, "request")


def secure_channel(blueprint: Any) -> None:
    """Called by each channel's `blueprint()`: launch checks, log guard, and the server-start listener."""
    check_launch()
    if is_rasa_server():
        logs.install()
    blueprint.listener(_on_server_start, "before_server_start")


def origin_allowed(origin: str | None, environ: dict | None = None) -> bool:
    """socket.io origin check: no Origin header (not a browser), the server's own host (any scheme: behind
    a TLS proxy the server sees plain HTTP), or exactly one of the allowed origins."""
    if not origin:
        return True
    if origin.lower() in allowed_origins():
        return True
    host = (environ or {}).get("HTTP_HOST", "")
    scheme, _, rest = origin.lower().partition("://")
    return bool(host) and scheme in ("http", "https") and rest == host.lower()
