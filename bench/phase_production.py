"""Phase `production`: how the cost grows in the production layout of issue 13, started by the project's launcher
as `make up` starts it: nginx in front of 1, 2 and 3 Rasa servers and the action server, conversations and cases
in PostgreSQL (a database of the benchmark's own, `sh_bench_prod`, created fresh for each layout and dropped),
turn locks and socket.io rooms in Redis (database 3, keys under a per-layout prefix, deleted afterwards).

For each number of servers, for this project and (when its model is trained) the default pipeline: the
saturation throughput (closed loop, as the load phase measures it), the latency at message 1 and 50 of a
conversation, and the latency at 100 messages/s offered (open loop, last: a layout that cannot keep up is
left with a queue), all through nginx.
"""

import secrets

import load
from phase_load import long_conversations, saturation
from settings import CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, PROJECT_ROOT, Context, log
from stack import Stack, clean_redis, postgres_admin, postgres_url
from training import available_model

from safe_harbour.launcher import ENDPOINTS, production_problems

SERVER_COUNTS = (1, 2, 3)
DATABASE = "sh_bench_prod"
REDIS_DB = 3
REDIS_URL = f"redis://127.0.0.1:6379/{REDIS_DB}"


def production_env(database_url: str, tag: str) -> dict[str, str]:
    """The settings `make up` reads from .env for the production layout (.env.example), on this machine."""
    return {
        "SAFE_HARBOUR_LAYOUT": "production",
        "TRACKER_STORE_URL": database_url,
        "DATABASE_URL": database_url,
        "SOCKETIO_REDIS_URL": REDIS_URL,
        "SOCKETIO_REDIS_CHANNEL": f"sh-bench-{tag}",
        "LOCK_STORE_REDIS_URL": REDIS_URL,
        "LOCK_STORE_KEY_PREFIX": f"benchprod{tag}",
        "SANIC_PROXIES_COUNT": "1",
    }


def what_is_missing() -> str | None:
    """Why the layout cannot start on this machine (no PostgreSQL, Redis or nginx), or None."""
    database_url = postgres_url(DATABASE)
    if not database_url:
        return "PostgreSQL is not reachable on 127.0.0.1:5432"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001 (the reason is reported)
        return f"Redis is not reachable at {REDIS_URL} ({exc})"
    problems = production_problems(production_env(database_url, "check"))
    return " ".join(problems) or None


def measure_layout(name: str, model, servers: int, context: Context) -> dict:
    tag = f"{name}-{servers}"
    postgres_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
    postgres_admin(f"CREATE DATABASE {DATABASE}")
    env = production_env(str(postgres_url(DATABASE)), secrets.token_hex(4))
    stack = Stack(
        f"production-{tag}",
        model,
        context.work / f"servers-production-{tag}",
        endpoints=PROJECT_ROOT / ENDPOINTS["production"],
        env=env,
        rasa_servers=servers,
        proxy=True,
    )
    try:
        entry = stack.started()
        entry["saturation"] = saturation(stack, context, context.seconds(30, 5))
        entry["long"] = long_conversations(stack, context)
        log(f"{stack.name}: message 1 {entry['long']['message1_ms']} ms, message 50 {entry['long']['message50_ms']} ms")
        entry["at_100"] = stack.measure(
            lambda: load.open_loop(
                stack.url, 100, context.seconds(20, 4), CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, seed=100, tag=f"{tag}-100"
            )
        )
        log(f"{stack.name}: at 100/s p95 {entry['at_100']['p95_ms']} ms, errors {entry['at_100']['errors']}")
        return entry
    finally:
        stack.stop()
        clean_redis(env["LOCK_STORE_KEY_PREFIX"], dbs=(REDIS_DB,))
        postgres_admin(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")


def run(context: Context) -> dict:
    missing = what_is_missing()
    if missing:
        log(f"production: skipped, {missing}")
        return {"production": {"skipped": missing}}
    layouts: dict[str, dict[str, dict]] = {}
    for name in ("project", "default"):
        model = available_model(context, name)
        if not model:
            continue
        for servers in SERVER_COUNTS:
            try:
                entry = measure_layout(name, model, servers, context)
            except Exception as exc:  # noqa: BLE001 (reported in results.md; the next layout still runs)
                log(f"production: {name} with {servers} server(s) failed: {exc}")
                entry = {"failed": str(exc)[-2000:]}
            layouts.setdefault(name, {})[str(servers)] = entry
    return {"production": {"layouts": layouts}}
