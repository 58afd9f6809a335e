"""The child's age band, read from a message: "14yo", "she's 14", "عمرها ١٤", "3omrha 13" -> "13-15".

Only the band is ever kept (the triage card's `age_band` slot, set by safe_harbour.core.triage_policy), never
the age or the words.
"""

import re

from safe_harbour.text.arabic import normalize_letters

# Age bands: only the band is kept, never the age.
AGE_BANDS = ("under 13", "13-15", "16-17", "18+")
_MAX_CHILD_AGE_READ = 25  # a larger number next to "years old" is probably the parent, not the child


def age_band(age: int) -> str | None:
    if age < 1 or age > _MAX_CHILD_AGE_READ:
        return None
    if age < 13:
        return "under 13"
    if age <= 15:
        return "13-15"
    if age <= 17:
        return "16-17"
    return "18+"


_NOT_AGE_AFTER = r"(?!\s*(?:%|am\b|pm\b|:|hours?\b|days?\b|weeks?\b|months?\b|times?\b|min|mins\b|minutes?\b|k\b|\$))"
_AGE_PATTERNS = [
    # English: "14yo", "14 y/o", "14 yr old", "14-year-old", "14 years old", "aged 14", "age 14"
    re.compile(r"\b(\d{1,2})\s*-?\s*(?:yo|y/o|y\.o\.?)(?![a-z])", re.I),
    re.compile(r"\b(\d{1,2})\s*-?\s*(?:years?|yrs?|yr)\s*-?\s*old\b", re.I),
    re.compile(r"\b(?:aged?|ages)\s*(?:is\s*|of\s*)?(\d{1,2})\b" + _NOT_AGE_AFTER, re.I),
    # "she's 14", "my son is 13", "he just turned 12"
    re.compile(
        r"\b(?:she|he|they|daughter|son|child|kid|boy|girl|stepdaughter|stepson|niece|nephew)"
        r"(?:'s|\s+is|\s+was|\s+turned|\s+just\s+turned|\s+only)\s+(?:only\s+|just\s+)?(\d{1,2})\b" + _NOT_AGE_AFTER,
        re.I,
    ),
    # Arabic (after letter normalisation): "عمرها ١٤", "عمره 13 سنه", "عمرها تقريبا 14"
    re.compile(r"عمر[\u0621-\u064A]{0,3}\s+(?:[\u0621-\u064A]+\s+)?(\d{1,2})(?!\d)"),
    # "عندها 14 سنه", "بنتي 13 سنه", "ابني عنده ١٢ سنة"
    re.compile(
        r"(?:عند[\u0621-\u064A]{0,2}|بنت[\u0621-\u064A]{0,2}|ابن[\u0621-\u064A]{0,2}|ولد[\u0621-\u064A]{0,2})"
        r"\s+(\d{1,2})\s*(?:سنه|سنين|سنوات|عام|عاما)"
    ),
    # Arabizi: "3omrha 13", "3omro 14 sana", "3andaha 12 sana"
    re.compile(r"\b3omr[a-z]{0,4}\s+(?:[a-z]+\s+)?(\d{1,2})\b", re.I),
    re.compile(r"\b(\d{1,2})\s*(?:sana|sneen|snin|sanawat)\b", re.I),
]


def detect_age_band(text: str) -> str | None:
    """The age band of the first age stated in a message, or None."""
    text = normalize_letters(text or "")
    for pattern in _AGE_PATTERNS:
        match = pattern.search(text)
        if match:
            band = age_band(int(match.group(1)))
            if band:
                return band
    return None
