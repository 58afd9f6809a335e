from safe_harbour.channels.outgoing import client_message


def test_only_text_buttons_and_sources_leave_the_server():
    message = {
        "text": "hello",
        "image": "http://x/y.png",
        "attachment": "http://x/y.pdf",
        "custom": {"a": 1},
        "buttons": [{"title": "Talk to a person", "payload": "/request_human"}],
        "metadata": {"sources": [{"title": "t", "url": "https://u"}], "reviewed": "2026-11-25", "secret": 1},
        "utter_action": "utter_greet",
    }
    assert client_message(message) == {
        "text": "hello",
        "buttons": [{"title": "Talk to a person", "payload": "/request_human"}],
        "metadata": {"sources": [{"title": "t", "url": "https://u"}], "reviewed": "2026-11-25"},
    }


def test_a_message_without_text_still_has_a_text_field():
    assert client_message({"custom": {"x": 1}}) == {"text": ""}
