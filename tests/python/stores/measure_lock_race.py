"""Measures whether two Rasa servers sharing a Redis lock store lose or interleave turns when two messages of
one conversation reach them at the same moment (issue 13). Not a test: prints the figures for the README.

    . scripts/env.sh && python tests/python/stores/measure_lock_race.py --pairs 100 --lock-store rasa
    . scripts/env.sh && python tests/python/stores/measure_lock_race.py --pairs 100 --lock-store project

Needs the trained model, PostgreSQL on 127.0.0.1:5432 (database sh_stores_race is dropped and recreated) and
redis-server (a throwaway one is started).
"""

import argparse
import pathlib
import sys
import tempfile
import uuid

sys.path.insert(0, str(pathlib.Path(__file__).parents[1]))  # tests/python: the shared helpers

from production_helpers import (  # noqa: E402
    PROJECT_LOCK_STORE,
    RASA_LOCK_STORE,
    ThrowawayRedis,
    fresh_database,
    send_pairs,
    start_layout,
)

LOCK_STORES = {"rasa": RASA_LOCK_STORE, "project": PROJECT_LOCK_STORE}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pairs", type=int, default=100)
    parser.add_argument("--lock-store", choices=sorted(LOCK_STORES), default="project")
    parser.add_argument("--database", default="sh_stores_race")
    options = parser.parse_args()
    directory = pathlib.Path(tempfile.mkdtemp(prefix="lock-race-"))
    redis = ThrowawayRedis(directory).start()
    layout = start_layout(
        directory, fresh_database(options.database), redis.url, lock_store=LOCK_STORES[options.lock_store]
    )
    try:
        report = send_pairs(layout, options.pairs, f"race-{uuid.uuid4().hex[:8]}-")
    finally:
        layout.stop()
        redis.stop()
    print(f"{options.lock_store} lock store: {report.line()}  (logs: {directory})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
