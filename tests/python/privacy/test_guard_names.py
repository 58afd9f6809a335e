"""The name detector after a relative ("my son Adam is 12"): a word of the assistant's own training examples
is not a name there either, even when an age follows it. Found by the property test of the directory's
helpline numbers: "my daughter daughter, 14" became "my daughter [name], 14"."""

import pytest

from guard_cases import found
from safe_harbour.privacy import names
from safe_harbour.privacy.guard import guard_message


@pytest.mark.parametrize(
    "text",
    [
        "my daughter daughter, 14",  # the property test's example
        "call 988, my daughter daughter, 14",
        "my son son is 12",
        "my son son",
        "my daughter Daughter, 14",
        "my daughter scared, 14",
        "my son photo (13)",
        "my son صورة, 14",  # a word of the Arabic examples after an English relative
        "بنتي بنتي",
        "بنتي بنتي عمرها ١٤",
        "ابني ابني عمره 12",
    ],
)
def test_a_repeated_or_ordinary_word_after_a_relative_is_kept(text):
    guarded = guard_message(text, {})
    assert guarded.text == text and not guarded.removed


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my son adam is 12", ["adam"]),
        ("my daughter Layla, 13", ["Layla"]),
        ("my son يوسف is 12", ["يوسف"]),
        ("my daughter layla (13)", ["layla"]),
        ("بنتي ليلى عمرها ١٣", ["ليلى"]),
    ],
)
def test_a_name_after_a_relative_is_still_found(text, expected):
    assert [covered for covered, _ in found(names.find, text)] == expected
