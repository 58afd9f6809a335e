"""Runs the `rasa` command line under cProfile, for the benchmark's profile step.

    python bench/profile_server.py OUT.prof run --model ... (the arguments of `rasa`)

The profiler starts on SIGUSR1 (sent once the server is up, so model loading is not counted) and the
statistics are written to OUT.prof on SIGUSR2 and at exit. cProfile sees the main thread, where Sanic's event
loop runs the whole message handling (one worker). `breakdown()` sums the profile into the stages of a message.
"""

import cProfile
import pstats
import signal
import sys

# (stage, path fragment of the function's file, function name); the time of a stage is the cumulative time of
# its functions (time spent while they are on the stack, which for a coroutine excludes time it is suspended).
STAGES: list[tuple[str, str, str]] = [
    ("whole message (Agent.handle_message)", "rasa/core/agent.py", "handle_message"),
    ("NLU pipeline (parse_message)", "rasa/core/processor.py", "parse_message"),
    ("policy ensemble (predict next action)", "rasa/core/processor.py", "predict_next_with_tracker_if_should"),
    ("running actions (incl. responses, remote actions)", "rasa/core/processor.py", "_run_action"),
    ("call to the action server (HTTP)", "rasa/utils/endpoints.py", "request"),
    ("tracker store: fetch tracker", "rasa/core/processor.py", "fetch_tracker_and_update_session"),
    # The processor's call, not the stores' `save`: Rasa wraps the configured store in AwaitableTrackerStore and
    # FailSafeTrackerStore, whose `save` methods each contain the real one, so summing every `save` of
    # rasa/core/tracker_store.py counted the save three times (results.md before December 2026: 40%).
    ("tracker store: save tracker", "rasa/core/processor.py", "save_tracker"),
    ("lock store (ticket lock)", "rasa/core/lock_store.py", "lock"),
    ("JSON encode/decode", "json/__init__.py", "dumps"),
    ("JSON encode/decode", "json/__init__.py", "loads"),
    ("JSON encode/decode", "~", "<built-in method ujson.dumps>"),
    ("JSON encode/decode", "~", "<built-in method ujson.loads>"),
]


def main() -> None:
    out = sys.argv[1]
    sys.argv = ["rasa"] + sys.argv[2:]
    profiler = cProfile.Profile()

    def dump(*_) -> None:
        profiler.disable()
        profiler.dump_stats(out)

    signal.signal(signal.SIGUSR1, lambda *_: profiler.enable())
    signal.signal(signal.SIGUSR2, dump)
    from rasa.__main__ import main as rasa_main

    try:
        rasa_main()
    finally:
        dump()


def breakdown(path: str, messages: int) -> list[dict]:
    """Milliseconds per message for each stage of STAGES, and the share of all profiled time."""
    stats = pstats.Stats(str(path))
    total = sum(tt for (_, _, tt, _, _) in stats.stats.values())
    stages: dict[str, float] = {}
    for stage, fragment, function in STAGES:
        stages.setdefault(stage, 0.0)
        for (filename, _, name), (_, _, _, cumulative, _) in stats.stats.items():
            if name == function and fragment in filename:
                stages[stage] += cumulative
    rows = [
        {
            "stage": stage,
            "ms_per_message": round(1000 * seconds / max(1, messages), 2),
            "share_of_profiled": round(seconds / total, 3) if total else 0.0,
        }
        for stage, seconds in stages.items()
    ]
    rows.append(
        {
            "stage": "all profiled time in the server's main thread",
            "ms_per_message": round(1000 * total / max(1, messages), 2),
            "share_of_profiled": 1.0,
        }
    )
    return rows


def top(path: str, n: int = 40) -> None:
    stats = pstats.Stats(str(path))
    stats.sort_stats("cumulative").print_stats(n)


if __name__ == "__main__":
    main()
