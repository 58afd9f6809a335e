"""The benchmark (`make bench`): this project's stack against Rasa's default pipeline, on the same data and machine.

    python bench/run.py [--phases cost,load] [--quick] [--fresh] [--keep-snapshot] [--out bench]
    make bench PHASE=load            # one phase alone

Runs the phases below in order (all by default), each a module `phase_<name>.py` with `run(context) -> dict`,
and writes bench/results.md, bench/results.json and the plots (report.py). A run of some phases keeps the
figures of the other phases from the previous results.json, so one phase can be rerun alone; results.md says
when each phase last ran. bench/README.md explains every figure.

Imports go one way: run.py -> phase_*.py -> stack.py, training.py, load.py, profile_server.py -> system.py ->
settings.py; report.py imports settings.py only (tests/python/test_bench_structure.py checks it).
"""

import argparse
import importlib
import json
import pathlib
import shutil
import sys
import tempfile
import time

BENCH = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import report  # noqa: E402
from settings import CLIENT_TIMEOUT_S, CLOSED_CONVERSATIONS, MAX_IN_FLIGHT, MODELS, RATES, Context, log  # noqa: E402
from system import loadavg, machine, now_iso  # noqa: E402
from training import default_epochs, prepare_snapshot  # noqa: E402

# In the order they run; each is bench/phase_<name>.py.
PHASES = ["cost", "growth", "understanding", "models", "load", "profile", "variants", "store", "production"]
# Figures two phases add to (cost: the models on all the data, growth: on half of it).
SHARED_KEYS = {"training"}


def run_phase(name: str, context: Context, results: dict) -> None:
    """Runs one phase and merges its figures into results; a failure is recorded and the run goes on."""
    log(f"phase {name}")
    started = time.monotonic()
    try:
        figures = importlib.import_module(f"phase_{name}").run(context)
    except Exception as exc:  # noqa: BLE001 (reported in results.md)
        log(f"phase {name} failed: {exc!r}")
        results.setdefault("failed_phases", {})[name] = repr(exc)
        return
    for key, value in figures.items():
        if key in SHARED_KEYS and isinstance(results.get(key), dict):
            results[key].update(value)
        else:
            results[key] = value  # the phase's new figures replace its old ones, none of them kept
    results.get("failed_phases", {}).pop(name, None)
    results.setdefault("phases_run", {})[name] = {
        "finished_at": now_iso(),
        "minutes": round((time.monotonic() - started) / 60, 1),
        "quick": context.quick,
        "default_epochs": default_epochs(context.snapshot),
    }
    (context.work / "results-partial.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


def previous_results(out: pathlib.Path, phases: list) -> dict:
    """The figures of the phases not rerun, from the last results.json written to `out`."""
    path = out / "results.json"
    if set(phases) == set(PHASES) or not path.exists():
        return {}
    kept = json.loads(path.read_text(encoding="utf-8"))
    kept.pop("plots", None)
    if "phases_run" not in kept:  # written before the phases: all its figures are of one earlier run
        kept["phases_run"] = {
            "earlier run (the other figures)": {"finished_at": kept.get("finished_at"), "quick": kept.get("quick")}
        }
    return kept


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"comma-separated, run in this order: {', '.join(PHASES)} (default: all)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="load phases of a few seconds, to check the harness; never trains the default pipeline",
    )
    parser.add_argument("--fresh", action="store_true", help="retrain the default-pipeline models too")
    parser.add_argument(
        "--default-epochs",
        type=int,
        help="train the default pipeline's neural components for this many epochs instead of 100: the same "
        "components and model size, so the same work per model call, for the load phases on a machine "
        "without an hour to spare; its training and understanding figures are then not Rasa's default's "
        "(results.md says so)",
    )
    parser.add_argument(
        "--keep-snapshot",
        action="store_true",
        help="train on the data copy of the previous run (bench/models/snapshot), e.g. the one "
        "the cached default-pipeline models were trained on",
    )
    parser.add_argument("--out", default=str(BENCH), help="where results.md/json and the plots go")
    args = parser.parse_args()
    phases = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = sorted(set(phases) - set(PHASES))
    if unknown:
        parser.error(f"unknown phase(s) {', '.join(unknown)}; the phases are {', '.join(PHASES)}")
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (MODELS / "tmp").mkdir(parents=True, exist_ok=True)
    for old in sorted((MODELS / "tmp").glob("run-*"), key=lambda p: p.stat().st_mtime)[:-2]:
        shutil.rmtree(old, ignore_errors=True)  # keep the logs of the last two runs only
    context = Context(
        quick=args.quick,
        fresh=args.fresh,
        snapshot=MODELS / "snapshot",
        work=pathlib.Path(tempfile.mkdtemp(prefix="run-", dir=MODELS / "tmp")),
    )
    results = previous_results(out, phases)
    results.update(
        {
            "started_at": now_iso(),
            "loadavg_start": loadavg(),
            "quick": args.quick,
            "command": " ".join(["python bench/run.py"] + sys.argv[1:]),
            "machine": machine(),
            "settings": {
                "rates_per_s": RATES,
                "open_loop_s": context.seconds(30, 4),
                "closed_loop": {"conversations": CLOSED_CONVERSATIONS, "seconds": context.seconds(30, 5)},
                "client_timeout_s": CLIENT_TIMEOUT_S,
                "max_in_flight": MAX_IN_FLIGHT,
            },
        }
    )
    log(f"load average at start: {results['loadavg_start']}; phases {', '.join(phases)}; work dir {context.work}")
    started = time.monotonic()
    results.update(prepare_snapshot(context.snapshot, args.keep_snapshot, args.default_epochs))
    for name in PHASES:
        if name in phases:
            run_phase(name, context, results)
    results["finished_at"] = now_iso()
    results["loadavg_end"] = loadavg()
    results["total_minutes"] = round((time.monotonic() - started) / 60, 1)
    report.write(results, out)
    log(
        f"done in {results['total_minutes']} min; load average at end {results['loadavg_end']}; "
        f"wrote {out / 'results.md'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
