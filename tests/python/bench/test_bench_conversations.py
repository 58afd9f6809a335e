"""The benchmark's conversations (bench/load.py) are what families do: in English, Arabic script and Arabizi,
and through the project's own policies and actions (country look-up, the offer of a person and the handoff),
checked on the real servers by reading what each conversation stored."""

import json
import sqlite3
import sys
import uuid

import pytest

from conftest import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import load  # noqa: E402  (bench/load.py)


def what_it_ran(servers, script) -> dict[str, set[str]]:
    """Sends a script as one conversation; the actions, offered payloads and slots (name=value) it stored."""
    sender = f"bench-check-{uuid.uuid4().hex[:10]}"
    for message in script:
        servers.say(sender, message)
    with sqlite3.connect(servers.tracker_db) as db:
        events = [
            json.loads(data)
            for (data,) in db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,))
        ]
    return {
        "actions": {e["name"] for e in events if e["event"] == "action"},
        "slots": {f"{e['name']}={e['value']}" for e in events if e["event"] == "slot" and e.get("value")},
        "payloads": {
            b.get("payload") for e in events if e["event"] == "bot" for b in (e.get("data") or {}).get("buttons") or []
        },
    }


@pytest.fixture(scope="module")
def ran(servers) -> dict[str, dict[str, set[str]]]:
    """Per language of bench/load.py, the union of what its conversations ran."""
    union: dict[str, dict[str, set[str]]] = {}
    for language, scripts in load.CONVERSATIONS_BY_LANGUAGE.items():
        union[language] = {"actions": set(), "payloads": set(), "slots": set()}
        for script in scripts:
            for key, values in what_it_ran(servers, script).items():
                union[language][key] |= values
    return union


@pytest.mark.parametrize("language", ["en", "ar", "ar-latn"])
def test_each_language_looks_up_a_country_and_reaches_a_person(ran, language):
    assert "action_show_country_services" in ran[language]["actions"]
    assert "/request_human" in ran[language]["payloads"], "a person is offered"
    assert "action_handoff" in ran[language]["actions"], "and asked for"


@pytest.mark.parametrize("language, answers_in", [("en", None), ("ar", "ar"), ("ar-latn", "ar")])
def test_each_language_runs_the_projects_policies(ran, language, answers_in):
    """The project's policies set slots: the answers' language (LanguagePolicy), the country a family states
    (CountryPolicy) and the platforms of the triage card (TriageSlotsPolicy)."""
    slots = ran[language]["slots"]
    if answers_in:
        assert f"language={answers_in}" in slots
    assert "country_source=stated" in slots
    assert any(slot.startswith("platforms=") for slot in slots)
