import pytest

from safe_harbour.text.arabic import normalize_letters, prefix_stems, word_forms


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("أحمد", "احمد"),  # hamza on alef
        ("إبني", "ابني"),  # hamza below alef
        ("آمنة", "امنه"),  # madda alef, ta marbuta
        ("على", "علي"),  # alef maksura
        ("صــــورة", "صوره"),  # tatweel
        ("صُورَةٌ", "صوره"),  # harakat and tanwin
        ("عمرها ١٤ سنة", "عمرها 14 سنه"),  # Arabic-Indic digits
        ("۱۵", "15"),  # Persian digits
        ("شو أعمل؟", "شو اعمل?"),  # Arabic question mark
        ("my daughter", "my daughter"),  # Latin text unchanged
    ],
)
def test_normalize_letters(raw, expected):
    assert normalize_letters(raw) == expected


@pytest.mark.parametrize(
    "word, stem",
    [
        ("والصورة", "صورة"),
        ("بالمدرسة", "مدرسة"),
        ("للشرطة", "شرطة"),
        ("فالمغرب", "مغرب"),
        ("وبنتي", "بنتي"),
        ("بمصر", "مصر"),
    ],
)
def test_prefix_stems_include_the_stem(word, stem):
    assert stem in prefix_stems(word)


@pytest.mark.parametrize("word", ["ولد", "بنت", "فيه"])
def test_short_words_are_not_cut(word):
    assert prefix_stems(word) == []


def test_word_forms_keep_the_whole_word_beside_the_stems():
    assert word_forms("وبنتي") == ["وبنتي", "بنتي", "نتي"]
    assert word_forms("صورة") == ["صوره"]
    assert word_forms("snapchat") == ["snapchat"]
