"""CountryPolicy and TriageSlotsPolicy: in-server policies that only fill slots."""

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from test_policies import make_policy

from safe_harbour.core.country_policy import CountryPolicy, locale_country
from safe_harbour.core.triage_policy import TriageSlotsPolicy

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [inform_country, sextortion]
entities: [country]
slots:
  country: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  country_source: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  age_band: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  platforms: {type: list, influence_conversation: false, mappings: [{type: custom}]}
  reported_to: {type: list, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_x: [{text: x}]
""")


def tracker_with(*events) -> DialogueStateTracker:
    return DialogueStateTracker.from_events("s", [ActionExecuted("action_listen"), *events], slots=DOMAIN.slots)


def events_for(policy, tracker):
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    assert max(prediction.probabilities) == 0.0, "a slot-filling policy never picks an action"
    return prediction.events


@pytest.mark.parametrize(
    "message, expected",
    [
        (UserUttered("احنا في مصر"), {"country": "EG", "country_source": "stated"}),
        (UserUttered("ana sakna f casablanca"), {"country": "MA", "country_source": "stated"}),
        (UserUttered("we live in manchester"), {"country": "GB", "country_source": "stated"}),
        (UserUttered("hello", metadata={"locale": "ar-EG"}), {"country": "EG", "country_source": "locale"}),
        (UserUttered("hello", metadata={"locale": "en_GB"}), {"country": "GB", "country_source": "locale"}),
        (UserUttered("hello", metadata={"locale": "fr-FR"}), {}),  # not in the directory
        (UserUttered("hello", metadata={"locale": "ar"}), {}),  # no region
        (
            UserUttered("/inform_country", entities=[{"entity": "country", "value": "jo"}]),
            {"country": "JO", "country_source": "stated"},
        ),
        (UserUttered("/inform_country", entities=[{"entity": "country", "value": "LY"}]), {}),
    ],
)
def test_country_policy_reads_the_message_then_the_locale(tmp_path, message, expected):
    events = events_for(make_policy(CountryPolicy, tmp_path), tracker_with(message))
    assert {e.key: e.value for e in events} == expected


def test_a_locale_guess_never_replaces_a_stated_country(tmp_path):
    policy = make_policy(CountryPolicy, tmp_path)
    tracker = tracker_with(UserUttered("we're in jordan"))
    tracker.update_with_events(events_for(policy, tracker), DOMAIN)
    assert tracker.get_slot("country") == "JO"
    tracker.update_with_events(
        [
            ActionExecuted("utter_x"),
            ActionExecuted("action_listen"),
            UserUttered("what now", metadata={"locale": "ar-EG"}),
        ],
        DOMAIN,
    )
    assert events_for(policy, tracker) == []


def test_a_stated_country_replaces_a_locale_guess(tmp_path):
    policy = make_policy(CountryPolicy, tmp_path)
    tracker = tracker_with(UserUttered("hi", metadata={"locale": "ar-EG"}))
    tracker.update_with_events(events_for(policy, tracker), DOMAIN)
    assert tracker.get_slot("country_source") == "locale"
    tracker.update_with_events(
        [
            ActionExecuted("utter_x"),
            ActionExecuted("action_listen"),
            UserUttered("actually we live in kuwait", metadata={"locale": "ar-EG"}),
        ],
        DOMAIN,
    )
    assert events_for(policy, tracker) == [SlotSet("country", "KW"), SlotSet("country_source", "stated")]


def test_country_policy_acts_only_right_after_a_user_message(tmp_path):
    tracker = tracker_with(UserUttered("احنا في مصر"))
    tracker.update(ActionExecuted("utter_x"))
    assert events_for(make_policy(CountryPolicy, tmp_path), tracker) == []


@pytest.mark.parametrize(
    "locale, code",
    [
        ("ar-EG", "EG"),
        ("ar-Arab-SA", "SA"),
        ("en-us", "US"),
        ("es-419", None),
        ("", None),
        (None, None),
        ("x" * 100, None),
    ],
)
def test_locale_region(locale, code):
    assert locale_country({"locale": locale}) == code


def test_triage_policy_keeps_only_bands_and_fixed_words(tmp_path):
    policy = make_policy(TriageSlotsPolicy, tmp_path)
    tracker = tracker_with(UserUttered("بنتي عمرها ١٤ وكان يكلمها عالسناب"))
    tracker.update_with_events(events_for(policy, tracker), DOMAIN)
    assert tracker.get_slot("age_band") == "13-15"
    assert tracker.get_slot("platforms") == ["snapchat"]
    tracker.update_with_events(
        [
            ActionExecuted("utter_x"),
            ActionExecuted("action_listen"),
            UserUttered("we already reported it to instagram and told the police"),
        ],
        DOMAIN,
    )
    events = {e.key: e.value for e in events_for(policy, tracker)}
    assert events == {"platforms": ["snapchat", "instagram"], "reported_to": ["police", "platform"]}


def test_triage_policy_ignores_button_payloads(tmp_path):
    tracker = tracker_with(UserUttered('/inform_country{"country":"JO"}'))
    assert events_for(make_policy(TriageSlotsPolicy, tmp_path), tracker) == []
