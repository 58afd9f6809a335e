"""The benchmark (`make bench`): this project's stack against Rasa's default pipeline, on the same data and machine.

    python bench/run.py [--quick] [--fresh] [--steps train,devset,load,growth,tune] [--out bench]

Writes bench/results.md, bench/results.json and bench/latency.png (bench/README.md explains every figure).
Both pipelines are trained from one copy of data/, domain.yml taken at the start, into bench/models/ (not in
git). The default-pipeline models are kept there with the fingerprint of the data they were trained on and
reused while it matches, with their training figures (training DIET and TED takes tens of minutes here);
--fresh retrains them. --quick runs every step with short load phases (a few seconds) to check the harness.
"""

import argparse
import asyncio
import datetime
import hashlib
import json
import os
import pathlib
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial

import requests
import yaml

BENCH = pathlib.Path(__file__).resolve().parent
PROJECT_ROOT = BENCH.parent
MODELS = BENCH / "models"
SERVED = PROJECT_ROOT / "models" / "bench"  # see Stack._stage_model
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(PROJECT_ROOT))

import load  # noqa: E402  (bench/load.py)

from safe_harbour.evaluation.sets import DEV_SET_PATH  # noqa: E402

RATES = [10, 25, 50, 100, 150]
CLOSED_CONVERSATIONS = 50
CLIENT_TIMEOUT_S = 10.0
MAX_IN_FLIGHT = 256
TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

