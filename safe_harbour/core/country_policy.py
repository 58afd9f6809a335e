"""Keeps the `country` slot (ISO code) in step with where the family says they are.

What the user says wins: a button payload (`/inform_country{"country":"JO"}`), else a country, demonym,
capital or large city named in the message (`safe_harbour.directory.find_country`, English, Arabic and
Arabizi). Only when no country is known yet does the widget's language/region setting count
(`metadata.locale`, e.g. "ar-EG" -> EG; never an IP look-up), and such a guess never replaces a country the
user stated. `country_source` records which of the two it was ("stated" or "locale"), so answers can say
that a locale guess is a guess. Only countries in the directory are set.
"""

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour.core.slot_policy import SlotFillingPolicy, just_heard_user
from safe_harbour.directory import countries, find_country

COUNTRY_SLOT = "country"
SOURCE_SLOT = "country_source"
STATED, LOCALE = "stated", "locale"

# BCP 47 tag: language, optional script, then a two-letter region ("ar-EG", "en_GB", "zh-Hant-TW").
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z]{4})?[-_]([A-Za-z]{2})(?:[-_].*)?$")


def _known(code: Any) -> str | None:
    code = str(code or "").strip().upper()
    return code if code in countries() else None


def stated_country(message: UserUttered) -> str | None:
    """The country a user turn names: a payload entity first, then the text (payloads are not read as text)."""
    for entity in message.entities or []:
        if entity.get("entity") == COUNTRY_SLOT and _known(entity.get("value")):
            return _known(entity.get("value"))
    text = message.text or ""
    if text.startswith("/"):
        return None
    return find_country(text)


def locale_country(metadata: dict[str, Any] | None) -> str | None:
    """The region of the widget's locale setting, if it is a country in the directory."""
    locale = (metadata or {}).get("locale")
    if not isinstance(locale, str):
        return None
    match = _LOCALE.match(locale.strip())
    return _known(match.group(1)) if match else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False)
class CountryPolicy(SlotFillingPolicy):
    """Sets `country` and `country_source` from each new user message."""

    def slot_values(self, tracker: DialogueStateTracker) -> dict[str, Any]:
        if not just_heard_user(tracker):
            return {}
        message = tracker.latest_message
        stated = stated_country(message)
        if stated:
            return {COUNTRY_SLOT: stated, SOURCE_SLOT: STATED}
        if tracker.get_slot(COUNTRY_SLOT):
            return {}  # a country is known (stated, or an earlier guess): a locale never replaces it
        guess = locale_country(message.metadata)
        return {COUNTRY_SLOT: guess, SOURCE_SLOT: LOCALE} if guess else {}
