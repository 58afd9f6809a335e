"""Reads the fixed-vocabulary triage facts from each message into slots, keeping only the result:

* `age_band` - the band of a child's age the family states ("14yo", "عمرها ١٤" -> "13-15"); the latest wins;
* `platforms` - platforms named, from the fixed list in `safe_harbour.text.platforms.PLATFORMS`; accumulated;
* `reported_to` - "platform" / "hotline" / "police" when the family says they already reported; accumulated.

The triage card staff see is built from these slots and recognised topics, never from message text
(see safe_harbour.handoff.triage).
"""

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour.core.slot_policy import SlotFillingPolicy, just_heard_user
from safe_harbour.text.age import detect_age_band
from safe_harbour.text.platforms import detect_platforms
from safe_harbour.text.reports import detect_reports


def _merged(current: Any, new: list[str]) -> list[str]:
    merged = list(current or [])
    merged += [item for item in new if item not in merged]
    return merged


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class TriageSlotsPolicy(SlotFillingPolicy):
    """Sets `age_band`, `platforms` and `reported_to` from each new user message."""

    def slot_values(self, tracker: DialogueStateTracker) -> dict[str, Any]:
        if not just_heard_user(tracker):
            return {}
        text = tracker.latest_message.text or ""
        if text.startswith("/"):  # a button payload says nothing about these
            return {}
        values: dict[str, Any] = {}
        band = detect_age_band(text)
        if band:
            values["age_band"] = band
        platforms = detect_platforms(text)
        if platforms:
            values["platforms"] = _merged(tracker.get_slot("platforms"), platforms)
        reports = detect_reports(text)
        if reports:
            values["reported_to"] = _merged(tracker.get_slot("reported_to"), reports)
        return values
