"""Arabic orthographic normalisation, so that spelling variants share features.

People type the same word many ways: with or without hamza on the alef, ta marbuta or ha,
alef maksura or ya, with tatweel stretching or diacritics, with Arabic-Indic or Persian digits,
and with the one-letter prefixes (و ب ل ف ك) and the article (ال) glued to the word.
The model sees one canonical form of each word.
"""

import re

ARABIC_LETTER = re.compile(r"[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]")

_CHAR_MAP = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ۀ": "ه",
        "ە": "ه",
        "ک": "ك",
        "ڪ": "ك",
        "گ": "ك",
        "پ": "ب",
        "چ": "ج",
        "ڤ": "ف",
        "ژ": "ز",
        "،": ",",
        "؛": ";",
        "؟": "?",
        "٪": "%",
        # Arabic-Indic and Extended Arabic-Indic (Persian/Urdu) digits.
        **{chr(0x0660 + d): str(d) for d in range(10)},
        **{chr(0x06F0 + d): str(d) for d in range(10)},
    }
)

# Harakat, tanwin, shadda, sukun, dagger alef, Quranic marks, and tatweel (kashida).
_DIACRITICS = re.compile(r"[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]")

# Conjunction/preposition letters that attach to the next word, optionally followed by the article.
_PREFIXES = [
    "وبال",
    "فبال",
    "ولل",
    "فلل",
    "وال",
    "بال",
    "فال",
    "كال",
    "لل",
    "ال",
    "وب",
    "ول",
    "وف",
    "فب",
    "فل",
    "و",
    "ب",
    "ل",
    "ف",
]
# A stem shorter than this is more likely a whole word that merely starts with the letter
# (e.g. "بنت", "ولد", "فيه") than a prefixed word, so it is left alone.
_MIN_STEM = 3


def normalize_letters(text: str) -> str:
    """Unify letter variants, digits and punctuation; drop diacritics and tatweel."""
    return _DIACRITICS.sub("", text.translate(_CHAR_MAP))


def prefix_stems(word: str) -> list:
    """Every stem left by removing one attached prefix group, shortest prefix first.

    The stem must keep at least three letters, so short words such as "ولد" (boy) or "بنت" (girl) are not
    cut. A word can be read more than one way ("وبنتي" is "و+بنتي", not "وب+نتي"), and some words merely
    begin with one of these letters, so callers keep the whole word beside the stems rather than choose.
    """
    stems = []
    for prefix in sorted(_PREFIXES, key=len):
        stem = word[len(prefix) :]
        if word.startswith(prefix) and len(stem) >= _MIN_STEM and stem not in stems:
            stems.append(stem)
    return stems


def word_forms(word: str) -> list:
    """The normalised word, followed by the stems it may have once a prefix is removed."""
    word = normalize_letters(word)
    if not ARABIC_LETTER.search(word):
        return [word]
    return [word] + prefix_stems(word)
