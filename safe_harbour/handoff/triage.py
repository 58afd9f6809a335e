"""The triage card staff see before they join a conversation.

It is built only from slots and recognised topics, never from the family's free text:

* three fixed-vocabulary facts are read from each message by ``safe_harbour.core.triage_policy`` (in the
  Rasa server) with the readers of ``safe_harbour.text`` (``age``, ``platforms``, ``reports``) and kept in
  slots; only the result is stored, never the words: the child's age band, the platforms named, and whether
  the family already reported to the platform, a hotline or the police;
* the topics (intents) recognised in this session, the answers already given (``utter_*`` actions), the
  country and language slots.

Urgency (a simplified Stop It Now Red / Yellow / Green, stated up front so staff can check it) is the most
urgent band of the topics recognised in the session, each topic's band written in topics/registry.yml:

* ``emergency`` - the family said a child may harm themselves (``crisis_self_harm``) or is in danger now
  (``immediate_danger``) at any point in the session;
* ``high`` - an ongoing threat or contact: sextortion (``sextortion``), an adult contacting a child
  (``grooming_concern``), or a child writing on their own (``child_user``);
* ``normal`` - everything else.

The case is filed under the first of the registry's ``case_categories`` recognised in the session.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from safe_harbour.text.age import AGE_BANDS
from safe_harbour.text.platforms import PLATFORMS
from safe_harbour.text.reports import REPORTED_TO
from safe_harbour.topics import registry
from safe_harbour.topics.registry import EMERGENCY, NORMAL, URGENCY_BANDS

URGENCY_RANK = {band: rank for rank, band in enumerate(URGENCY_BANDS)}
NO_CATEGORY = "not_stated"
# Answers that are no advice, besides those of the topics left off the card (small talk): Rasa's "please
# rephrase" (after nlu_fallback, which is no topic and never on the card) and the question for the country.
_ANSWERS_THAT_ARE_NOT_ADVICE = {"utter_default", "utter_ask_country"}


def _is_advice(action: str) -> bool:
    """The country's services, or an answer (utter_*) that is not small talk."""
    if action == "action_show_country_services":
        return True
    if not action.startswith("utter_") or action in _ANSWERS_THAT_ARE_NOT_ADVICE:
        return False
    topic = action[len("utter_") :]
    return topic not in registry.load() or registry.load().on_card(topic)


def _session_events(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    events = list(events or [])
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") == "session_started":
            return events[i + 1 :]
    return events


def topics_of(events: Iterable[dict[str, Any]]) -> list[str]:
    """Topics (intents) recognised in this session, first mention first, small talk left out."""
    seen: list[str] = []
    for event in _session_events(events):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name and registry.load().on_card(name) and name not in seen:
            seen.append(name)
    return seen


def advice_given(events: Iterable[dict[str, Any]]) -> list[str]:
    """The answers already sent in this session (utter_* actions and the country services), in order."""
    given: list[str] = []
    for event in _session_events(events):
        if event.get("event") != "action":
            continue
        name = event.get("name") or ""
        if _is_advice(name) and name not in given:
            given.append(name)
    return given


def urgency_of(topics: Iterable[str]) -> str:
    """The most urgent band of the topics (normal when there is none)."""
    return min((registry.load().urgency(t) for t in topics), key=URGENCY_RANK.__getitem__, default=NORMAL)


def category_of(topics: Iterable[str]) -> str:
    """The first case category (topics/registry.yml) among the topics."""
    topics = set(topics)
    return next((c for c in registry.load().case_categories if c in topics), NO_CATEGORY)


def _list(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def build_summary(events: Iterable[dict[str, Any]], slots: dict[str, Any]) -> dict[str, Any]:
    """The triage card, from slots and recognised topics only (no message text)."""
    events = list(events or [])
    topics = topics_of(events)
    return {
        "category": category_of(topics),
        "urgency": urgency_of(topics),
        "topics": topics,
        "safety_flags": [t for t in topics if registry.load().urgency(t) == EMERGENCY],
        "country": slots.get("country") or None,
        "country_source": slots.get("country_source") or None,
        "language": slots.get("language") or "en",
        "age_band": slots.get("age_band") if slots.get("age_band") in AGE_BANDS else None,
        "platforms": [p for p in _list(slots.get("platforms")) if p in PLATFORMS],
        "reported_to": [r for r in _list(slots.get("reported_to")) if r in REPORTED_TO],
        "advice_given": advice_given(events),
    }
