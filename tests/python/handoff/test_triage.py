"""The staff triage card: documented urgency rules from the topic registry, and no message text."""

import json

import pytest

from safe_harbour.handoff.triage import build_summary, category_of, urgency_of


@pytest.mark.parametrize(
    "topics, urgency",
    [
        (["ai_generated_image", "crisis_self_harm"], "emergency"),
        (["immediate_danger"], "emergency"),
        (["sextortion"], "high"),
        (["grooming_concern", "remove_content"], "high"),
        (["child_user"], "high"),
        (["ai_generated_image", "remove_content"], "normal"),
        ([], "normal"),
    ],
)
def test_urgency_rules(topics, urgency):
    assert urgency_of(topics) == urgency


def test_category_is_the_most_serious_situation():
    assert category_of(["ai_generated_image", "sextortion"]) == "sextortion"
    assert category_of(["remove_content"]) == "not_stated"


def _user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent, "confidence": 0.9}}}


def test_summary_from_slots_and_topics_only():
    secret = "his username is dark_wolf_77 and he lives on Elm Street"
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        _user("hi", "greet"),
        {"event": "action", "name": "utter_greet"},
        _user(secret, "sextortion"),
        {"event": "action", "name": "utter_sextortion"},
        _user("احنا في مصر", "inform_country"),
        {"event": "action", "name": "utter_inform_country"},
        {"event": "action", "name": "action_show_country_services"},
        _user("/request_human", "request_human"),
        {"event": "action", "name": "utter_request_human"},
    ]
    slots = {
        "country": "EG",
        "country_source": "stated",
        "language": "ar",
        "age_band": "13-15",
        "platforms": ["snapchat", "made_up"],
        "reported_to": ["police"],
    }
    summary = build_summary(events, slots)
    assert summary == {
        "category": "sextortion",
        "urgency": "high",
        "topics": ["sextortion"],
        "safety_flags": [],
        "country": "EG",
        "country_source": "stated",
        "language": "ar",
        "age_band": "13-15",
        "platforms": ["snapchat"],
        "reported_to": ["police"],
        "advice_given": ["utter_sextortion", "action_show_country_services"],
    }
    dumped = json.dumps(summary, ensure_ascii=False)
    assert "dark_wolf" not in dumped and "Elm" not in dumped and "مصر" not in dumped


def test_summary_counts_only_the_current_session():
    events = [
        _user("she wants to die", "crisis_self_harm"),
        {"event": "session_started"},
        _user("fake picture", "ai_generated_image"),
    ]
    summary = build_summary(events, {})
    assert summary["urgency"] == "normal" and summary["topics"] == ["ai_generated_image"]
