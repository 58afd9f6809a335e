"""The staff console's topic labels, written into console.js from the registry.

The console is a static page with no build step, so the labels live in a marked block of
safe_harbour/console/static/console.js: `python -m safe_harbour.topics --write-console` writes it, and
`python -m safe_harbour.topics` (tests/python/topics/test_topic_registry.py) fails while it differs from the registry.
"""

import json
import pathlib
import re

from safe_harbour.topics.registry import LABEL_LANGUAGES, Registry

CONSOLE_SCRIPT = pathlib.Path("safe_harbour") / "console" / "static" / "console.js"
_BEGIN = "  // BEGIN topic labels: written from topics/registry.yml by `python -m safe_harbour.topics --write-console`"
_END = "  // END topic labels"
_BLOCK = re.compile(re.escape(_BEGIN) + r"\n  var TOPIC_LABELS = (?P<labels>.*?);\n" + re.escape(_END), re.S)

Labels = dict[str, dict[str, str]]  # language -> topic -> label


def labels_of(topics: Registry) -> Labels:
    return {language: topics.labels(language) for language in LABEL_LANGUAGES}


def block(labels: Labels) -> str:
    body = json.dumps(labels, ensure_ascii=False, indent=2).replace("\n", "\n  ")
    return f"{_BEGIN}\n  var TOPIC_LABELS = {body};\n{_END}"


def read(script: str) -> Labels | None:
    """The labels in the script's block, or None when there is no block."""
    match = _BLOCK.search(script)
    return json.loads(match.group("labels")) if match else None


def write(script_path: pathlib.Path, topics: Registry) -> bool:
    """Rewrites the block from the registry; True when the file changed."""
    script = script_path.read_text(encoding="utf-8")
    if not _BLOCK.search(script):
        raise ValueError(f"{script_path}: no block between {_BEGIN.strip()!r} and {_END.strip()!r}")
    updated = _BLOCK.sub(lambda _: block(labels_of(topics)), script)
    if updated != script:
        script_path.write_text(updated, encoding="utf-8")
    return updated != script
