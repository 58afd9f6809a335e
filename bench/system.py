"""The machine: memory and CPU of process trees from /proc, the load average, and what the run ran on."""

import datetime
import os
import pathlib
import platform
import subprocess
import sys
import threading

from settings import PAGE, PROJECT_ROOT, TICKS


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


def tree_pids(*roots: int) -> list[int]:
    """The processes and all their descendants (several roots: e.g. every Rasa server of a layout)."""
    tree, pids, todo = _children(), [], list(roots)
    while todo:
        p = todo.pop()
        pids.append(p)
        todo.extend(tree.get(p, []))
    return pids


def tree_rss_mb(*roots: int) -> float:
    total = 0
    for p in tree_pids(*roots):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except OSError:
            pass
    return total / 2**20


def tree_pss_mb(*roots: int) -> float:
    """Proportional set size of a process tree: shared pages (e.g. of forked Sanic workers) counted once."""
    total = 0
    for p in tree_pids(*roots):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except (OSError, StopIteration, ValueError):
            pass
    return total / 1024


def tree_cpu_s(*roots: int) -> float:
    total = 0
    for p in tree_pids(*roots):
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / TICKS


def tree_runqueue_wait_s(*roots: int) -> float:
    """Seconds the threads of a process tree spent runnable but waiting for a CPU (/proc/*/task/*/schedstat)."""
    total = 0
    for p in tree_pids(*roots):
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
    """Polls the RSS of process trees in a thread; `peak` holds the largest sum seen per name (over all the
    trees of that name's roots)."""

    def __init__(self, pids: dict[str, list[int]], every_s: float = 0.5) -> None:
        self.pids, self.every_s = pids, every_s
        self.peak = {name: 0.0 for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, roots in self.pids.items():
                self.peak[name] = max(self.peak[name], tree_rss_mb(*roots))
            self._stop.wait(self.every_s)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


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
