"""Everything else in the project that names topics, checked against the registry; each disagreement says where.

    python -m safe_harbour.topics      # lists the disagreements (exit 1), or says all agree

The places, as paths from the project root:

- topics/registry.yml itself (a safety topic left out of `safety_priority`, a missing label, ...);
- domain.yml: its `intents` are exactly the registry's topics;
- evaluation/topics.yml (the contract): every contract topic is in the registry with the same safety flag, and
  every safety topic is in the contract (so the evaluation measures it);
- data/*/nlu.<language>.yml: examples only for topics, and for every topic in every language;
- data/*/rules.yml: rules name only topics (or Rasa's own intents), and every topic is answered by a rule
  (`intent: <topic>` then `action: utter_<topic>`);
- data/*/responses.yml: an `utter_<topic>` for every topic; buttons send only topics;
- tests/stories/: only topics, and every topic in the stories of every language (`*_<language>.yml`);
- lexicons/safety.yml: phrases only for safety topics, phrases for every emergency and every negatable topic,
  and no topic lists of its own;
- config.yml: no topic lists of its own (the components read the registry); the fallback topic is a topic
  and not a safety topic;
- safe_harbour/console/static/console.js: the registry's labels (`--write-console` writes them);
- evaluation/dev-set.yml and evaluation/held-out/: labelled only with topics (only the labels are read);
- code that names a topic (read from the running code): the country services shown after a topic's answer
  (safe_harbour/directory/render.py) and the guard's image-offer payload (safe_harbour/privacy/guard.py).
"""

from __future__ import annotations

import pathlib
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

import yaml
from rasa.shared.core.constants import DEFAULT_INTENTS

from safe_harbour.topics import console_labels
from safe_harbour.topics.registry import PROJECT_ROOT, Registry, RegistryError, read

REGISTRY = "topics/registry.yml"
_PAYLOAD_INTENT = re.compile(r"^/([\w-]+)")
# Buttons the family's widget handles itself and never sends: /prepare_report opens the report form
# (widget/README.md).
_WIDGET_BUTTONS = {"prepare_report"}


