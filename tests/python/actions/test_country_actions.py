"""The custom actions, run directly (no servers): action_show_country_services and action_handoff. What they
say by a response's name is rendered from the domain the way the Rasa server renders it."""

import asyncio

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.handoff as handoff_module
from actions.country import ActionShowCountryServices
from actions.handoff import ActionHandoff
from handoff_helpers import unofficial_numbers_in
from safe_harbour import settings
from safe_harbour.console.accounts import StaffAccounts
from safe_harbour.handoff.cases import CLOSED, NO_STAFF_OUTCOME, WAITING, CaseStore


def tracker(intent, text="", slots=None, entities=None, events=None, sender="family-1"):
    slots = {"language": "en", "country": None, "country_source": None, **(slots or {})}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []}
    return Tracker(sender, slots, latest, events or [], False, None, {}, "action_listen")


def run(action, tr):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tr, {}))
    assert events == []
    return dispatcher.messages


from safe_harbour.settings import PROJECT_ROOT  # noqa: E402

DOMAIN = Domain.load([str(PROJECT_ROOT / "domain.yml"), *map(str, sorted(PROJECT_ROOT.glob("data/*/responses.yml")))])


def said(messages, language="en"):
    """What the family sees of the action's messages: the Rasa server's own rendering of an action server's
    reply (responses filled in from the domain in the conversation's language, buttons added)."""
    tracker = DialogueStateTracker.from_events("family", [SlotSet("language", language)], slots=DOMAIN.slots)
    uttered = asyncio.run(
        RemoteAction._utter_responses(
            [dict(message) for message in messages],
            CollectingOutputChannel(),
            TemplatedNaturalLanguageGenerator(DOMAIN.responses),
            tracker,
        )
    )
    return [{"text": event.text, "buttons": event.data.get("buttons") or []} for event in uttered]


def texts(messages):
    return "\n".join(m.get("text") or "" for m in messages)


def test_known_country_gets_its_official_services_with_sources():
    messages = run(
        ActionShowCountryServices(), tracker("report_hotline", slots={"country": "GB", "country_source": "stated"})
    )
    assert len(messages) == 1
    assert "United Kingdom" in messages[0]["text"] and "iwf.org.uk/report" in messages[0]["text"]
    assert messages[0]["metadata"]["sources"] and messages[0]["metadata"]["reviewed"]


def test_arabic_answer_uses_the_directory_arabic_fields():
    messages = run(
        ActionShowCountryServices(),
        tracker("crisis_self_harm", slots={"language": "ar", "country": "EG", "country_source": "stated"}),
    )
    assert "مصر" in messages[0]["text"] and "16000" in messages[0]["text"]
    assert "122" not in messages[0]["text"]  # Egypt's emergency number is not official in the directory


def test_unknown_country_is_asked_after_the_plain_answer():
    messages = run(ActionShowCountryServices(), tracker("report_hotline"))
    assert [(m.get("response"), m.get("text")) for m in messages] == [("utter_ask_country", None)]


def test_a_locale_guess_is_said_to_be_a_guess():
    messages = run(
        ActionShowCountryServices(), tracker("report_police", slots={"country": "US", "country_source": "locale"})
    )
    assert "911" in messages[0]["text"] and "language and region setting" in messages[0]["text"]


def test_an_unknown_country_named_is_not_answered_with_the_locale_guess():
    messages = run(
        ActionShowCountryServices(),
        tracker("inform_country", "we live in france", slots={"country": "EG", "country_source": "locale"}),
    )
    assert "Egypt" not in texts(messages) and "any country" in texts(messages)


def test_amman_or_oman_is_asked_with_buttons():
    messages = run(ActionShowCountryServices(), tracker("inform_country", "ساكنين بعمان", slots={"language": "ar"}))
    [question] = said(messages, "ar")
    assert question["text"] == "أي بلد من هذين تقصد؟"
    assert [(b["title"], b["payload"]) for b in question["buttons"]] == [
        ("بلد آخر", "/inform_country"),
        ("الأردن", '/inform_country{"country":"JO"}'),
        ("عُمان", '/inform_country{"country":"OM"}'),
    ]


