"""Which language a user's message is in: deterministic, explainable, and driven by lexicons/languages.yml.

The script decides for Arabic letters; for Latin letters, Arabizi (Arabic typed with Latin letters and digits
such as 3 = ع, 7 = ح) is told from English by marker words and by digits used as letters. A message that
gives no clear signal ("ok", "1", an emoji) returns None, so the conversation keeps its current language.
"""

import functools
import pathlib
import re

import yaml

from safe_harbour.text.arabic import normalize_letters

LEXICON_PATH = pathlib.Path(__file__).resolve().parents[2] / "lexicons" / "languages.yml"

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
# Digits that stand for Arabic letters in Arabizi: 2 ء, 3 ع, 5 خ, 6 ط, 7 ح, 8 ق/غ, 9 ق/ص.
_ARABIZI_DIGITS = "2356789"
_DIGIT_INSIDE = re.compile(rf"[a-z][{_ARABIZI_DIGITS}]+[a-z]")
_DIGIT_FIRST = re.compile(rf"^[{_ARABIZI_DIGITS}][a-z]{{2,}}$")
_DIGIT_LAST = re.compile(r"^[a-z]{2,}[237]$")
# English tokens that mix digits and letters: ordinals and units ("5yo", "2nd", "10pm", "3am").
_ENGLISH_NUMBER_WORD = re.compile(
    r"^\d+(st|nd|rd|th|s|yo|y|yr|yrs|yrold|am|pm|k|m|min|mins|h|hr|hrs|g|gb|mb|kg|cm|ft|x|d)$"
)
# A switch request is a short message ("english please", "ممكن بالعربي"), not a long story mentioning a language.
_MAX_SWITCH_WORDS = 6
# Moving an Arabic conversation to English needs more than one stray English word ("ok", "yes").
_MIN_ENGLISH_MARKERS = 2


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict]:
    with open(LEXICON_PATH, encoding="utf-8") as f:
        languages = yaml.safe_load(f)["languages"]
    for spec in languages.values():
        spec["latin_markers"] = {w.lower() for w in spec.get("latin_markers", [])}
        spec["switch_to"] = [_canonical(p) for p in spec.get("switch_to", [])]
        if spec.get("script"):
            spec["script_re"] = re.compile(f"[{spec['script']}]")
    return languages


def _canonical(text: str) -> str:
    """Lower-cased, letter-normalised words separated by single spaces."""
    return " ".join(_WORD.findall(normalize_letters(text.lower())))


def is_arabizi_token(token: str) -> bool:
    """True for a Latin-letter token that uses digits as Arabic letters ("3ayez", "ya3ni", "la2")."""
    token = token.lower()
    if _ENGLISH_NUMBER_WORD.match(token):
        return False
    return bool(_DIGIT_INSIDE.search(token) or _DIGIT_FIRST.match(token) or _DIGIT_LAST.match(token))


def requested_language(text: str) -> str | None:
    """The language a short message explicitly asks to switch to, if exactly one."""
    canonical = _canonical(text)
    if not canonical or len(canonical.split()) > _MAX_SWITCH_WORDS:
        return None
    padded = f" {canonical} "
    asked = {code for code, spec in _lexicon().items() if any(f" {phrase} " in padded for phrase in spec["switch_to"])}
    return asked.pop() if len(asked) == 1 else None


def detect_language(text: str) -> str | None:
    """The language code ("en", "ar", ...) a message is written in, or None when it gives no clear signal."""
    if not text or text.startswith("/"):
        return None
    asked = requested_language(text)
    if asked:
        return asked

    words = _WORD.findall(text)
    scores = {code: 0 for code in _lexicon()}
    latin_words = []
    for word in words:
        script_language = next(
            (c for c, s in _lexicon().items() if "script_re" in s and s["script_re"].search(word)), None
        )
        if script_language:
            scores[script_language] += 1
        elif re.search(r"[A-Za-z]", word):
            latin_words.append(word.lower())

    # Latin letters: Arabizi (marker words, digits as letters) against English (function words).
    english = sum(1 for w in latin_words if w in _lexicon()["en"]["latin_markers"])
    arabizi = sum(1 for w in latin_words if w in _lexicon()["ar"]["latin_markers"] or is_arabizi_token(w))
    scores["ar"] += arabizi if arabizi >= english else 0
    scores["en"] += english

    best = max(scores, key=scores.__getitem__)
    if scores[best] == 0:
        return None
    if best == "en" and scores["en"] < _MIN_ENGLISH_MARKERS:
        return None
    if list(scores.values()).count(scores[best]) > 1:
        # A tie between scripts and English markers: the non-English one wins, since a speaker of it
        # who mixes in English still reads it best ("بنتي on snap" is Arabic).
        return next(c for c, v in scores.items() if v == scores[best] and c != "en")
    return best
