"""Copies server settings that answers quote (how long conversations are kept) into slots, so the privacy
answers state the real, configured figure, with no retraining when the setting changes."""

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour import settings
from safe_harbour.core.slot_policy import SlotFillingPolicy


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class SettingsSlotsPolicy(SlotFillingPolicy):
    """Keeps the settings slots equal to the configured values."""

    def slot_values(self, tracker: DialogueStateTracker) -> dict[str, Any]:
        return {"retention_days": settings.RETENTION_DAYS}
