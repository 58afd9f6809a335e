"""Keeps the `language` slot in step with the language the user writes in.

A policy rather than an entity or a custom action: it runs inside the Rasa server (so answers come in the
right language even when the action server is down), it sees the tracker (so a message with no clear signal
keeps the current language), and its slot event is not an NLU prediction (so test stories need not annotate
it). It never predicts an action: all its probabilities are zero, it only contributes the slot event.
"""
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour.text.language import detect_language

LANGUAGE_SLOT = "language"


def language_of(message: UserUttered) -> Optional[Text]:
    """The language a user turn asks for: an explicit payload entity, the text, then the widget's hint."""
    for entity in message.entities or []:
        if entity.get("entity") == LANGUAGE_SLOT and entity.get("value"):
            return str(entity["value"])
    return detect_language(message.text or "") or (message.metadata or {}).get(LANGUAGE_SLOT)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class LanguagePolicy(Policy):
    """Sets the `language` slot from each new user message; never chooses an action."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # The lowest priority: even on a tie it must never be the policy whose (empty) prediction wins.
        return {"priority": 0}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, **kwargs: Any
    ) -> PolicyPrediction:
        events = []
        # Only on the first prediction after a user message, not after every bot action.
        if tracker.latest_action_name == ACTION_LISTEN_NAME and tracker.latest_message:
            language = language_of(tracker.latest_message)
            if language and language != tracker.get_slot(LANGUAGE_SLOT):
                events.append(SlotSet(LANGUAGE_SLOT, language))
        return self._prediction(self._default_predictions(domain), events=events)
