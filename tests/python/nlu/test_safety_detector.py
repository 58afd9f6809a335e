"""The safety detector's reading of a message (whole and by sentence) and its decision rules."""

import numpy as np
import pytest
import yaml
from rasa.engine.training.fingerprinting import calculate_fingerprint_key
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from safe_harbour.nlu.safety_detector import NONE, SafetyDetector, decide, label_for, segments
from safe_harbour.nlu.tokenizer import BilingualTokenizer
from safe_harbour.topics import registry

CLASSES = ["crisis_self_harm", "immediate_danger", "none", "offer_image", "sextortion"]
# Which topics are urgent (crisis_self_harm, immediate_danger) comes from topics/registry.yml.
CONFIG = {"safety_threshold": 0.5, "urgent_threshold": 0.3, "confirm_threshold": 0.1}
OTHER = ("remove_content", 0.2)  # the classifier's best non-safety topic


def read(text):
    tokens = BilingualTokenizer(BilingualTokenizer.get_default_config()).tokenize(Message(data={TEXT: text}), TEXT)
    return segments(text, tokens)


def rows(*segment_probabilities):
    """One row per segment, from {class: probability} with the rest going to "none"."""
    table = []
    for given in segment_probabilities:
        row = [given.get(c, 0.0) for c in CLASSES]
        row[CLASSES.index(NONE)] = 1.0 - sum(given.values())
        table.append(row)
    return np.array(table)


def test_a_long_message_is_also_read_sentence_by_sentence():
    text = "We reported the account twice. Nothing happened at all. Tonight she said she wants to disappear"
    parts = read(text)
    assert parts == [
        "we reported the account twice nothing happened at all tonight she said she wants to disappear",
        "we reported the account twice",
        "nothing happened at all",
        "tonight she said she wants to disappear",
    ]


def test_arabic_sentences_end_with_arabic_marks_too():
    parts = read("بلغنا المنصة؟ ما في رد؛ بنتي كتبت رسالة وداع")
    # Canonical forms: ة -> ه, and a word with a prefix also yields its stem (بنتي -> نتي).
    assert parts[-1] == "بنتي نتي كتبت رساله وداع داع"
    assert len(parts) == 4


def test_short_fragments_are_not_read_alone():
    assert read("Help. Please. She wants to die") == ["help please she wants to die", "she wants to die"]


def test_an_urgent_topic_in_one_sentence_wins_over_any_topic_guess():
    probabilities = rows({}, {"crisis_self_harm": 0.35})
    assert decide("report_hotline", OTHER, probabilities, CLASSES, CONFIG)[0] == "crisis_self_harm"
    assert decide("sextortion", OTHER, probabilities, CLASSES, CONFIG)[0] == "crisis_self_harm"


def test_the_stronger_urgent_topic_is_chosen():
    probabilities = rows({"crisis_self_harm": 0.31, "immediate_danger": 0.6})
    assert decide("remove_content", OTHER, probabilities, CLASSES, CONFIG)[0] == "immediate_danger"


def test_a_safety_signal_replaces_a_non_safety_guess_but_never_a_safety_one():
    probabilities = rows({"sextortion": 0.4, "offer_image": 0.2})
    assert decide("remove_content", OTHER, probabilities, CLASSES, CONFIG)[0] == "sextortion"
    assert decide("offer_image", OTHER, probabilities, CLASSES, CONFIG) is None


def test_below_both_thresholds_the_guess_stands():
    probabilities = rows({"sextortion": 0.2, "crisis_self_harm": 0.1})
    assert decide("remove_content", OTHER, probabilities, CLASSES, CONFIG) is None


def test_a_safety_guess_with_no_risk_at_all_gives_way_to_the_best_other_topic():
    no_risk = rows({"sextortion": 0.02, "crisis_self_harm": 0.01})
    assert decide("sextortion", OTHER, no_risk, CLASSES, CONFIG) == OTHER
    some_risk = rows({"sextortion": 0.15})
    assert decide("sextortion", OTHER, some_risk, CLASSES, CONFIG) is None


def test_an_urgent_guess_is_never_set_aside():
    no_risk = rows({"crisis_self_harm": 0.01})
    assert decide("crisis_self_harm", OTHER, no_risk, CLASSES, CONFIG) is None


@pytest.mark.parametrize(
    "intent, label",
    [("crisis_self_harm", "crisis_self_harm"), ("sextortion", "sextortion"), ("remove_content", NONE), ("greet", NONE)],
)
def test_the_detector_learns_safety_topics_and_none(intent, label):
    assert label_for(intent) == label


def test_a_change_of_safety_topics_retrains_the_detector_instead_of_using_the_cache(tmp_path, monkeypatch):
    config = SafetyDetector.get_default_config()
    as_registered = calculate_fingerprint_key(SafetyDetector, config, {})
    # A copy of the registry in which own_thoughts is no longer a safety topic, read in place of the real one.
    content = yaml.safe_load(registry.REGISTRY_PATH.read_text(encoding="utf-8"))
    content["topics"]["own_thoughts"].pop("safety")
    content["safety_priority"].remove("own_thoughts")
    changed = tmp_path / "registry.yml"
    changed.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(registry, "REGISTRY_PATH", changed)
    registry.load.cache_clear()
    try:
        assert label_for("own_thoughts") == NONE
        assert calculate_fingerprint_key(SafetyDetector, config, {}) != as_registered
    finally:
        monkeypatch.undo()
        registry.load.cache_clear()
