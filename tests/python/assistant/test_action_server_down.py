"""Non-negotiable 3: with the action server down, the critical answers still come, in both languages:
emergency and crisis contacts, the image refusal, and the answer to "talk to a person"."""

import re
import uuid

import pytest

from conftest import start_servers

pytestmark = pytest.mark.slow  # every test here starts a Rasa server of its own on loopback

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def rasa_alone(tmp_path_factory):
    running = start_servers(tmp_path_factory.mktemp("no-actions"), with_actions=False)
    yield running
    running.stop()


def first_answer(servers, message):
    replies = servers.say(uuid.uuid4().hex, message)
    assert replies, f"no answer to {message!r}"
    return replies[0]


@pytest.mark.parametrize(
    "message, expected, arabic",
    [
        ("my son says he wants to kill himself because of the photos", "emergency", False),
        ("بنتي قالت بدها تموت بسبب الصور", "الطوارئ", True),
        ("he is outside our house right now and my daughter is alone", "emergency", False),
        ("can I send you the picture so you can see it", "don't send the image", False),
        ("ممكن ابعتلك الصورة تشوفها", "ترسل الصورة", True),
        (
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
            "don't send the image",
            False,
        ),
    ],
)
def test_critical_answers_need_no_action_server(rasa_alone, message, expected, arabic):
    answer = first_answer(rasa_alone, message)
    assert expected in answer["text"].lower()
    assert bool(ARABIC.search(answer["text"])) == arabic


def test_asking_for_a_person_still_gets_the_plain_answer(rasa_alone):
    answer = first_answer(rasa_alone, "I want to talk to a real person")
    # The plain answer comes before action_handoff, which cannot run: it still names a way to a person.
    assert "emergency number" in answer["text"] and "childhelplineinternational.org" in answer["text"]
