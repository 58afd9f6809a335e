"""Conversations through the running Rasa server and its REST channel, as a family would have them."""

import re
import uuid

import pytest

pytestmark = pytest.mark.slow  # every test here talks to the servers on loopback

ARABIC = re.compile(r"[\u0600-\u06FF]")


def new_sender() -> str:
    return uuid.uuid4().hex


@pytest.mark.parametrize(
    "text, topic",
    [
        ("someone used an app to make a fake naked picture of my daughter", "ai_generated_image"),
        ("a man says he will post my son's photos unless we send money", "sextortion"),
        ("how do I get the picture removed from the website", "remove_content"),
        ("حد عمل صورة مفبركة لبنتي بالذكاء الاصطناعي", "ai_generated_image"),
        ("واحد يهدد ابني ينشر صوره اذا ما دفع فلوس", "sextortion"),
        ("كيف احذف الصورة من الموقع", "remove_content"),
        ("bnti 3omrha 13 w 7ad 3amal leha sora fake", "ai_generated_image"),
    ],
)
def test_model_parse_returns_the_topic_id(servers, text, topic):
    assert servers.parse(text)["intent"]["name"] == topic


def test_english_conversation_gets_english_answers_with_sources(servers):
    sender = new_sender()
    replies = servers.say(sender, "someone made a fake nude image of my daughter with an app, what do I do")
    assert replies, "no answer"
    answer = replies[0]
    assert not ARABIC.search(answer["text"])
    assert answer["metadata"]["sources"], "a guidance answer carries its sources"
    assert any(b["payload"] == "/request_human" for b in answer["buttons"]), "a person is always offered"


def test_arabic_message_switches_the_answers_to_arabic(servers):
    sender = new_sender()
    replies = servers.say(sender, "في واحد بيهدد بنتي ينشر صورها لو ما بعتتلوش فلوس")
    assert ARABIC.search(replies[0]["text"])
    # The conversation stays in Arabic for a message with no language signal (a button payload).
    follow_up = servers.say(sender, "/preserve_evidence")
    assert ARABIC.search(follow_up[0]["text"])


def test_explicit_switch_back_to_english(servers):
    sender = new_sender()
    servers.say(sender, "مرحبا")
    replies = servers.say(sender, "english please")
    assert replies and not ARABIC.search(replies[0]["text"])


def test_arabizi_is_answered_in_arabic(servers):
    replies = servers.say(new_sender(), "ana mesh 3aref a3mel eh, wa7ed bihadded ibni")
    assert ARABIC.search(replies[0]["text"])


def test_widget_language_payload_switches_language(servers):
    sender = new_sender()
    replies = servers.say(sender, '/switch_language{"language":"ar"}')
    assert ARABIC.search(replies[0]["text"])


@pytest.mark.parametrize(
    "text",
    [
        "my daughter says she wants to kill herself after the photos got out",
        "بنتي بتقول عايزة تموت بعد ما الصور انتشرت",
    ],
)
def test_crisis_is_answered_first_with_an_emergency_contact(servers, text):
    answer = servers.say(new_sender(), text)[0]
    assert "emergency" in answer["text"].lower() or "الطوارئ" in answer["text"]


def test_privacy_answer_states_the_configured_retention(servers):
    answer = servers.say(new_sender(), "is this chat private, what do you store about me")[0]
    assert "30" in answer["text"]
    assert "{retention_days}" not in answer["text"] and "None" not in answer["text"]


def test_web_chat_page_is_served(servers):
    import requests

    page = requests.get(f"{servers.url}/chat", timeout=10)
    assert page.status_code == 200 and "<html" in page.text.lower()
