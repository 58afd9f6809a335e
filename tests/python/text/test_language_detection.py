import pytest

from safe_harbour.text.language import detect_language, is_arabizi_token, requested_language


@pytest.mark.parametrize(
    "text, expected",
    [
        # English
        ("someone made a fake picture of my daughter", "en"),
        ("my 12yo son is being threatened on snapchat", "en"),
        ("salam, my daughter is being blackmailed what do i do", "en"),
        # Arabic script, several dialects, with English words mixed in
        ("بنتي حد عمللها صورة مفبركة", "ar"),
        ("شو لازم اعمل هلق", "ar"),
        ("ابغى اكلم احد", "ar"),
        ("واش نقدر ندير", "ar"),
        ("بنتي AI snapchat", "ar"),
        ("في واحد على الانستا عامل fake account باسم ابني", "ar"),
        # Arabizi
        ("ana mesh 3aref a3mel eh", "ar"),
        ("wa7ed sawa sowar l bnti 3omrha 14", "ar"),
        ("shu lazem a3mel", "ar"),
        ("bghit n3ref kifach n7ayed tswira", "ar"),
        # Explicit switches
        ("english please", "en"),
        ("ممكن انجليزي", "en"),
        ("بالعربي", "ar"),
        ("arabic please", "ar"),
        ("bel 3arabi law sama7t", "ar"),
        # No clear signal: keep the current language
        ("ok", None),
        ("yes", None),
        ("14", None),
        ("💔", None),
        ("/request_human", None),
        ("", None),
    ],
)
def test_detect_language(text, expected):
    assert detect_language(text) == expected


@pytest.mark.parametrize("token", ["3ayez", "ya3ni", "la2", "7abibi", "sa3dni", "5ayfa"])
def test_arabizi_tokens(token):
    assert is_arabizi_token(token)


@pytest.mark.parametrize("token", ["5yo", "12yo", "2nd", "10pm", "mp4", "ps5", "covid19", "daughter"])
def test_english_tokens_with_digits_are_not_arabizi(token):
    assert not is_arabizi_token(token)


def test_a_long_story_mentioning_a_language_is_not_a_switch_request():
    assert requested_language("my daughter speaks arabic and english and someone posted her photo") is None
