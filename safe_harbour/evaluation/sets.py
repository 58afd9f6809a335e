"""Where the project's labelled messages and its topic contract live, and how they are read.

Everything is inside the repository (`evaluation/`), so a clone with nothing beside it can test itself.
`evaluation/topics.yml` and `evaluation/dev-set.yml` are the project's copies of the shared contract and
public dev set; `tests/python/evaluation/test_contract_copies.py` checks them against `../shared/` when that
folder is there. `evaluation/held-out/` holds our own held-out messages: never trained or tuned on.
"""

import pathlib

import yaml

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
EVALUATION_DIR = PROJECT_ROOT / "evaluation"
TOPICS_PATH = EVALUATION_DIR / "topics.yml"
DEV_SET_PATH = EVALUATION_DIR / "dev-set.yml"
HELD_OUT_DIR = EVALUATION_DIR / "held-out"
# Where the upstream copies live in the team's workspace (absent in a helpline's clone).
SHARED_DIR = PROJECT_ROOT.parent / "shared"


def load_topics(path: pathlib.Path = TOPICS_PATH) -> dict[str, list[dict]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def topic_ids(path: pathlib.Path = TOPICS_PATH) -> list[str]:
    return [topic["id"] for area in load_topics(path).values() for topic in area]


def safety_topics(path: pathlib.Path = TOPICS_PATH) -> set[str]:
    return {topic["id"] for area in load_topics(path).values() for topic in area if topic.get("safety")}


def load_messages(path: pathlib.Path) -> list[dict]:
    """Labelled messages from one file, or from every `*.yml` file of a folder (in name order)."""
    paths = sorted(path.glob("*.yml")) if path.is_dir() else [path]
    return [item for p in paths for item in yaml.safe_load(p.read_text(encoding="utf-8")) or []]
