"""A person is offered without being asked: every safety answer and every fallback answer carries the
"Talk to a person" button (/request_human) in both languages, and "Talk to a person" always leads to the
handoff action after its plain answer."""

import pytest
import yaml

from safe_harbour.settings import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"


def responses():
    merged = {}
    for path in DATA.glob("*/responses.yml"):
        merged.update(yaml.safe_load(path.read_text(encoding="utf-8"))["responses"])
    return merged


@pytest.mark.parametrize(
    "name",
    ["utter_crisis_self_harm", "utter_immediate_danger", "utter_out_of_scope", "utter_default", "utter_bot_challenge"],
)
def test_safety_and_fallback_answers_offer_a_person(name):
    variations = responses()[name]
    assert len(variations) == 2  # Arabic (conditioned) and English
    for variation in variations:
        assert "/request_human" in [b["payload"] for b in variation.get("buttons") or []], name


def test_talk_to_a_person_runs_the_handoff_after_the_plain_answer():
    rules = yaml.safe_load((DATA / "conversation" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    [rule] = [r for r in rules if r["steps"][0] == {"intent": "request_human"}]
    assert rule["steps"][1:] == [{"action": "utter_request_human"}, {"action": "action_handoff"}]


@pytest.mark.parametrize(
    "intent", ["report_hotline", "report_police", "inform_country", "crisis_self_harm", "immediate_danger"]
)
def test_country_services_follow_the_plain_answer(intent):
    steps = None
    for path in DATA.glob("*/rules.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            if rule["steps"][0] == {"intent": intent}:
                steps = rule["steps"][1:]
    assert steps == [{"action": f"utter_{intent}"}, {"action": "action_show_country_services"}]
