"""The staff triage card: fixed-vocabulary facts, documented urgency rules, and no message text."""
import json

import pytest

from safe_harbour.handoff.triage import (
    build_summary, category_of, detect_age_band, detect_platforms, detect_reports, urgency_of,
)


@pytest.mark.parametrize(
    "text, band",
    [
        ("my 14yo daughter", "13-15"),
        ("she's 14 and terrified", "13-15"),
        ("my son is 12", "under 13"),
        ("a 16-year-old boy", "16-17"),
        ("aged 9", "under 13"),
        ("عمرها ١٤", "13-15"),
        ("بنتي عمرها 17 سنة", "16-17"),
        ("ابني عنده ١١ سنة", "under 13"),
        ("bnti 3omrha 13 w 7ad 3amal leha sora fake", "13-15"),
        ("it happened 2 years ago", None),
        ("he is 15 minutes away", None),
        ("she sent it at 10pm", None),
        ("my 40 year old husband found it", None),
        ("someone made a fake picture", None),
    ],
)
def test_age_band(text, band):
    assert detect_age_band(text) == band


@pytest.mark.parametrize(
    "text, platforms",
    [
        ("he found her on snapchat, then instagram", ["instagram", "snapchat"]),
        ("كان يكلمها عالسناب وبعدين بالواتس", ["snapchat", "whatsapp"]),
        ("حطها على التيك توك", ["tiktok"]),
        ("the face in the picture is hers", []),
        ("شيء نفيس", []),
    ],
)
def test_platforms_from_a_fixed_list(text, platforms):
    assert detect_platforms(text) == platforms


@pytest.mark.parametrize(
    "text, reported",
    [
        ("we already reported it to the police", ["police"]),
        ("we haven't reported it to the police yet", []),
        ("should we report it to the police?", []),
        ("بلغنا الشرطة امبارح", ["police"]),
        ("ما بلغنا الشرطة", []),
        ("ballaghna el shorta", ["police"]),
        ("we reported the account to instagram", ["platform"]),
        ("we reported it to the cybertipline", ["hotline"]),
        ("اتصلنا بخط نجدة الطفل", ["hotline"]),
    ],
)
def test_already_reported_from_fixed_phrases(text, reported):
    assert detect_reports(text) == reported


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
    slots = {"country": "EG", "country_source": "stated", "language": "ar", "age_band": "13-15",
             "platforms": ["snapchat", "made_up"], "reported_to": ["police"]}
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
    events = [_user("she wants to die", "crisis_self_harm"), {"event": "session_started"},
              _user("fake picture", "ai_generated_image")]
    summary = build_summary(events, {})
    assert summary["urgency"] == "normal" and summary["topics"] == ["ai_generated_image"]
