"""Only official numbers reach a family: every phone-like number in every response, and in every answer the
custom actions can give, must be an official number (or official emergency number) in the directory.
Conversations over the running servers are checked too (test_handoff_e2e.py)."""

import glob
import pathlib

import pytest
import yaml

from handoff_helpers import official_numbers, phone_like_numbers, unofficial_numbers_in
from safe_harbour.directory import countries
from safe_harbour.directory.render import PURPOSES, services_answer
from safe_harbour.settings import PROJECT_ROOT


def all_response_texts():
    for path in sorted(glob.glob(str(PROJECT_ROOT / "data" / "*" / "responses.yml"))):
        responses = (yaml.safe_load(open(path, encoding="utf-8")) or {}).get("responses") or {}
        for name, variations in responses.items():
            for i, variation in enumerate(variations):
                texts = [variation.get("text") or ""] + [b.get("title", "") for b in variation.get("buttons") or []]
                yield f"{pathlib.Path(path).parent.name}/{name}[{i}]", "\n".join(texts)


def test_the_number_finder_finds_numbers_and_skips_ages():
    text = (
        "UK: Childline 0800 1111 (under 19) · Australia 1800 55 1800 (ages 5-25) · 24/7 · call 1-800-THE-LOST "
        "or 1.888.PREVENT · from Ireland +44 1372 847 161 · Morocco 19 · 28 days · دون 18 عامًا · مصر ١٦٠٠٠"
    )
    assert phone_like_numbers(text) == [
        "0800 1111",
        "1800 55 1800",
        "1-800-THE-LOST",
        "1.888.PREVENT",
        "+44 1372 847 161",
        "19",
        "16000",
    ]


def test_official_numbers_include_vanity_text_and_emergency_numbers():
    numbers = official_numbers()
    assert {"1800THELOST", "1888PREVENT", "686868", "999", "911", "16000"} <= numbers
    assert "122" not in numbers and "17" not in numbers  # Egypt's and Algeria's emergency numbers are not official
    assert unofficial_numbers_in("Egypt: call 122, or the child helpline 16000") == ["122"]


RESPONSES = list(all_response_texts())


@pytest.mark.parametrize("where, text", RESPONSES, ids=[where for where, _ in RESPONSES])
def test_every_response_quotes_only_official_numbers(where, text):
    assert unofficial_numbers_in(text) == [], f"{where} quotes a number that is not official in the directory"


@pytest.mark.parametrize("country", countries() + [None])
@pytest.mark.parametrize("purpose", sorted(PURPOSES))
@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_country_answer_quotes_only_official_numbers(country, purpose, language):
    answer = services_answer(country, purpose, language, locale_guess=True)
    if answer:
        assert unofficial_numbers_in(answer["text"]) == []
