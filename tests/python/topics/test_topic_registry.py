"""One registry of topics (topics/registry.yml), and everything else that names topics agrees with it.

The checks run on the project itself, and on copies of it with one safety topic removed from one place: each
copy must fail with a message that names that place, so a safety topic can never be dropped silently.
"""

import shutil

import pytest
import yaml

from safe_harbour.topics import console_labels, registry
from safe_harbour.topics.agreement import disagreements
from safe_harbour.topics.registry import PROJECT_ROOT, RegistryError, read

TOPICS = registry.load()
# What the checks read: copied into a temporary folder, where one place is then changed.
CHECKED_FILES = [
    "topics",
    "domain.yml",
    "config.yml",
    "data",
    "evaluation",
    "tests/stories",
    "lexicons",
    console_labels.CONSOLE_SCRIPT.as_posix(),
]


def test_everything_that_names_topics_agrees_with_the_registry():
    problems = disagreements()
    assert problems == [], "\n".join(problems)


def test_the_registry_holds_the_topics_facts_the_components_used_to_list():
    # The facts as they were written in config.yml, lexicons/safety.yml and the triage card before the registry.
    assert set(TOPICS.safety_topics()) == {
        "sextortion",
        "crisis_self_harm",
        "immediate_danger",
        "offer_image",
        "perpetrator_seeking",
        "own_thoughts",
    }
    assert TOPICS.emergency_topics() == ("crisis_self_harm", "immediate_danger")
    assert TOPICS.negatable_topics() == {"immediate_danger", "sextortion", "perpetrator_seeking"}
    assert [t for t in TOPICS.ids() if TOPICS.urgency(t) == "high"] == ["sextortion", "grooming_concern", "child_user"]


# --- copies with one place changed --------------------------------------------------------------------------


def copy_project(tmp_path):
    for relative in CHECKED_FILES:
        source, target = PROJECT_ROOT / relative, tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target)
    return tmp_path


def edit_yaml(path, change):
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False), encoding="utf-8")


def names(steps, topic):
    return any(step.get("intent") == topic for step in steps or [])


def from_registry_entirely(root, topic):
    edit_yaml(root / "topics/registry.yml", lambda r: r["topics"].pop(topic))


def from_registry_safety_flag(root, topic):
    edit_yaml(root / "topics/registry.yml", lambda r: r["topics"][topic].pop("safety"))


def from_registry_priority(root, topic):
    edit_yaml(root / "topics/registry.yml", lambda r: r["safety_priority"].remove(topic))


def from_domain(root, topic):
    edit_yaml(root / "domain.yml", lambda d: d["intents"].remove(topic))


def from_contract(root, topic):
    edit_yaml(
        root / "evaluation/topics.yml",
        lambda c: [area.remove(t) for area in c.values() for t in list(area) if t["id"] == topic],
    )


def from_arabic_examples(root, topic):
    for path in root.glob("data/*/nlu.ar.yml"):
        edit_yaml(path, lambda n: n.update(nlu=[b for b in n["nlu"] if b.get("intent") != topic]))


def from_rules(root, topic):
    for path in root.glob("data/*/rules.yml"):
        edit_yaml(path, lambda r: r.update(rules=[rule for rule in r["rules"] if not names(rule["steps"], topic)]))


def from_responses(root, topic):
    for path in root.glob("data/*/responses.yml"):
        edit_yaml(path, lambda r: r["responses"].pop(f"utter_{topic}", None))


def from_english_stories(root, topic):
    for path in root.glob("tests/stories/**/*_en.yml"):
        edit_yaml(
            path,
            lambda s: s.update(stories=[story for story in s.get("stories") or [] if not names(story["steps"], topic)]),
        )


def from_lexicon(root, topic):
    edit_yaml(root / "lexicons/safety.yml", lambda lexicon: lexicon["topics"].pop(topic))


def from_a_config_list(root, topic):
    """An old-style list in config.yml that leaves one safety topic out (the fallback no longer reads it)."""

    def add_list(config):
        fallback = next(c for c in config["pipeline"] if c["name"].endswith("SafetyFirstFallback"))
        fallback["safety_intents"] = [t for t in TOPICS.safety_topics() if t != topic]

    edit_yaml(root / "config.yml", add_list)


def from_console(root, topic):
    script_path = root / console_labels.CONSOLE_SCRIPT
    script = script_path.read_text(encoding="utf-8")
    labels = console_labels.read(script)
    del labels["en"][topic]
    script_path.write_text(
        script.replace(console_labels.block(console_labels.labels_of(TOPICS)), console_labels.block(labels)),
        encoding="utf-8",
    )


