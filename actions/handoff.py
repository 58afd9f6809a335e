"""`action_handoff`: a family asked to talk to a person ("Talk to a person", payload /request_human).

Runs after the plain `utter_request_human` (which gives the worldwide helpline routes and still works when
this server is down). It opens a case with a triage card built from slots and recognised topics only
(safe_harbour.handoff.triage) and:

* staff signed in and within STAFF_HOURS: the case joins the staff queue and the family is told a person
  will join this chat (the console pauses the bot when a staff member claims it);
* otherwise (no one signed in, outside the hours, or a connection that cannot receive staff messages, i.e.
  not the widget's socket.io): the family is told honestly that no one is available (and why), and is
  given their country's official helplines instead; the case is recorded as closed with the outcome
  "no_staff_hotline_given", so it is never left waiting silently.

What it says is in the domain (data/conversation/responses.yml, utter_handoff_*), in both languages.
"""

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from safe_harbour.console.accounts import get_staff_accounts
from safe_harbour.directory.render import services_answer
from safe_harbour.handoff import availability
from safe_harbour.handoff.cases import CLOSED, NO_STAFF_OUTCOME, WAITING, get_case_store
from safe_harbour.handoff.triage import build_summary

logger = logging.getLogger(__name__)


def _give_helplines(dispatcher: CollectingDispatcher, tracker: Tracker, lang: str) -> None:
    country = tracker.get_slot("country")
    answer = services_answer(
        country, "request_human", lang, locale_guess=tracker.get_slot("country_source") == "locale" and bool(country)
    )
    if answer:
        dispatcher.utter_message(text=answer["text"], metadata=answer["metadata"])
    if not country:
        dispatcher.utter_message(response="utter_ask_country")


class ActionHandoff(Action):
    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        lang = "ar" if tracker.get_slot("language") == "ar" else "en"
        try:
            store = get_case_store()
            if store.open_case_for(tracker.sender_id):
                dispatcher.utter_message(response="utter_handoff_already_waiting")
                return []
            summary = build_summary(tracker.events, tracker.slots)
            now = availability.check(get_staff_accounts(), channel=tracker.get_latest_input_channel())
            if now.available:
                store.create_case(tracker.sender_id, summary, status=WAITING)
                dispatcher.utter_message(response="utter_handoff_queued")
                return []
            store.create_case(tracker.sender_id, summary, status=CLOSED, outcome=NO_STAFF_OUTCOME)
        except Exception:
            logger.exception("The handoff could not be recorded.")
            dispatcher.utter_message(response="utter_handoff_unreachable")
            _give_helplines(dispatcher, tracker, lang)
            return []

        if now.reason == availability.OUTSIDE_HOURS and now.hours:
            start, end = (part.strip() for part in now.hours.split("-"))
            dispatcher.utter_message(response="utter_handoff_outside_hours", start=start, end=end, tz=now.timezone)
        elif now.reason == availability.NO_LIVE_CHANNEL:
            dispatcher.utter_message(response="utter_handoff_no_live_chat")
        else:
            dispatcher.utter_message(response="utter_handoff_no_staff")
        _give_helplines(dispatcher, tracker, lang)
        return []