@pytest.mark.parametrize("country", ["EG", "SA", "GB", "US", "JO", None])
@pytest.mark.parametrize(
    "intent", ["report_hotline", "report_police", "inform_country", "crisis_self_harm", "immediate_danger"]
)
def test_action_answers_quote_only_official_numbers(country, intent):
    for language in ("en", "ar"):
        messages = run(
            ActionShowCountryServices(),
            tracker(intent, slots={"language": language, "country": country, "country_source": "stated"}),
        )
        assert unofficial_numbers_in(texts(messages)) == []


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A fresh handoff database with no one signed in; staff at any hour."""
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    case_store, accounts = CaseStore(url), StaffAccounts(url)
    monkeypatch.setattr(handoff_module, "get_case_store", lambda: case_store)
    monkeypatch.setattr(handoff_module, "get_staff_accounts", lambda: accounts)
    monkeypatch.setattr(settings, "STAFF_HOURS", "")
    return case_store


@pytest.fixture
def staff_signed_in(store):
    accounts = handoff_module.get_staff_accounts()
    accounts.add_account("omar", "staff", "correct horse battery", iterations=1000)
    accounts.start_session({"name": "omar", "role": "staff"})


def handoff_events(channel="socketio"):
    return [
        {
            "event": "user",
            "text": "someone is blackmailing my son",
            "input_channel": channel,
            "parse_data": {"intent": {"name": "sextortion"}},
        },
        {"event": "action", "name": "utter_sextortion"},
        {
            "event": "user",
            "text": "/request_human",
            "input_channel": channel,
            "parse_data": {"intent": {"name": "request_human"}},
        },
    ]


def test_no_staff_means_an_honest_answer_the_helplines_and_a_recorded_case(store):
    tr = tracker(
        "request_human",
        "/request_human",
        slots={"country": "EG", "country_source": "stated", "language": "ar"},
        events=handoff_events(),
    )
    messages = said(run(ActionHandoff(), tr), "ar")
    assert "لا يوجد أحد من فريقنا متاح الآن" in messages[0]["text"]
    assert "16000" in messages[1]["text"]  # Egypt's official child helpline
    boss = {"name": "amal", "role": "supervisor"}
    [case] = store.closed_cases(boss)
    assert case["status"] == CLOSED and case["outcome"] == NO_STAFF_OUTCOME
    assert case["urgency"] == "high" and case["category"] == "sextortion" and case["country"] == "EG"


def test_outside_hours_says_when_the_team_is_there(store, staff_signed_in, monkeypatch):
    monkeypatch.setattr(settings, "STAFF_HOURS", "00:00-00:01")
    monkeypatch.setattr(settings, "STAFF_TIMEZONE", "Pacific/Kiritimati")
    messages = said(run(ActionHandoff(), tracker("request_human", events=handoff_events())))
    assert "We answer from 00:00 to 00:01 (Pacific/Kiritimati time)" in messages[0]["text"]
    assert messages[-1]["text"].startswith("Which country are you in?")


def test_with_staff_signed_in_the_family_joins_the_queue_once(store, staff_signed_in):
    tr = tracker("request_human", events=handoff_events(), slots={"age_band": "13-15", "platforms": ["snapchat"]})
    messages = said(run(ActionHandoff(), tr))
    assert "join this chat" in messages[0]["text"]
    [case] = store.queue({"name": "omar", "role": "staff"})
    assert case["status"] == WAITING and case["age_band"] == "13-15" and case["platforms"] == ["snapchat"]
    again = said(run(ActionHandoff(), tr))
    assert "already waiting" in again[0]["text"]
    assert len(store.queue({"name": "omar", "role": "staff"})) == 1


def test_a_broken_database_still_gives_the_helplines(monkeypatch):
    def broken():
        raise RuntimeError("database down")

    monkeypatch.setattr(handoff_module, "get_case_store", broken)
    messages = said(run(ActionHandoff(), tracker("request_human", slots={"country": "GB", "country_source": "stated"})))
    assert "couldn't reach our team" in messages[0]["text"] and "0800 1111" in messages[1]["text"]


def test_a_connection_that_cannot_receive_staff_messages_gets_the_helplines(store, staff_signed_in):
    messages = said(
        run(
            ActionHandoff(),
            tracker(
                "request_human",
                events=handoff_events(channel="rest"),
                slots={"country": "JO", "country_source": "stated"},
            ),
        )
    )
    assert "only works in the chat window" in messages[0]["text"] and "110" in messages[1]["text"]
    assert store.queue({"name": "omar", "role": "staff"}) == []
    assert store.closed_cases({"name": "amal", "role": "supervisor"})[0]["outcome"] == NO_STAFF_OUTCOME


# --- issue 11: the first reply to danger, for each of the 14 Arab states -------------------------------------------
ARAB_STATES = ["SA", "AE", "KW", "QA", "BH", "OM", "JO", "EG", "IQ", "LB", "PS", "TN", "DZ", "MA"]
FALLBACK = {"en": "call your country's emergency number", "ar": "اتصل برقم الطوارئ في بلدك"}


def _danger_response(language):

    import yaml

    path = PROJECT_ROOT / "data" / "safety" / "responses.yml"
    variations = yaml.safe_load(path.read_text(encoding="utf-8"))["responses"]["utter_immediate_danger"]
    is_ar = lambda v: any(c.get("value") == "ar" for c in v.get("condition") or [])  # noqa: E731
    return next(v for v in variations if is_ar(v) == (language == "ar"))


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("code", ARAB_STATES)
def test_danger_answer_gives_a_verified_number_with_its_source_or_the_honest_fallback(code, language):
    from safe_harbour.directory import get
    from safe_harbour.directory.render import services_answer

    answer = services_answer(code, "immediate_danger", language)
    official = (
        get(code)["emergency_number"] if (get(code)["emergency_number"] or {}).get("status") == "official" else None
    )
    if official:
        assert official["number"] in answer["text"]
        assert any(s["url"] == official["source"] for s in answer["metadata"]["sources"])
    else:
        assert FALLBACK[language] in answer["text"].lower()
        assert answer["emergency"] is None

    # The plain first reply (which works with the action server down) says the same for this country.
    static = _danger_response(language)
    if official:
        sources = static["metadata"]["phone_sources"]
        assert any(s["number"] == official["number"] and s["url"] == official["source"] for s in sources)
    assert FALLBACK[language] in static["text"].lower()


def test_the_official_jordan_and_us_911_are_in_the_first_reply():
    for language in ("en", "ar"):
        static = _danger_response(language)
        numbers = {(s["country"], s["number"]) for s in static["metadata"]["phone_sources"]}
        assert {("Jordan", "911"), ("United States", "911"), ("Bahrain", "999"), ("Kuwait", "112")} <= numbers
