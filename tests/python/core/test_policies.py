"""The in-server policies that fill slots: they never choose an action, only set their slot."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour import settings
from safe_harbour.core.language_policy import LanguagePolicy
from safe_harbour.core.settings_policy import SettingsSlotsPolicy

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, switch_language]
entities: [language]
slots:
  language: {type: text, initial_value: en, influence_conversation: false, mappings: [{type: custom}]}
  retention_days: {type: any, influence_conversation: false, mappings: [{type: custom}]}
responses:
  utter_greet: [{text: hi}]
""")


def make_policy(cls, tmp_path):
    return cls.create(
        {**cls.get_default_config()},
        LocalModelStorage(tmp_path),
        Resource(cls.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )


def tracker_after(*messages: UserUttered) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen")]
    for message in messages:
        events += [message]
    return DialogueStateTracker.from_events("s", events, slots=DOMAIN.slots)


@pytest.mark.parametrize(
    "message, expected",
    [
        (UserUttered("شو لازم اعمل"), [SlotSet("language", "ar")]),
        (UserUttered("ana mesh 3aref a3mel eh"), [SlotSet("language", "ar")]),
        (UserUttered("someone is threatening my son"), []),  # already English
        (UserUttered("ok"), []),  # no signal: keep the current language
        (
            UserUttered("/switch_language", entities=[{"entity": "language", "value": "ar"}]),
            [SlotSet("language", "ar")],
        ),
        (UserUttered("14", metadata={"language": "ar"}), [SlotSet("language", "ar")]),  # the widget's hint
    ],
)
def test_language_policy_sets_the_slot_from_the_message(tmp_path, message, expected):
    prediction = make_policy(LanguagePolicy, tmp_path).predict_action_probabilities(tracker_after(message), DOMAIN)
    assert prediction.events == expected
    assert max(prediction.probabilities) == 0.0


def test_language_policy_acts_only_right_after_a_user_message(tmp_path):
    tracker = tracker_after(UserUttered("شو لازم اعمل"))
    tracker.update(ActionExecuted("utter_greet"))
    assert make_policy(LanguagePolicy, tmp_path).predict_action_probabilities(tracker, DOMAIN).events == []


def test_settings_policy_fills_retention_days_once(tmp_path):
    policy = make_policy(SettingsSlotsPolicy, tmp_path)
    tracker = tracker_after(UserUttered("hi"))
    prediction = policy.predict_action_probabilities(tracker, DOMAIN)
    assert prediction.events == [SlotSet("retention_days", settings.RETENTION_DAYS)]
    tracker.update_with_events(prediction.events, DOMAIN)
    assert policy.predict_action_probabilities(tracker, DOMAIN).events == []
