"""safe_harbour.rasa_patches: Rasa's check of the action server's answers, with its validator built once,
accepts and refuses exactly what Rasa's own check does."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from safe_harbour import rasa_patches

VALID = [
    {"events": [], "responses": []},
    {},
    {
        "events": [{"event": "slot", "name": "country", "value": "JO", "timestamp": None}],
        "responses": [{"text": "Jordan: call 911", "buttons": [{"title": "Yes", "payload": "/affirm"}]}],
    },
    {"events": [{"event": "followup", "name": "action_listen"}], "responses": [{"response": "utter_crisis"}]},
]
INVALID = [
    {"events": [{"name": "no event type"}]},
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": "country", "timestamp": "yesterday"}]},
]


@pytest.fixture
def action():
    return RemoteAction("action_show_country_services", EndpointConfig("http://127.0.0.1:1/webhook"))


@pytest.mark.parametrize("answer", VALID)
def test_accepts_what_rasa_accepts(action, answer):
    assert rasa_patches._rasa_validate(action, answer) is True
    assert rasa_patches._validate_action_result(action, answer) is True


@pytest.mark.parametrize("answer", INVALID)
def test_refuses_what_rasa_refuses_with_rasas_error(action, answer):
    with pytest.raises(ValidationError) as rasas:
        rasa_patches._rasa_validate(action, answer)
    with pytest.raises(ValidationError) as ours:
        rasa_patches._validate_action_result(action, answer)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message


def test_the_validator_is_built_once(action):
    rasa_patches._action_answer_validator.cache_clear()
    for answer in VALID * 3:
        rasa_patches._validate_action_result(action, answer)
    info = rasa_patches._action_answer_validator.cache_info()
    assert (info.misses, info.hits) == (1, len(VALID) * 3 - 1)


def test_install_replaces_rasas_method(monkeypatch):
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasa_patches._rasa_validate)
    rasa_patches.install()
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result
