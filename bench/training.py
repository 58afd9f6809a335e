"""Training for the benchmark: one copy of data/ and domain.yml per run, half of it, and the models trained on
them (this project's and Rasa's default pipeline, each on all and on half the data) in bench/models/<name>/.

A model is kept with the fingerprint of what it was trained on (record.json) and reused, with its training
figures, while that matches; the cost phase retrains this project's model to measure it, and --fresh retrains
the default pipeline's too (tens of minutes of DIET and TED on 2 cores).
"""

import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import time

import yaml
from settings import BENCH, MODELS, PROJECT_ROOT, Context, log, rasa_bin
from system import loadavg, now_iso, tree_rss_mb

# name -> (data folder in the snapshot, config in the snapshot)
MODEL_RECIPES = {
    "project": ("data", "config.yml"),
    "default": ("data", "default-config.yml"),
    "project-half": ("data-half", "config.yml"),
    "default-half": ("data-half", "default-config.yml"),
}


def model_path(name: str) -> pathlib.Path:
    return MODELS / name / f"{name}.tar.gz"


def take_snapshot(target: pathlib.Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    shutil.copy(PROJECT_ROOT / "domain.yml", target / "domain.yml")
    shutil.copy(PROJECT_ROOT / "config.yml", target / "config.yml")
    shutil.copy(BENCH / "default-config.yml", target / "default-config.yml")


def snapshot_matches_tree(snapshot: pathlib.Path) -> bool:
    """True when data/, domain.yml and config.yml of the working tree equal the snapshot's."""
    pairs = [
        (snapshot / "domain.yml", PROJECT_ROOT / "domain.yml"),
        (snapshot / "config.yml", PROJECT_ROOT / "config.yml"),
    ]
    ours = sorted(p.relative_to(snapshot / "data") for p in (snapshot / "data").rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(PROJECT_ROOT / "data") for p in (PROJECT_ROOT / "data").rglob("*") if p.is_file())
    if ours != theirs:
        return False
    pairs += [(snapshot / "data" / p, PROJECT_ROOT / "data" / p) for p in ours]
    return all(a.read_bytes() == b.read_bytes() for a, b in pairs)


class _Literal(str):
    pass


yaml.SafeDumper.add_representer(
    _Literal, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
)


def halve_data(source: pathlib.Path, target: pathlib.Path) -> dict[str, int]:
    """Copies a data dir keeping every second example of every intent in each NLU file (the first, third, ...)."""
    counts = {"full": 0, "half": 0}
    for path in sorted(source.rglob("*.yml")):
        out = target / path.relative_to(source)
        out.parent.mkdir(parents=True, exist_ok=True)
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(content, dict) or "nlu" not in content:
            shutil.copy(path, out)
            continue
        for item in content["nlu"]:
            if "intent" not in item or "examples" not in item:
                continue
            lines = [line for line in item["examples"].splitlines() if line.strip().startswith("- ")]
            kept = lines[::2]
            counts["full"] += len(lines)
            counts["half"] += len(kept)
            item["examples"] = _Literal("\n".join(line.strip() for line in kept) + "\n")
        out.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False, width=10**6), encoding="utf-8")
    return counts


