"""Every answer exists in every language, carries its sources, and renders nothing but text and buttons."""
import datetime
import pathlib
import re

import pytest
import yaml

from safe_harbour.evaluation.sets import topic_ids

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
LANGUAGES = yaml.safe_load((PROJECT_ROOT / "lexicons" / "languages.yml").read_text(encoding="utf-8"))["languages"]
DEFAULT_LANGUAGE = "en"  # the variation without a condition
ARABIC = re.compile(r"[\u0600-\u06FF]")
FACTUAL_AREAS = ("situations", "guidance", "safety")


def load_responses():
    responses = {}
    for path in sorted(PROJECT_ROOT.glob("data/*/responses.yml")):
        for name, variations in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            responses[name] = (path.parent.name, variations)
    return responses


RESPONSES = load_responses()


def language_of(variation):
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return condition["value"]
    return DEFAULT_LANGUAGE


@pytest.mark.parametrize("topic", topic_ids())
def test_every_topic_is_an_intent_with_an_answer(topic):
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert topic in domain["intents"]
    assert f"utter_{topic}" in RESPONSES


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_exists_once_per_language(name):
    _, variations = RESPONSES[name]
    languages = [language_of(v) for v in variations]
    assert sorted(languages) == sorted(LANGUAGES), f"{name}: {languages}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_variations_match_each_other(name):
    _, variations = RESPONSES[name]
    payloads = {tuple(b["payload"] for b in v.get("buttons") or []) for v in variations}
    assert len(payloads) == 1, f"{name}: the languages offer different buttons"
    sources = {repr(v.get("metadata", {}).get("sources")) for v in variations}
    assert len(sources) == 1, f"{name}: the languages cite different sources"
    for variation in variations:
        has_arabic = bool(ARABIC.search(variation["text"]))
        assert has_arabic == (language_of(variation) == "ar"), f"{name}: text in the wrong script"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_answers_are_text_and_buttons_only(name):
    _, variations = RESPONSES[name]
    for variation in variations:
        assert not {"image", "attachment", "custom", "elements"} & set(variation), name
        assert "<" not in variation["text"] and ">" not in variation["text"], f"{name}: markup in text"
        for button in variation.get("buttons") or []:
            assert button["payload"].startswith("/"), f"{name}: a button must send an intent payload"


@pytest.mark.parametrize("name", sorted(n for n, (area, _) in RESPONSES.items() if area in FACTUAL_AREAS))
def test_factual_answers_carry_sources_and_a_review_date(name):
    _, variations = RESPONSES[name]
    for variation in variations:
        metadata = variation.get("metadata") or {}
        assert metadata.get("sources"), f"{name}: no sources"
        for source in metadata["sources"]:
            assert source["title"] and source["url"].startswith(("https://", "http://"))
        reviewed = datetime.date.fromisoformat(str(metadata["reviewed"]))
        assert reviewed <= datetime.date.today()


@pytest.mark.parametrize(
    "name",
    sorted(n for n, (area, _) in RESPONSES.items() if area in FACTUAL_AREAS and n != "utter_perpetrator_seeking"),
)
def test_a_person_is_offered_after_situations_guidance_and_safety(name):
    _, variations = RESPONSES[name]
    assert any(b["payload"] == "/request_human" for b in variations[0].get("buttons") or []), name


def test_the_deterrence_answer_offers_nothing_useful():
    _, variations = RESPONSES["utter_perpetrator_seeking"]
    for variation in variations:
        assert not variation.get("buttons")
        assert "stopitnow" in variation["text"].lower().replace(" ", "")