# Each place, the message that must name it, and the safety topics to remove from it: always the crisis topic,
# and in turn each of the others, so that every safety topic is removed from some place.
_OTHERS = [t for t in TOPICS.safety_topics() if t != "crisis_self_harm"]
PLACES = [
    (from_registry_entirely, "topics/registry.yml: safety_priority names '{topic}', which is not a topic"),
    (from_registry_safety_flag, "topics/registry.yml: safety_priority names {topic}, which is not marked safety"),
    (from_registry_priority, "topics/registry.yml: safety topic {topic} is missing from safety_priority"),
    (from_domain, "domain.yml: intents lack {topic}"),
    (from_contract, "evaluation/topics.yml: the safety topic {topic} is missing from the contract"),
    (from_arabic_examples, "data/*/nlu.ar.yml: no examples for {topic}"),
    (from_rules, "data/*/rules.yml: no rule answers {topic}"),
    (from_responses, "data/*/responses.yml: no response utter_{topic}"),
    (from_english_stories, "tests/stories/*_en.yml: no test story for {topic}"),
    (from_a_config_list, "config.yml: SafetyFirstFallback lists topics in 'safety_intents'"),
    (from_console, "safe_harbour/console/static/console.js: no en label for {topic}"),
]
CASES = [
    (place, expected, topic)
    for i, (place, expected) in enumerate(PLACES)
    for topic in ("crisis_self_harm", _OTHERS[i % len(_OTHERS)])
]
# The lexicon has phrases for the emergency and negatable topics only; each of those must keep them.
CASES += [
    (from_lexicon, "lexicons/safety.yml: no phrases for", topic)
    for topic in sorted(set(TOPICS.emergency_topics()) | TOPICS.negatable_topics())
]


def test_an_untouched_copy_agrees(tmp_path):
    assert disagreements(copy_project(tmp_path)) == []


@pytest.mark.parametrize(
    "remove, expected, topic", CASES, ids=[f"{place.__name__}-{topic}" for place, _, topic in CASES]
)
def test_a_safety_topic_removed_from_one_place_is_reported_there(tmp_path, remove, expected, topic):
    root = copy_project(tmp_path)
    remove(root, topic)
    problems = disagreements(root)
    expected = expected.format(topic=topic)
    assert any(p.startswith(expected) for p in problems), f"expected {expected!r}, got:\n" + "\n".join(problems)


def test_a_button_sending_an_unknown_topic_is_reported(tmp_path):
    root = copy_project(tmp_path)
    path = root / "data/conversation/responses.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("payload: /sextortion", "payload: /sextorsion"), encoding="utf-8"
    )
    assert any(
        p.startswith("data/conversation/responses.yml: utter_") and "/sextorsion" in p for p in disagreements(root)
    )


def test_an_evaluation_label_that_is_no_topic_is_reported(tmp_path):
    root = copy_project(tmp_path)
    edit_yaml(root / "evaluation/dev-set.yml", lambda items: items[0].update(topic="ai_image"))
    assert "evaluation/dev-set.yml: messages labelled ai_image, which is not in topics/registry.yml" in disagreements(
        root
    )


# --- the registry refuses to contradict itself ----------------------------------------------------------------


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda r: r["topics"]["sextortion"].update(safty=True), "topic sextortion: unknown field 'safty'"),
        (
            lambda r: r["topics"]["grooming_concern"].update(urgency="emergency"),
            "topic grooming_concern: urgency emergency is only for safety topics",
        ),
        (
            lambda r: r["topics"]["remove_content"].update(negatable=True),
            "topic remove_content: negatable is only for safety topics",
        ),
        (lambda r: r["topics"]["sextortion"].update(urgency="urgent"), "topic sextortion: urgency 'urgent' is not"),
        (lambda r: r["topics"]["adult_victim"]["label"].pop("ar"), "topic adult_victim: no console label in 'ar'"),
        (lambda r: r["case_categories"].append("greet"), "case_categories names greet, which is off the card"),
        (lambda r: r["safety_priority"].append("sextortion"), "safety_priority names sextortion more than once"),
    ],
)
def test_a_registry_that_contradicts_itself_is_refused(tmp_path, change, expected):
    path = tmp_path / "topics" / "registry.yml"
    path.parent.mkdir()
    shutil.copy(registry.REGISTRY_PATH, path)
    edit_yaml(path, change)
    with pytest.raises(RegistryError) as refused:
        read(path)
    assert any(p.startswith(f"topics/registry.yml: {expected}") for p in refused.value.problems), refused.value