def _load(path: pathlib.Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


class Project:
    """The files of one copy of the project (the real one, or a copy under test)."""

    def __init__(self, root: pathlib.Path = PROJECT_ROOT) -> None:
        self.root = root
        self._read: dict[str, Any] = {}

    def where(self, path: pathlib.Path) -> str:
        return path.relative_to(self.root).as_posix()

    def files(self, pattern: str) -> list[pathlib.Path]:
        return sorted(self.root.glob(pattern))

    def yaml(self, relative: str) -> Any:
        """A YAML file's content ({} when empty), read once per check."""
        if relative not in self._read:
            self._read[relative] = _load(self.root / relative) or {}
        return self._read[relative]

    def languages(self) -> list[str]:
        return list(self.yaml("lexicons/languages.yml")["languages"])


# Intents named in Rasa's steps (rules and stories): `intent:`, and those in `or:` alternatives.
def _step_intents(steps: Iterable[dict[str, Any]]) -> Iterator[str]:
    for step in steps or []:
        if "intent" in step:
            yield step["intent"]
        for alternative in step.get("or") or []:
            if "intent" in alternative:
                yield alternative["intent"]


def _unknown(names: Iterable[str], topics: Registry, allowed: Collection[str] = frozenset()) -> list[str]:
    return sorted({n for n in names if n not in topics and n not in allowed})


def _rasa_intents(topics: Registry) -> set[str]:
    """Rasa's own intents (nlu_fallback, restart, ...), which rules and stories may name."""
    return set(DEFAULT_INTENTS) - set(topics.ids())


def check_domain(project: Project, topics: Registry) -> list[str]:
    intents = [i if isinstance(i, str) else next(iter(i)) for i in project.yaml("domain.yml").get("intents") or []]
    return [f"domain.yml: intents lack {t} ({REGISTRY} has it)" for t in topics.ids() if t not in intents] + [
        f"domain.yml: intent {i} is not in {REGISTRY}" for i in _unknown(intents, topics)
    ]


def check_contract(project: Project, topics: Registry) -> list[str]:
    contract = {t["id"]: bool(t.get("safety")) for area in project.yaml("evaluation/topics.yml").values() for t in area}
    problems = [f"evaluation/topics.yml: topic {t} is not in {REGISTRY}" for t in contract if t not in topics]
    problems += [
        f"evaluation/topics.yml: the safety topic {t} is missing from the contract, so nothing measures it"
        for t in topics.safety_topics()
        if t not in contract
    ]
    problems += [
        f"evaluation/topics.yml: {t} is {'a safety topic' if safe else 'not a safety topic'} in the "
        f"contract but {'not ' if safe else ''}in {REGISTRY}"
        for t, safe in contract.items()
        if t in topics and safe != topics.is_safety(t)
    ]
    return problems


def check_examples(project: Project, topics: Registry) -> list[str]:
    problems: list[str] = []
    covered: dict[str, set[str]] = {}
    for path in project.files("data/*/nlu.*.yml"):
        language = path.name[len("nlu.") : -len(".yml")]
        named = [block["intent"] for block in project.yaml(project.where(path)).get("nlu") or [] if "intent" in block]
        covered.setdefault(language, set()).update(named)
        problems += [
            f"{project.where(path)}: examples for {i}, which is not in {REGISTRY}" for i in _unknown(named, topics)
        ]
    problems += [
        f"data/*/nlu.{language}.yml: no examples for {t}"
        for language, named in sorted(covered.items())
        for t in topics.ids()
        if t not in named
    ]
    return problems


def check_rules(project: Project, topics: Registry) -> list[str]:
    problems, answered = [], set()
    for path in project.files("data/*/rules.yml"):
        for rule in project.yaml(project.where(path)).get("rules") or []:
            steps = rule.get("steps") or []
            problems += [
                f"{project.where(path)}: rule '{rule.get('rule')}' names intent {i}, which is not in {REGISTRY}"
                for i in _unknown(_step_intents(steps), topics, _rasa_intents(topics))
            ]
            answered |= {
                step["intent"]
                for step, after in zip(steps, steps[1:], strict=False)
                if "intent" in step and after.get("action") == f"utter_{step['intent']}"
            }
    return problems + [
        f"data/*/rules.yml: no rule answers {t} (intent: {t}, then action: utter_{t})"
        for t in topics.ids()
        if t not in answered
    ]


def check_responses(project: Project, topics: Registry) -> list[str]:
    problems, responses = [], set()
    for path in project.files("data/*/responses.yml"):
        for name, variations in (project.yaml(project.where(path)).get("responses") or {}).items():
            responses.add(name)
            payloads = {b.get("payload", "") for v in variations or [] for b in v.get("buttons") or []}
            sent = [m.group(1) for m in map(_PAYLOAD_INTENT.match, payloads) if m]
            problems += [
                f"{project.where(path)}: {name} has a button sending /{i}, which is not in {REGISTRY}"
                for i in _unknown(sent, topics, _WIDGET_BUTTONS)
            ]
    return problems + [
        f"data/*/responses.yml: no response utter_{t}" for t in topics.ids() if f"utter_{t}" not in responses
    ]


def check_stories(project: Project, topics: Registry) -> list[str]:
    problems: list[str] = []
    by_language: dict[str, set[str]] = {language: set() for language in project.languages()}
    for path in project.files("tests/stories/**/*.yml"):
        content = project.yaml(project.where(path))
        named = [
            i
            for story in (content.get("stories") or []) + (content.get("rules") or [])
            for i in _step_intents(story.get("steps"))
        ]
        problems += [
            f"{project.where(path)}: a story names intent {i}, which is not in {REGISTRY}"
            for i in _unknown(named, topics, _rasa_intents(topics))
        ]
        language = path.stem.rsplit("_", 1)[-1]
        if language in by_language:
            by_language[language].update(named)
    return problems + [
        f"tests/stories/*_{language}.yml: no test story for {t}"
        for language, named in by_language.items()
        for t in topics.ids()
        if t not in named
    ]


def check_lexicon(project: Project, topics: Registry) -> list[str]:
    lexicon = project.yaml("lexicons/safety.yml")
    with_phrases = set(lexicon.get("topics") or {})
    problems = [
        f"lexicons/safety.yml: '{key}' is not read: {REGISTRY} says it ({instead})"
        for key, instead in (("priority", "safety_priority"), ("negatable", "negatable: true"))
        if key in lexicon
    ]
    problems += [
        f"lexicons/safety.yml: phrases for {t}, which is not a safety topic in {REGISTRY}"
        for t in sorted(with_phrases)
        if not topics.is_safety(t)
    ]
    problems += [
        f"lexicons/safety.yml: no phrases for the emergency topic {t} (the lexicon is what makes it win "
        f"whatever the classifier says)"
        for t in topics.emergency_topics()
        if t not in with_phrases
    ]
    problems += [
        f"lexicons/safety.yml: no phrases for {t}, which {REGISTRY} marks negatable"
        for t in sorted(topics.negatable_topics())
        if t not in with_phrases
    ]
    return problems


def check_config(project: Project, topics: Registry) -> list[str]:
    problems = []
    for component in project.yaml("config.yml").get("pipeline") or []:
        name = component["name"].rsplit(".", 1)[-1]
        problems += [
            f"config.yml: {name} lists topics in '{key}', which it does not read: {REGISTRY} says which "
            f"topics are which; remove the list"
            for key, value in component.items()
            if isinstance(value, list) and any(v in topics for v in value)
        ]
        fallback = component.get("fallback_intent")
        if fallback is not None and (fallback not in topics or topics.is_safety(fallback)):
            problems.append(f"config.yml: {name}'s fallback_intent {fallback} is not a non-safety topic of {REGISTRY}")
    return problems


def check_console(project: Project, topics: Registry) -> list[str]:
    where = console_labels.CONSOLE_SCRIPT.as_posix()
    shown = console_labels.read((project.root / console_labels.CONSOLE_SCRIPT).read_text(encoding="utf-8"))
    if shown is None:
        return [f"{where}: no topic labels block (see safe_harbour/topics/console_labels.py)"]
    expected = console_labels.labels_of(topics)
    fix = "(python -m safe_harbour.topics --write-console)"
    problems = []
    for language, labels in expected.items():
        given = shown.get(language) or {}
        problems += [f"{where}: no {language} label for {t} {fix}" for t in labels if t not in given]
        problems += [
            f"{where}: the {language} label of {t} differs from {REGISTRY} {fix}"
            for t in labels
            if t in given and given[t] != labels[t]
        ]
        problems += [
            f"{where}: a {language} label for {t}, which is not a topic on the card in {REGISTRY} {fix}"
            for t in given
            if t not in labels
        ]
    return problems


def check_evaluation_sets(project: Project, topics: Registry) -> list[str]:
    paths = [project.root / "evaluation" / "dev-set.yml"] + project.files("evaluation/held-out/*.yml")
    return [
        f"{project.where(path)}: messages labelled {t}, which is not in {REGISTRY}"
        for path in paths
        for t in _unknown((item.get("topic") for item in _load(path) or []), topics)
    ]


def check_code(_: Project, topics: Registry) -> list[str]:
    from safe_harbour.directory.render import PURPOSES
    from safe_harbour.privacy.guard import OFFER_IMAGE_PAYLOAD

    problems = [
        f"safe_harbour/directory/render.py: PURPOSES names {t}, which is not in {REGISTRY}"
        for t in _unknown(PURPOSES, topics)
    ]
    offered = OFFER_IMAGE_PAYLOAD.lstrip("/")
    if not topics.is_safety(offered):
        problems.append(
            f"safe_harbour/privacy/guard.py: OFFER_IMAGE_PAYLOAD sends {offered}, which is not a safety "
            f"topic of {REGISTRY}"
        )
    return problems


CHECKS: tuple[Callable[[Project, Registry], list[str]], ...] = (
    check_domain,
    check_contract,
    check_examples,
    check_rules,
    check_responses,
    check_stories,
    check_lexicon,
    check_config,
    check_console,
    check_evaluation_sets,
    check_code,
)


def disagreements(root: pathlib.Path = PROJECT_ROOT) -> list[str]:
    """Every place that disagrees with the registry, one line each, starting with the file."""
    project = Project(root)
    try:
        topics = read(root / REGISTRY)
    except RegistryError as broken:
        return broken.problems
    return [problem for check in CHECKS for problem in check(project, topics)]
