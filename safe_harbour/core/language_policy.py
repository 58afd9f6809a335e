"""Keeps the `language` slot in step with the language the user writes in.

An explicit payload (`/switch_language{"language":"ar"}`) wins, then the text itself, then the widget's
hint (`metadata.language`); a message with no clear signal keeps the current language.
"""

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour.core.slot_policy import SlotFillingPolicy, just_heard_user
from safe_harbour.text.language import detect_language

LANGUAGE_SLOT = "language"


def language_of(message: UserUttered) -> str | None:
    """The language a user turn asks for: an explicit payload entity, the text, then the widget's hint."""
    for entity in message.entities or []:
        if entity.get("entity") == LANGUAGE_SLOT and entity.get("value"):
            return str(entity["value"])
    return detect_language(message.text or "") or (message.metadata or {}).get(LANGUAGE_SLOT)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class LanguagePolicy(SlotFillingPolicy):
    """Sets the `language` slot from each new user message."""

    def slot_values(self, tracker: DialogueStateTracker) -> dict[str, Any]:
        if not just_heard_user(tracker):
            return {}
        return {LANGUAGE_SLOT: language_of(tracker.latest_message)}
