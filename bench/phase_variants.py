"""Phase `variants`: the stack changed one thing at a time (Redis or PostgreSQL tracker store, two
Sanic workers with a Redis lock store) and the combination, each started fresh and measured at 100 messages/s
and at saturation; the combination also for the default pipeline (deployment changes suit any pipeline)."""

import load
from settings import (
    BENCH,
    CLIENT_TIMEOUT_S,
    CLOSED_CONVERSATIONS,
    DEFAULT_TUNED,
    MAX_IN_FLIGHT,
    TUNE_100_S,
    TUNE_CLOSED_S,
    Context,
    log,
)
from stack import POSTGRES_DB, Stack, clean_redis, postgres_admin, postgres_url
from training import available_model


def variants() -> list[tuple]:
    """(label, Stack keyword arguments); each changes one thing from the baseline, the last two combine the
    changes that helped, for this project and for the default pipeline."""
    rows = [
        ("baseline: 1 Sanic worker, SQLite tracker store", {}),
        (
            "Redis tracker store (record_exp = retention) instead of SQLite",
            {"endpoints": BENCH / "endpoints-redis.yml"},
        ),
    ]
    if postgres_url():
        rows.append(("PostgreSQL tracker store instead of SQLite", {"env": {"TRACKER_STORE_URL": postgres_url()}}))
    rows += [
        (
            "2 Sanic workers + Redis lock store (SQLite tracker store)",
            {"endpoints": BENCH / "endpoints-workers.yml", "env": {"SANIC_WORKERS": "2"}},
        ),
        (
            "2 Sanic workers + Redis lock store + Redis tracker store",
            {"endpoints": BENCH / "endpoints-redis-workers.yml", "env": {"SANIC_WORKERS": "2"}},
        ),
        (
            DEFAULT_TUNED,
            {
                "endpoints": BENCH / "endpoints-redis-workers.yml",
                "env": {"SANIC_WORKERS": "2"},
                "model_name": "default",
            },
        ),
    ]
    return rows


def run(context: Context) -> dict:
    """Variants of the stack, each measured at 100 messages/s and at saturation."""
    results = {}
    for i, (label, args) in enumerate(variants()):
        args = dict(args)
        model = available_model(context, args.pop("model_name", "project"))
        if not model:
            continue
        uses_postgres = "postgresql" in args.get("env", {}).get("TRACKER_STORE_URL", "")
        if uses_postgres:
            postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
            postgres_admin(f"CREATE DATABASE {POSTGRES_DB}")
        stack = Stack(f"tune{i}", model, context.work / f"servers-tune{i}", **args)
        try:
            entry = stack.started()
            stack.measure(
                lambda: load.open_loop(stack.url, 10, 3, CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, seed=99, tag=f"tune{i}w")
            )
            entry["at_100"] = stack.measure(
                lambda: load.open_loop(
                    stack.url,
                    100,
                    context.seconds(TUNE_100_S, 4),
                    CLIENT_TIMEOUT_S,
                    MAX_IN_FLIGHT,
                    seed=100,
                    tag=f"tune{i}",
                )
            )
            entry["saturation"] = stack.measure(
                lambda: load.closed_loop(
                    stack.url,
                    CLOSED_CONVERSATIONS,
                    context.seconds(TUNE_CLOSED_S, 4),
                    CLIENT_TIMEOUT_S,
                    tag=f"tune{i}c",
                )
            )
            entry["rss_after_mb"] = stack.rss_mb()
            log(
                f"  100/s: p50 {entry['at_100']['p50_ms']} p95 {entry['at_100']['p95_ms']} ms, errors "
                f"{entry['at_100']['errors']}; saturation {entry['saturation']['throughput_per_s']}/s"
            )
        except Exception as exc:  # noqa: BLE001 (reported in results.md; the next variant still runs)
            log(f"variants: {label} failed: {exc}")
            entry = {"failed": str(exc)}
        finally:
            stack.stop()
            clean_redis(stack.env["LOCK_STORE_KEY_PREFIX"])
            if uses_postgres:
                postgres_admin(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
        results[label] = entry
    return {"tuning": results}