TARGETS = {
    "saturation_ratio": 3.0,  # saturation throughput >= 3x the default pipeline's
    "p95_at_100_ms": 150.0,  # p95 <= 150 ms at 100 messages/s offered
    "train_s": 180.0,  # training from scratch <= 3 minutes
    "start_s": 15.0,  # server start to first answer <= 15 s
    "rss_mb": 1200.0,  # server RSS <= 1.2 GB
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def rasa_bin() -> str:
    return shutil.which("rasa") or str(PROJECT_ROOT / ".venv" / "bin" / "rasa")


# ---------------------------------------------------------------- /proc: memory and CPU of process trees


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def tree_pids(pid: int) -> list[int]:
    tree, pids, todo = _children(), [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(tree.get(p, []))
    return pids


def tree_rss_mb(pid: int) -> float:
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except OSError:
            pass
    return total / 2**20


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process tree: shared pages (e.g. of forked Sanic workers) counted once."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pass
    return total / 1024


def tree_cpu_s(pid: int) -> float:
    total = 0
    for p in tree_pids(pid):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / TICKS


def tree_runqueue_wait_s(pid: int) -> float:
    """Seconds the threads of a process tree spent runnable but waiting for a CPU (/proc/*/task/*/schedstat)."""
    total = 0
    for p in tree_pids(pid):
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{p}/task/{task}/schedstat") as f:
                    total += int(f.read().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return total / 1e9


def loadavg() -> str:
    return " ".join(pathlib.Path("/proc/loadavg").read_text().split()[:3])


class Sampler:
    """Polls the RSS of process trees in a thread; `peak` holds the largest sum seen per name."""

    def __init__(self, pids: dict[str, int], every_s: float = 0.5) -> None:
        self.pids, self.every_s = pids, every_s
        self.peak = {name: 0.0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], tree_rss_mb(pid))
            self._stop.wait(self.every_s)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


# ---------------------------------------------------------------- data snapshot, half data, fingerprints


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


def train_cached(
    snapshot: pathlib.Path, data_dir: str, config: str, name: str, logs: pathlib.Path, fresh: bool
) -> dict:
    """Trains unless bench/models/<name>/ holds a model of the same fingerprint (then its recorded figures)."""
    out_dir = MODELS / name
    record_path = out_dir / "record.json"
    print_ = fingerprint(snapshot, data_dir, config)
    if not fresh and record_path.exists():
        record = json.loads(record_path.read_text())
        if record.get("fingerprint") == print_ and (PROJECT_ROOT / record["model"]).exists():
            log(f"{name}: data and config unchanged since {record['trained_at']}, reusing the model")
            return {**record, "cached": True}
    result = train(snapshot, data_dir, config, out_dir, name, logs)
    result["fingerprint"] = print_
    record_path.write_text(json.dumps(result, indent=2))
    return result


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """The action server and the Rasa server (REST and the project's channels) on free loopback ports."""

    def __init__(
        self,
        name: str,
        model: pathlib.Path,
        workdir: pathlib.Path,
        endpoints: pathlib.Path = PROJECT_ROOT / "endpoints.yml",
        env: dict[str, str] | None = None,
        profile_to: pathlib.Path | None = None,
        speedups: bool = False,
    ) -> None:
        self.name, self.model, self.endpoints = name, model, endpoints
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.port, self.action_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
            "TRACKER_STORE_URL": f"sqlite:///{workdir / 'tracker.db'}",
            "DATABASE_URL": f"sqlite:///{workdir / 'cases.db'}",
            "STAFF_HOURS": "",
            "SOCKETIO_REDIS_URL": "",
            # All load comes from one loopback address and long conversations, so the per-IP and
            # per-conversation rate limits are switched off (they would answer 429 otherwise).
            "RATE_LIMIT_IP_PER_MINUTE": "0",
            "RATE_LIMIT_SENDER_PER_MINUTE": "0",
            "LOCK_STORE_KEY_PREFIX": f"bench{secrets.token_hex(4)}",  # Redis keys (tuning variants only)
            **(env or {}),
        }
        self.profile_to, self.speedups = profile_to, speedups
        if speedups:
            self.env["BENCH_SPEEDUPS"] = "1"
        self.rasa: subprocess.Popen | None = None
        self.actions: subprocess.Popen | None = None
        self.served: pathlib.Path | None = None

    def _stage_model(self) -> pathlib.Path:
        """The server only loads models from the project's models/ folder (safe_harbour.privacy.server), so
        the model is linked into models/bench/ while the server runs. A subfolder: `rasa run --model models`
        and `rasa train --out models` only look at models/*.tar.gz, so other runs never pick it up."""
        SERVED.mkdir(parents=True, exist_ok=True)
        served = SERVED / f"{self.name}-{secrets.token_hex(3)}.tar.gz"
        try:
            os.link(self.model, served)
        except OSError:
            shutil.copy(self.model, served)
        return served

    def start(self) -> float:
        """Starts both servers; returns seconds from launch to the first answer to a message."""
        self.served = self._stage_model()
        self.actions = subprocess.Popen(
            [rasa_bin(), "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=open(self.workdir / "actions.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        command = [
            rasa_bin(),
            "run",
            "--model",
            str(self.served),
            "--endpoints",
            str(self.endpoints),
            "--credentials",
            str(PROJECT_ROOT / "credentials.yml"),
            "--interface",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        if self.profile_to:
            command = [sys.executable, str(BENCH / "profile_server.py"), str(self.profile_to)] + command[1:]
        elif self.speedups:
            command = [sys.executable, str(BENCH / "speedups.py")] + command[1:]
        start = time.monotonic()
        self.rasa = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=open(self.workdir / "rasa.log", "w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = start + 600
        while time.monotonic() < deadline:
            if self.rasa.poll() is not None:
                raise RuntimeError(f"{self.name}: the Rasa server exited; see {self.workdir / 'rasa.log'}")
            try:
                reply = requests.post(
                    f"{self.url}{load.WEBHOOK}", json={"sender": "bench-start", "message": "hello"}, timeout=30
                )
                if reply.status_code == 200 and reply.json():
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        else:
            raise RuntimeError(f"{self.name}: no answer after 600 s")
        first_answer = time.monotonic() - start
        for _ in range(600):
            try:
                if requests.get(f"http://127.0.0.1:{self.action_port}/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.1)
        return first_answer

    def stop(self) -> None:
        for process in (self.rasa, self.actions):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)  # Sanic shuts down cleanly (and writes a profile)
        for process in (self.rasa, self.actions):
            if process:
                try:
                    process.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        if self.served:
            self.served.unlink(missing_ok=True)
            try:
                SERVED.rmdir()
            except OSError:
                pass

    def quiesce(self, max_wait_s: float = 60.0) -> None:
        """Waits until the Rasa server uses under 5% of a core (the previous phase is fully drained)."""
        deadline = time.monotonic() + max_wait_s
        while time.monotonic() < deadline:
            before = tree_cpu_s(self.rasa.pid)
            time.sleep(1.0)
            if tree_cpu_s(self.rasa.pid) - before < 0.05:
                return

    def rss_mb(self) -> dict[str, float]:
        return {
            "rasa": round(tree_rss_mb(self.rasa.pid)),
            "actions": round(tree_rss_mb(self.actions.pid)),
            "rasa_pss": round(tree_pss_mb(self.rasa.pid)),
            "rasa_processes": len(tree_pids(self.rasa.pid)),
        }

    def measure(self, coroutine_factory) -> dict:
        """Runs one load phase: the client's summary plus server CPU (cores used) and peak RSS."""
        self.quiesce()
        cpu_before = {n: tree_cpu_s(p.pid) for n, p in (("rasa", self.rasa), ("actions", self.actions))}
        wait_before = tree_runqueue_wait_s(self.rasa.pid)
        load_before = loadavg()
        start = time.monotonic()
        with Sampler({"rasa": self.rasa.pid, "actions": self.actions.pid}) as sampler:
            result = asyncio.run(coroutine_factory())
        elapsed = time.monotonic() - start
        result["server_cores"] = {
            n: round((tree_cpu_s(p.pid) - cpu_before[n]) / elapsed, 2)
            for n, p in (("rasa", self.rasa), ("actions", self.actions))
        }
        result["peak_rss_mb"] = {n: round(v) for n, v in sampler.peak.items()}
        # Time the server was ready to run but another process had the CPU (other work on the machine,
        # the load generator, the action server): a measure of CPU contention during the phase.
        result["server_cpu_wait_share"] = round((tree_runqueue_wait_s(self.rasa.pid) - wait_before) / elapsed, 2)
        result["loadavg_before"] = load_before
        return result


# ---------------------------------------------------------------- steps


def now_iso() -> str:
    return datetime.datetime.now().isoformat(timespec="seconds")


def machine() -> dict:
    import rasa
    import rasa_sdk
    import sklearn

    meminfo = dict(line.split(":", 1) for line in pathlib.Path("/proc/meminfo").read_text().splitlines())
    cpu_model = next(
        (
            line.split(":", 1)[1].strip()
            for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    try:
        tf_version = subprocess.run(
            [sys.executable, "-c", "import tensorflow as t; print(t.__version__)"],
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
        ).stdout.strip()
    except subprocess.SubprocessError:
        tf_version = "?"
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = bool(
        subprocess.run(
            ["git", "status", "--porcelain", "--", "data", "domain.yml", "config.yml", "safe_harbour", "actions"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_gb": round(int(meminfo["MemTotal"].split()[0]) / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "rasa": rasa.__version__,
        "rasa_sdk": rasa_sdk.__version__,
        "scikit_learn": sklearn.__version__,
        "tensorflow": tf_version,
        "git_commit": commit + ("+uncommitted changes" if dirty else ""),
    }


def dev_set(model: pathlib.Path, name: str, work: pathlib.Path) -> dict | None:
    out = work / f"devset-{name}"
    dev = DEV_SET_PATH
    if not dev.exists():
        log(f"no dev set at {dev}: understanding figures skipped")
        return None
    log(f"dev set: {name}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "safe_harbour.evaluation.report",
            "--set",
            "dev",
            "--model",
            str(model),
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=1800,
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return summarise_dev_set(report)


def summarise_dev_set(report: dict) -> dict:
    summary = {
        "n": report["n"],
        "accuracy": report["accuracy"],
        "macro_f1": report["macro_f1"],
        "by_language": report["by_language"],
        "safety_recall": report["safety"]["exact"],
        "safety_missed": len(report["safety"]["missed"]),
        "safety_false_alarms": len(report["safety"]["false_alarms"]),
        "out_of_scope_recall": report["out_of_scope_recall"],
        "predicted_nlu_fallback": sum(1 for e in report["errors"] if e["predicted"] == "nlu_fallback"),
    }
    # The default pipeline answers `nlu_fallback` when unsure. Reported as is above; here also with
    # nlu_fallback read as out_of_scope, for comparison only.
    if summary["predicted_nlu_fallback"]:
        summary["with_fallback_as_out_of_scope"] = _remapped(report)
    return summary


def _remapped(report: dict) -> dict:
    """Accuracy, macro-F1 and out-of-scope recall with nlu_fallback counted as out_of_scope."""
    from safe_harbour.evaluation.metrics import accuracy, grouped, macro_f1, per_topic

    # Every dev-set item not in the report's error list was predicted right.
    dev = yaml.safe_load(DEV_SET_PATH.read_text(encoding="utf-8"))
    error_keys = {}
    for e in report["errors"]:
        error_keys.setdefault((e["text"], e["topic"], e["lang"]), []).append(e["predicted"])
    items = []
    for item in dev:
        key = (item["text"], item["topic"], item["lang"])
        predicted = error_keys[key].pop() if error_keys.get(key) else item["topic"]
        if predicted == "nlu_fallback":
            predicted = "out_of_scope"
        items.append({"lang": item["lang"], "pair": (item["topic"], predicted)})
    pairs = [i["pair"] for i in items]
    return {
        "accuracy": accuracy(pairs),
        "macro_f1": macro_f1(pairs),
        "out_of_scope_recall": per_topic(pairs).get("out_of_scope", {}).get("recall", 0.0),
        "by_language": {
            lang: {"accuracy": accuracy([i["pair"] for i in group]), "macro_f1": macro_f1([i["pair"] for i in group])}
            for lang, group in sorted(grouped(items, "lang").items())
        },
    }


def load_sweep(stack: Stack, quick: bool) -> dict:
    duration = 4 if quick else 30
    results = {"rates": []}
    log(f"{stack.name}: warm-up")
    stack.measure(
        lambda: load.open_loop(
            stack.url, 10, 3 if quick else 5, CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, seed=99, tag=f"{stack.name}-warm"
        )
    )
    for rate in RATES:
        log(f"{stack.name}: open loop {rate}/s for {duration} s")
        result = stack.measure(
            partial(
                load.open_loop,
                stack.url,
                rate,
                duration,
                CLIENT_TIMEOUT_S,
                MAX_IN_FLIGHT,
                seed=rate,
                tag=f"{stack.name}-{rate}",
            )
        )
        log(
            f"  p50 {result['p50_ms']} p95 {result['p95_ms']} p99 {result['p99_ms']} ms, errors {result['errors']}, "
            f"{result['throughput_per_s']}/s, server {result['server_cores']['rasa']} cores"
        )
        results["rates"].append(result)
    log(f"{stack.name}: closed loop, {CLOSED_CONVERSATIONS} conversations")
    results["saturation"] = stack.measure(
        lambda: load.closed_loop(
            stack.url, CLOSED_CONVERSATIONS, 5 if quick else 30, CLIENT_TIMEOUT_S, tag=f"{stack.name}-closed"
        )
    )
    log(
        f"  {results['saturation']['throughput_per_s']}/s, p50 {results['saturation']['p50_ms']} ms, "
        f"errors {results['saturation']['errors']}"
    )
    return results


def long_conversations(stack: Stack, quick: bool) -> dict:
    log(f"{stack.name}: long conversations")
    result = stack.measure(
        lambda: load.long_conversation(stack.url, 50, 1 if quick else 3, CLIENT_TIMEOUT_S, tag=f"{stack.name}-long")
    )
    medians = [m for m in result["median_ms_by_position"]]
    result["first5_median_ms"] = load.percentile([m for m in medians[:5] if m is not None], 50)
    result["last5_median_ms"] = load.percentile([m for m in medians[-5:] if m is not None], 50)
    result["message1_ms"], result["message50_ms"] = medians[0], medians[-1]
    return result


def run_stack(
    name: str,
    model: pathlib.Path,
    work: pathlib.Path,
    quick: bool,
    sweep: bool = True,
    growth_rate: int | None = None,
    **stack_args,
) -> dict:
    stack = Stack(name, model, work / f"servers-{name}", **stack_args)
    result: dict = {"loadavg_before_start": loadavg()}
    try:
        result["start_s"] = round(stack.start(), 1)
        log(f"{name}: first answer after {result['start_s']} s")
        time.sleep(3)
        stack.quiesce()
        result["rss_at_rest_mb"] = stack.rss_mb()
        if sweep:
            result.update(load_sweep(stack, quick))
            result["long"] = long_conversations(stack, quick)
        if growth_rate:
            log(f"{name}: open loop {growth_rate}/s")
            result["at_growth_rate"] = stack.measure(
                lambda: load.open_loop(
                    stack.url, growth_rate, 4 if quick else 30, CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, seed=7, tag=f"{name}-g"
                )
            )
        for key in ("rates",):
            if key in result:
                result["peak_rss_under_load_mb"] = {
                    n: max(r["peak_rss_mb"][n] for r in result["rates"] + [result["saturation"]])
                    for n in ("rasa", "actions")
                }
        result["rss_after_mb"] = stack.rss_mb()
    finally:
        stack.stop()
    return result


TUNE_100_S, TUNE_CLOSED_S = 20, 15


def variants() -> list[tuple]:
    """(label, Stack keyword arguments) of the tuning step; each changes one thing from the baseline, the
    last two combine the changes that helped, for this project and (deployment changes being the same for
    any pipeline) for the default pipeline."""
    rows = [
        ("baseline: 1 Sanic worker, SQLite tracker store", {}),
        ("speed-ups: action-response validator built once, TF-IDF weights in Fortran order", {"speedups": True}),
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
            "2 Sanic workers + Redis lock store + Redis tracker store + speed-ups",
            {"endpoints": BENCH / "endpoints-redis-workers.yml", "env": {"SANIC_WORKERS": "2"}, "speedups": True},
        ),
        (
            DEFAULT_TUNED,
            {
                "endpoints": BENCH / "endpoints-redis-workers.yml",
                "env": {"SANIC_WORKERS": "2"},
                "speedups": True,
                "model_name": "default",
            },
        ),
    ]
    return rows


DEFAULT_TUNED = (
    "Rasa default pipeline with the same: 2 Sanic workers + Redis lock store + Redis tracker store "
    "+ cached action-response validator"
)


POSTGRES_DB = "safe_harbour_bench"


def postgres_url() -> str | None:
    """A fresh database on the local PostgreSQL (127.0.0.1:5432, user postgres), or None if there is none."""
    try:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=3)
        connection.close()
    except Exception:
        return None
    return f"postgresql://postgres@127.0.0.1:5432/{POSTGRES_DB}"


def _postgres(statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres", connect_timeout=3)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def _clean_redis(prefix: str) -> None:
    try:
        import redis

        for db in (5, 6):
            client = redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=3)
            keys = list(client.scan_iter(f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
    except Exception as exc:  # Redis down: nothing of ours to clean
        log(f"could not clean Redis keys {prefix}:* ({exc})")


def tune(models: dict[str, pathlib.Path], work: pathlib.Path, quick: bool) -> dict:
    """Variants of the stack, each measured at 100 messages/s and at saturation."""
    results = {}
    for i, (label, args) in enumerate(variants()):
        args = dict(args)
        model = models[args.pop("model_name", "project")]
        if not model.exists():
            continue
        uses_postgres = "postgresql" in args.get("env", {}).get("TRACKER_STORE_URL", "")
        if uses_postgres:
            _postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
            _postgres(f"CREATE DATABASE {POSTGRES_DB}")
        stack = Stack(f"tune{i}", model, work / f"servers-tune{i}", **args)
        try:
            entry = {"start_s": round(stack.start(), 1)}
            log(f"tune: {label}: first answer after {entry['start_s']} s")
            time.sleep(2)
            stack.quiesce()
            entry["rss_at_rest_mb"] = stack.rss_mb()
            stack.measure(
                partial(load.open_loop, stack.url, 10, 3, CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, seed=99, tag=f"tune{i}w")
            )
            entry["at_100"] = stack.measure(
                partial(
                    load.open_loop,
                    stack.url,
                    100,
                    4 if quick else TUNE_100_S,
                    CLIENT_TIMEOUT_S,
                    MAX_IN_FLIGHT,
                    seed=100,
                    tag=f"tune{i}",
                )
            )
            entry["saturation"] = stack.measure(
                partial(
                    load.closed_loop,
                    stack.url,
                    CLOSED_CONVERSATIONS,
                    4 if quick else TUNE_CLOSED_S,
                    CLIENT_TIMEOUT_S,
                    tag=f"tune{i}c",
                )
            )
            entry["rss_after_mb"] = stack.rss_mb()
            log(
                f"  100/s: p50 {entry['at_100']['p50_ms']} p95 {entry['at_100']['p95_ms']} ms, errors "
                f"{entry['at_100']['errors']}; saturation {entry['saturation']['throughput_per_s']}/s"
            )
        except Exception as exc:
            log(f"tune: {label} failed: {exc}")
            entry = {"failed": str(exc)}
        finally:
            stack.stop()
            _clean_redis(stack.env["LOCK_STORE_KEY_PREFIX"])
            if uses_postgres:
                _postgres(f"DROP DATABASE IF EXISTS {POSTGRES_DB}")
        results[label] = entry
    return results


def profile(model: pathlib.Path, work: pathlib.Path, quick: bool, speedups: bool, tag: str = "") -> dict:
    """cProfile of the Rasa server (one worker) under closed-loop load: where a message's time goes."""
    import profile_server

    tag = tag or ("speedups" if speedups else "baseline")
    prof = work / f"server-{tag}.prof"
    stack = Stack(f"profile-{tag}", model, work / f"servers-profile-{tag}", profile_to=prof, speedups=speedups)
    try:
        stack.start()
        time.sleep(2)
        stack.quiesce()
        os.kill(stack.rasa.pid, signal.SIGUSR1)  # start profiling now that the model is loaded
        result = stack.measure(
            lambda: load.closed_loop(stack.url, 20, 5 if quick else 20, CLIENT_TIMEOUT_S, tag=f"prof{tag}")
        )
        os.kill(stack.rasa.pid, signal.SIGUSR2)  # stop and write the statistics
        time.sleep(3)
    finally:
        stack.stop()
    return {"load": result, "breakdown": profile_server.breakdown(prof, result["ok"])}


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short load phases, to check the harness")
    parser.add_argument("--fresh", action="store_true", help="retrain the default-pipeline models too")
    parser.add_argument(
        "--keep-snapshot",
        action="store_true",
        help="train on the data copy of the previous run (bench/models/snapshot), e.g. the one "
        "the cached default-pipeline models were trained on",
    )
    parser.add_argument("--steps", default="train,devset,load,growth,profile,tune")
    parser.add_argument("--out", default=str(BENCH), help="where results.md/json and the plots go")
    args = parser.parse_args()
    steps = set(args.steps.split(","))
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (MODELS / "tmp").mkdir(parents=True, exist_ok=True)
    for old in sorted((MODELS / "tmp").glob("run-*"), key=lambda p: p.stat().st_mtime)[:-2]:
        shutil.rmtree(old, ignore_errors=True)  # keep the logs of the last two runs only
    work = pathlib.Path(tempfile.mkdtemp(prefix="run-", dir=MODELS / "tmp"))
    logs = work
    results: dict = {
        "started_at": now_iso(),
        "loadavg_start": loadavg(),
        "quick": args.quick,
        "command": " ".join(["python bench/run.py"] + sys.argv[1:]),
        "machine": machine(),
        "settings": {
            "rates_per_s": RATES,
            "open_loop_s": 4 if args.quick else 30,
            "closed_loop": {"conversations": CLOSED_CONVERSATIONS, "seconds": 5 if args.quick else 30},
            "client_timeout_s": CLIENT_TIMEOUT_S,
            "max_in_flight": MAX_IN_FLIGHT,
        },
    }
    log(f"load average at start: {results['loadavg_start']}; work dir {work}")
    started = time.monotonic()

    snapshot = MODELS / "snapshot"
    if args.keep_snapshot and (snapshot / "domain.yml").exists():
        log("reusing the data snapshot of an earlier run (--keep-snapshot)")
        shutil.copy(BENCH / "default-config.yml", snapshot / "default-config.yml")
        shutil.rmtree(snapshot / "data-half", ignore_errors=True)
    else:
        take_snapshot(snapshot)
    results["snapshot"] = {
        "taken_at": datetime.datetime.fromtimestamp((snapshot / "domain.yml").stat().st_mtime).isoformat(
            timespec="seconds"
        ),
        "same_as_working_tree": snapshot_matches_tree(snapshot),
    }
    results["data"] = halve_data(snapshot / "data", snapshot / "data-half")

    training = {}
    models = {
        "project": MODELS / "project" / "project.tar.gz",
        "default": MODELS / "default" / "default.tar.gz",
        "project-half": MODELS / "project-half" / "project-half.tar.gz",
        "default-half": MODELS / "default-half" / "default-half.tar.gz",
    }
    if "train" in steps:
        training["project"] = train(snapshot, "data", "config.yml", MODELS / "project", "project", logs)
        training["default"] = train_cached(snapshot, "data", "default-config.yml", "default", logs, args.fresh)
        training["project-half"] = train(
            snapshot, "data-half", "config.yml", MODELS / "project-half", "project-half", logs
        )
        training["default-half"] = train_cached(
            snapshot, "data-half", "default-config.yml", "default-half", logs, args.fresh
        )
    results["training"] = training

    def step(name: str, function) -> None:
        """Runs one step; a failure is recorded and the run goes on with the next step."""
        try:
            function()
        except Exception as exc:  # noqa: BLE001 (reported in results.md)
            log(f"step {name} failed: {exc!r}")
            results.setdefault("failed_steps", {})[name] = repr(exc)
        (work / "results-partial.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))

    if "devset" in steps:

        def run_dev_set() -> None:
            results["dev_set"] = {}
            for name in ("project", "default", "project-half", "default-half"):
                if models[name].exists():
                    results["dev_set"][name] = dev_set(models[name], name, work)

        step("devset", run_dev_set)

    if "load" in steps:
        results["stacks"] = {}

        def run_load(name: str) -> None:
            results["stacks"][name] = run_stack(name, models[name], work, args.quick)

        for name in ("project", "default"):
            if models[name].exists():
                step(f"load {name}", partial(run_load, name))

    if "growth" in steps:
        results["growth"] = {}

        def run_growth(name: str) -> None:
            results["growth"][name] = run_stack(name, models[name], work, args.quick, sweep=False, growth_rate=25)

        for name in ("project-half", "default-half"):
            if models[name].exists():
                step(f"growth {name}", partial(run_growth, name))

    if "profile" in steps:

        def run_profiles() -> None:
            results["profile"] = {}
            results["profile"]["baseline"] = profile(models["project"], work, args.quick, speedups=False)
            results["profile"]["with speed-ups"] = profile(models["project"], work, args.quick, speedups=True)
            if models["default"].exists():
                results["profile"]["default pipeline"] = profile(
                    models["default"], work, args.quick, speedups=False, tag="default"
                )

        step("profile", run_profiles)

    if "tune" in steps:

        def run_tune() -> None:
            results["tuning"] = tune(models, work, args.quick)

        step("tune", run_tune)

    results["finished_at"] = now_iso()
    results["loadavg_end"] = loadavg()
    results["total_minutes"] = round((time.monotonic() - started) / 60, 1)
    import report

    report.write(results, out)
    log(
        f"done in {results['total_minutes']} min; load average at end {results['loadavg_end']}; "
        f"wrote {out / 'results.md'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
