"""`action_show_country_services`: the official services of the family's country, after the plain answer.

Rules run it after a topic's plain response (report_hotline, report_police, inform_country and the two
safety topics), so the plain, static answer (worldwide routes) always comes first and still reaches the
family when this server is down; this action only adds to it. With the country known it lists that
country's official services (and its official emergency number where it helps); with it unknown it asks
(`utter_ask_country`). Only official entries are ever shown (safe_harbour.directory.render).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from safe_harbour.directory import countries, find_ambiguous, find_country
from safe_harbour.directory.render import country_name, services_answer


def _lang(tracker: Tracker) -> str:
    return "ar" if tracker.get_slot("language") == "ar" else "en"


def _intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def _named_now(tracker: Tracker) -> bool:
    """Whether the latest message itself names a country in the directory (text or button payload)."""
    message = tracker.latest_message or {}
    for entity in message.get("entities") or []:
        if entity.get("entity") == "country" and str(entity.get("value", "")).upper() in countries():
            return True
    text = message.get("text") or ""
    return not text.startswith("/") and find_country(text) is not None


def ask_which_country(dispatcher: CollectingDispatcher, codes, lang: str) -> bool:
    """For a place name that could be two countries ("عمان": Amman in Jordan, or Oman): ask with a button per
    country, added to the response's own "Another country"."""
    known = [code for code in codes if code in countries()]
    if not known:
        return False
    buttons = [
        {"title": country_name(code, lang), "payload": f'/inform_country{{"country":"{code}"}}'} for code in known
    ]
    dispatcher.utter_message(response="utter_ask_which_country", buttons=buttons)
    return True


class ActionShowCountryServices(Action):
    def name(self) -> str:
        return "action_show_country_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = _lang(tracker)
        intent = _intent(tracker)
        country = tracker.get_slot("country")
        locale_guess = tracker.get_slot("country_source") == "locale"
        text = (tracker.latest_message or {}).get("text") or ""

        if intent == "inform_country" and not _named_now(tracker):
            # They told us where they are, but not a country we know: a locale guess must not answer for them.
            ambiguous = find_ambiguous(text) if not text.startswith("/") else None
            if ambiguous and ask_which_country(dispatcher, ambiguous, lang):
                return []
            if locale_guess or not country:
                country = None
        if not country:
            ambiguous = find_ambiguous(text) if not text.startswith("/") else None
            if ambiguous and ask_which_country(dispatcher, ambiguous, lang):
                return []

        answer = services_answer(
            country,
            intent,
            lang,
            locale_guess=locale_guess and bool(country),
            list_world_when_unknown=(intent == "inform_country"),
        )
        if answer:
            dispatcher.utter_message(text=answer["text"], metadata=answer["metadata"])
        if not country and intent != "inform_country":
            dispatcher.utter_message(response="utter_ask_country")
        return []
