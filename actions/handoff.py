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
"""
import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from safe_harbour.console.accounts import get_staff_accounts
from safe_harbour.directory.render import services_answer
from safe_harbour.handoff import availability
from safe_harbour.handoff.cases import CLOSED, NO_STAFF_OUTCOME, WAITING, get_case_store
from safe_harbour.handoff.triage import build_summary

logger = logging.getLogger(__name__)

_TEXT = {
    "en": {
        "queued": ("I've asked a member of our helpline team to join this chat. It may take a few minutes, so "
                   "please keep this page open. They will see a short summary (the topics, your country and "
                   "language) and what you write from now on, not what you wrote before. If a child is in "
                   "danger right now, call your local emergency number."),
        "already": ("You're already waiting for a member of our team. Please keep this page open: they will "
                    "join as soon as they can."),
        "no_staff": "I'm sorry: no one from our team is available right now. A helpline can talk to you instead.",
        "outside_hours": ("I'm sorry: no one from our team is available right now. We answer from {start} to "
                          "{end} ({tz} time). A helpline can talk to you instead."),
        "error": "I'm sorry: I couldn't reach our team just now. A helpline can talk to you instead.",
        "no_live_channel": ("I'm sorry: live chat with our team only works in the chat window on our website, "
                            "and this connection can't receive their messages. A helpline can talk to you "
                            "instead."),
    },
    "ar": {
        "queued": ("طلبتُ من أحد أعضاء فريق خط المساعدة أن ينضم إلى هذه المحادثة. قد يستغرق ذلك بضع دقائق، "
                   "فأبقِ هذه الصفحة مفتوحة. سيرى ملخصًا قصيرًا (المواضيع وبلدك ولغتك)، وما تكتبه من الآن "
                   "فصاعدًا، لا ما كتبته قبل ذلك. إن كان طفل في خطر الآن، فاتصل برقم الطوارئ المحلي."),
        "already": "أنت بالفعل في انتظار أحد أعضاء فريقنا. أبقِ هذه الصفحة مفتوحة، وسينضم إليك في أقرب وقت.",
        "no_staff": "عذرًا، لا يوجد أحد من فريقنا متاح الآن. يمكن لخط مساعدة أن يتحدث معك بدلًا من ذلك.",
        "outside_hours": ("عذرًا، لا يوجد أحد من فريقنا متاح الآن. نعمل من الساعة {start} إلى الساعة {end} "
                          "(بتوقيت {tz}). يمكن لخط مساعدة أن يتحدث معك بدلًا من ذلك."),
        "error": "عذرًا، لم أتمكن من الوصول إلى فريقنا الآن. يمكن لخط مساعدة أن يتحدث معك بدلًا من ذلك.",
        "no_live_channel": ("عذرًا، المحادثة المباشرة مع فريقنا تعمل فقط في نافذة المحادثة على موقعنا، وهذا الاتصال "
                            "لا يستقبل رسائلهم. يمكن لخط مساعدة أن يتحدث معك بدلًا من ذلك."),
    },
}


def _give_helplines(dispatcher: CollectingDispatcher, tracker: Tracker, lang: Text) -> None:
    country = tracker.get_slot("country")
    answer = services_answer(country, "request_human", lang,
                             locale_guess=tracker.get_slot("country_source") == "locale" and bool(country))
    if answer:
        dispatcher.utter_message(text=answer["text"], metadata=answer["metadata"])
    if not country:
        dispatcher.utter_message(response="utter_ask_country")


class ActionHandoff(Action):
    def name(self) -> Text:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        lang = "ar" if tracker.get_slot("language") == "ar" else "en"
        words = _TEXT[lang]
        try:
            store = get_case_store()
            if store.open_case_for(tracker.sender_id):
                dispatcher.utter_message(text=words["already"])
                return []
            summary = build_summary(tracker.events, tracker.slots)
            now = availability.check(get_staff_accounts(), channel=tracker.get_latest_input_channel())
            if now.available:
                store.create_case(tracker.sender_id, summary, status=WAITING)
                dispatcher.utter_message(text=words["queued"])
                return []
            store.create_case(tracker.sender_id, summary, status=CLOSED, outcome=NO_STAFF_OUTCOME)
        except Exception:
            logger.exception("The handoff could not be recorded.")
            dispatcher.utter_message(text=words["error"])
            _give_helplines(dispatcher, tracker, lang)
            return []

        if now.reason == availability.OUTSIDE_HOURS and now.hours:
            start, end = (part.strip() for part in now.hours.split("-"))
            dispatcher.utter_message(text=words["outside_hours"].format(start=start, end=end, tz=now.timezone))
        elif now.reason == availability.NO_LIVE_CHANNEL:
            dispatcher.utter_message(text=words["no_live_channel"])
        else:
            dispatcher.utter_message(text=words["no_staff"])
        _give_helplines(dispatcher, tracker, lang)
        return []