def fingerprint(snapshot: pathlib.Path, data_dir: str, config: str) -> str:
    digest = hashlib.sha256()
    import rasa

    digest.update(rasa.__version__.encode())
    for path in [snapshot / config, snapshot / "domain.yml", *sorted((snapshot / data_dir).rglob("*"))]:
        if path.is_file():
            digest.update(str(path.relative_to(snapshot)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------- training


def train(
    snapshot: pathlib.Path, data_dir: str, config: str, out_dir: pathlib.Path, name: str, logs: pathlib.Path
) -> dict:
    """`rasa train --force` with an empty cache: wall time, peak RSS (process tree) and CPU time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.tar.gz"):
        old.unlink()
    cache = pathlib.Path(tempfile.mkdtemp(prefix="rasa-cache-", dir=MODELS / "tmp"))
    env = {**os.environ, "RASA_CACHE_DIRECTORY": str(cache)}
    command = [
        rasa_bin(),
        "train",
        "--domain",
        str(snapshot / "domain.yml"),
        "--data",
        str(snapshot / data_dir),
        "--config",
        str(snapshot / config),
        "--out",
        str(out_dir),
        "--fixed-model-name",
        name,
        "--force",
    ]
    log(f"training {name} ({config}, {data_dir}) ...")
    log_path = logs / f"train-{name}.log"
    cpu_before = os.times()
    start = time.monotonic()
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        peak = 0.0
        while process.poll() is None:
            peak = max(peak, tree_rss_mb(process.pid))
            time.sleep(0.2)
    wall = time.monotonic() - start
    cpu_after = os.times()
    shutil.rmtree(cache, ignore_errors=True)
    model = out_dir / f"{name}.tar.gz"
    if process.returncode != 0 or not model.exists():
        raise RuntimeError(f"training {name} failed (exit {process.returncode}); see {log_path}")
    result = {
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak),
        "model": str(model.relative_to(PROJECT_ROOT)),
        "cpu_s": round(
            (cpu_after.children_user + cpu_after.children_system)
            - (cpu_before.children_user + cpu_before.children_system),
            1,
        ),
        "model_mb": round(model.stat().st_size / 2**20, 1),
        "trained_at": now_iso(),
        "cached": False,
        "loadavg_after": loadavg(),
    }
    log(f"trained {name}: {result['wall_s']} s, peak {result['peak_rss_mb']} MB, model {result['model_mb']} MB")
    return result


def cached_record(snapshot: pathlib.Path, data_dir: str, config: str, name: str) -> dict | None:
    """The training record of bench/models/<name>/ if its model was trained on this data and config."""
    record_path = MODELS / name / "record.json"
    if not record_path.exists():
        return None
    record = json.loads(record_path.read_text())
    trained_on_this = record.get("fingerprint") == fingerprint(snapshot, data_dir, config)
    return record if trained_on_this and (PROJECT_ROOT / record["model"]).exists() else None


def train_cached(
    snapshot: pathlib.Path, data_dir: str, config: str, name: str, logs: pathlib.Path, fresh: bool
) -> dict:
    """Trains unless bench/models/<name>/ holds a model of the same fingerprint (then its recorded figures)."""
    record = None if fresh else cached_record(snapshot, data_dir, config, name)
    if record:
        log(f"{name}: data and config unchanged since {record['trained_at']}, reusing the model")
        return {**record, "cached": True}
    result = train(snapshot, data_dir, config, MODELS / name, name, logs)
    result["fingerprint"] = fingerprint(snapshot, data_dir, config)
    result["epochs"] = default_epochs(snapshot)
    (MODELS / name / "record.json").write_text(json.dumps(result, indent=2))
    return result


def set_default_epochs(config: pathlib.Path, epochs: int) -> None:
    """Rewrites the snapshot's default-config.yml with `epochs` for each component that trains for epochs."""
    content = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in content["pipeline"] + content["policies"]:
        if "epochs" in component:
            component["epochs"] = epochs
    header = f"# bench/default-config.yml with epochs: {epochs} (bench/run.py --default-epochs)\n"
    config.write_text(header + yaml.safe_dump(content, sort_keys=False), encoding="utf-8")


def default_epochs(snapshot: pathlib.Path) -> int:
    """The epochs the snapshot's default pipeline trains for (100 unless --default-epochs changed them)."""
    content = yaml.safe_load((snapshot / "default-config.yml").read_text(encoding="utf-8"))
    return max(c.get("epochs", 0) for c in content["pipeline"] + content["policies"])


def prepare_snapshot(snapshot: pathlib.Path, keep: bool, epochs: int | None = None) -> dict:
    """Copies data/, domain.yml and the configs (or keeps the previous run's copy) and halves the data."""
    if keep and (snapshot / "domain.yml").exists():
        log("reusing the data snapshot of an earlier run (--keep-snapshot)")
        shutil.copy(BENCH / "default-config.yml", snapshot / "default-config.yml")
        shutil.rmtree(snapshot / "data-half", ignore_errors=True)
    else:
        take_snapshot(snapshot)
    if epochs:
        set_default_epochs(snapshot / "default-config.yml", epochs)
    import datetime

    return {
        "snapshot": {
            "taken_at": datetime.datetime.fromtimestamp((snapshot / "domain.yml").stat().st_mtime).isoformat(
                timespec="seconds"
            ),
            "same_as_working_tree": snapshot_matches_tree(snapshot),
        },
        "data": halve_data(snapshot / "data", snapshot / "data-half"),
    }


def measured_training(context: Context, name: str) -> dict | None:
    """Trains `name` to measure it: this project's models always, the default pipeline's unless cached. A
    --quick run never trains the default pipeline (tens of minutes): None when it is not cached."""
    data_dir, config = MODEL_RECIPES[name]
    if name.startswith("default"):
        if context.quick and cached_record(context.snapshot, data_dir, config, name) is None:
            log(f"{name}: no model trained on this data; left out of a --quick run")
            return None
        return train_cached(context.snapshot, data_dir, config, name, context.work, context.fresh)
    result = train(context.snapshot, data_dir, config, MODELS / name, name, context.work)
    result["fingerprint"] = fingerprint(context.snapshot, data_dir, config)
    (MODELS / name / "record.json").write_text(json.dumps(result, indent=2))
    return result


def available_model(context: Context, name: str) -> pathlib.Path | None:
    """The model a measuring phase serves, while trained on the same data and config. This project's is
    trained now if not; the default pipeline's only by the cost and growth phases (tens of minutes), so a
    phase run alone leaves it out (None) until they have run."""
    data_dir, config = MODEL_RECIPES[name]
    if cached_record(context.snapshot, data_dir, config, name) is None:
        if name.startswith("default"):
            log(f"{name}: no model trained on this data (the cost and growth phases train it); left out")
            return None
        measured_training(context, name)
    return model_path(name)
