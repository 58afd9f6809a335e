"""Each topic's facts, read from topics/registry.yml (its header says what every field means).

    from safe_harbour.topics import registry
    registry.load().safety_topics()

`load()` reads the project's registry once per process; `read(path)` reads any copy (the checks and tests do).
A registry that contradicts itself (a safety topic left out of `safety_priority`, an emergency topic that
is not a safety topic, a typo in a field name) is refused with every problem listed, so a safety topic cannot
be lost to a slip of the keyboard.
"""

from __future__ import annotations

import functools
import pathlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
REGISTRY_PATH = PROJECT_ROOT / "topics" / "registry.yml"

EMERGENCY, HIGH, NORMAL = "emergency", "high", "normal"
URGENCY_BANDS = (EMERGENCY, HIGH, NORMAL)  # most urgent first
LABEL_LANGUAGES = ("en", "ar")
_TOPIC_FIELDS = ("safety", "urgency", "negatable", "card", "label")
_TOP_LEVEL = ("safety_priority", "case_categories", "topics")


class RegistryError(ValueError):
    """The registry contradicts itself; `problems` lists each problem, naming the file and the topic."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Topic:
    id: str
    safety: bool = False
    urgency: str = NORMAL
    negatable: bool = False
    on_card: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Registry:
    topics: Mapping[str, Topic]  # in the file's order
    safety_priority: tuple[str, ...]
    case_categories: tuple[str, ...]

    def ids(self) -> tuple[str, ...]:
        return tuple(self.topics)

    def __contains__(self, topic: object) -> bool:
        return topic in self.topics

    def safety_topics(self) -> tuple[str, ...]:
        """The safety topics, the one to act on first first."""
        return self.safety_priority

    def is_safety(self, topic: str | None) -> bool:
        return topic is not None and topic in self.topics and self.topics[topic].safety

    def emergency_topics(self) -> tuple[str, ...]:
        """Self-harm and danger now: they win over every other topic (in priority order)."""
        return tuple(t for t in self.safety_priority if self.topics[t].urgency == EMERGENCY)

    def negatable_topics(self) -> frozenset[str]:
        return frozenset(t for t, topic in self.topics.items() if topic.negatable)

    def rank(self, topic: str | None) -> int:
        """Position in the safety priority; any other topic ranks after every safety topic."""
        return self.safety_priority.index(topic) if topic in self.safety_priority else len(self.safety_priority)

    def urgency(self, topic: str) -> str:
        return self.topics[topic].urgency if topic in self.topics else NORMAL

    def on_card(self, topic: str) -> bool:
        """Whether the topic says something about the family's situation (small talk does not)."""
        return topic in self.topics and self.topics[topic].on_card

    def labels(self, language: str) -> dict[str, str]:
        """Console labels of the topics on the card, in one language."""
        return {t: topic.labels[language] for t, topic in self.topics.items() if topic.on_card}


def _problems_of_topic(topic_id: str, entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return [f"topic {topic_id}: expected a mapping of fields, found {entry!r}"]
    problems = [
        f"topic {topic_id}: unknown field {name!r} (known: {', '.join(_TOPIC_FIELDS)})"
        for name in entry
        if name not in _TOPIC_FIELDS
    ]
    problems += [
        f"topic {topic_id}: {name} must be true or false"
        for name in ("safety", "negatable", "card")
        if name in entry and not isinstance(entry[name], bool)
    ]
    urgency = entry.get("urgency", NORMAL)
    if urgency not in URGENCY_BANDS:
        problems.append(f"topic {topic_id}: urgency {urgency!r} is not one of {', '.join(URGENCY_BANDS)}")
    if not entry.get("safety"):
        wrong = {"urgency emergency": urgency == EMERGENCY, "negatable": entry.get("negatable")}
        problems += [f"topic {topic_id}: {what} is only for safety topics" for what, is_set in wrong.items() if is_set]
    if entry.get("card", True):
        label: dict[str, Any] = entry["label"] if isinstance(entry.get("label"), dict) else {}
        problems += [
            f"topic {topic_id}: no console label in {language!r} (label: {{{', '.join(LABEL_LANGUAGES)}}})"
            for language in LABEL_LANGUAGES
            if not str(label.get(language) or "").strip()
        ]
    return problems


def _problems_of_list(name: str, listed: Any, topics: Mapping[str, Any]) -> list[str]:
    if not isinstance(listed, list):
        return [f"{name} must be a list of topic ids"]
    problems = [f"{name} names {t!r}, which is not a topic" for t in listed if t not in topics]
    problems += [f"{name} names {t} more than once" for t in sorted({t for t in listed if listed.count(t) > 1})]
    return problems


def read(path: pathlib.Path = REGISTRY_PATH) -> Registry:
    """The registry in `path`, or RegistryError listing everything that is wrong with it."""
    where = f"{path.parent.name}/{path.name}"
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries: dict[str, Any] = raw["topics"] if isinstance(raw.get("topics"), dict) else {}
    problems = [f"unknown section {key!r} (known: {', '.join(_TOP_LEVEL)})" for key in raw if key not in _TOP_LEVEL]
    if not entries:
        problems.append("no topics")
    for topic_id, entry in entries.items():
        problems += _problems_of_topic(topic_id, entry)
    priority, categories = raw.get("safety_priority"), raw.get("case_categories")
    problems += _problems_of_list("safety_priority", priority, entries)
    problems += _problems_of_list("case_categories", categories, entries)
    if isinstance(priority, list):
        safety = [t for t, entry in entries.items() if isinstance(entry, dict) and entry.get("safety")]
        problems += [f"safety topic {t} is missing from safety_priority" for t in safety if t not in priority]
        problems += [
            f"safety_priority names {t}, which is not marked safety: true"
            for t in priority
            if t in entries and t not in safety
        ]
    if isinstance(categories, list):
        problems += [
            f"case_categories names {t}, which is off the card (card: false)"
            for t in categories
            if isinstance(entries.get(t), dict) and entries[t].get("card") is False
        ]
    if problems:
        raise RegistryError([f"{where}: {problem}" for problem in problems])
    topics = {
        topic_id: Topic(
            id=topic_id,
            safety=entry.get("safety", False),
            urgency=entry.get("urgency", NORMAL),
            negatable=entry.get("negatable", False),
            on_card=entry.get("card", True),
            labels=dict(entry.get("label") or {}),
        )
        for topic_id, entry in entries.items()
    }
    # Both are lists here: _problems_of_list reported anything else above.
    return Registry(topics=topics, safety_priority=tuple(priority or ()), case_categories=tuple(categories or ()))


@functools.lru_cache(maxsize=1)
def load() -> Registry:
    """The project's registry (topics/registry.yml), read once per process."""
    return read(REGISTRY_PATH)
