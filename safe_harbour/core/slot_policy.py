"""Base for policies that only fill slots: they run inside the Rasa server and never choose an action.

Why policies: they see the whole tracker, their events are applied before the next action runs (so answers
use the new value at once), they work when the action server is down, and their slot events are not NLU
predictions (so test stories need not annotate them).
"""

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker


class SlotFillingPolicy(Policy):
    """Subclasses say which slots to set; all their action probabilities are zero."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # The lowest priority, so that even on a tie this (empty) prediction never wins.
        return {"priority": 0}

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        return self._resource

    def slot_values(self, tracker: DialogueStateTracker) -> dict[str, Any]:
        """The slots to set now and their values; unchanged values are skipped by the caller."""
        raise NotImplementedError

    def predict_action_probabilities(
        self, tracker: DialogueStateTracker, domain: Domain, **kwargs: Any
    ) -> PolicyPrediction:
        events = [
            SlotSet(name, value)
            for name, value in self.slot_values(tracker).items()
            if value is not None and value != tracker.get_slot(name)
        ]
        return self._prediction(self._default_predictions(domain), events=events)


def just_heard_user(tracker: DialogueStateTracker) -> bool:
    """True on the first prediction after a user message (not after each bot action)."""
    return tracker.latest_action_name == ACTION_LISTEN_NAME and tracker.latest_message is not None
