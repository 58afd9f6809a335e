"""What every phase of the benchmark shares: paths, load settings, targets, the run's context and its log.

Imports nothing else from bench/, so that every other module may import it (bench/README.md, "Files").
"""

import dataclasses
import os
import pathlib
import shutil
import time

BENCH = pathlib.Path(__file__).resolve().parent
PROJECT_ROOT = BENCH.parent
MODELS = BENCH / "models"
SERVED = PROJECT_ROOT / "models" / "bench"  # see stack.Stack._stage_model

RATES = [10, 25, 50, 100, 150]
CLOSED_CONVERSATIONS = 50
CLIENT_TIMEOUT_S = 10.0
MAX_IN_FLIGHT = 256
TUNE_100_S, TUNE_CLOSED_S = 20, 15

TARGETS = {
    "production_ratio": 3.0,  # production layout: saturation >= 3x the default pipeline's in the same layout
    "embedded_ratio": 1.5,  # one process on SQLite: saturation >= 1.5x the default pipeline's
    "p95_at_100_ms": 150.0,  # production layout: p95 <= 150 ms at 100 messages/s offered, no errors
    "train_s": 180.0,  # training from scratch <= 3 minutes
    "start_s": 15.0,  # server start to first answer <= 15 s
    "rss_mb": 1200.0,  # server RSS <= 1.2 GB
}

DEFAULT_TUNED = "Rasa default pipeline with the same: 2 Sanic workers + Redis lock store + Redis tracker store"


@dataclasses.dataclass
class Context:
    """One run of bench/run.py: its options and the folder its servers, logs and data copies go to."""

    quick: bool
    fresh: bool
    work: pathlib.Path
    snapshot: pathlib.Path

    def seconds(self, full: float, quick: float) -> float:
        """The length of a load phase: short with --quick, which only checks the harness."""
        return quick if self.quick else full


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def rasa_bin() -> str:
    return shutil.which("rasa") or str(PROJECT_ROOT / ".venv" / "bin" / "rasa")


TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
