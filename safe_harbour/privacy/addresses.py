"""Street addresses and postcodes: "12 Baker Street", "he lives on Maple Drive", "flat 3", "my address is ...",
"عنواني ...", "شارع ...", "3enwani ...", "NW1 6XE"."""

import re

from safe_harbour.privacy.spans import ADDRESS, Span

_STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|close|court|ct|place|pl|crescent|"
    r"terrace|square|sq|parkway|pkwy|highway|hwy|gardens|grove|mews|row"
)
_STOP = {
    "and",
    "the",
    "is",
    "on",
    "in",
    "of",
    "to",
    "a",
    "an",
    "my",
    "her",
    "his",
    "years",
    "year",
    "old",
    "yo",
    "y",
    "months",
    "days",
    "hours",
    "minutes",
    "times",
    "people",
    "kids",
    "children",
    "photos",
    "pictures",
    "images",
    "messages",
    "texts",
    "but",
    "or",
    "with",
    "for",
    "from",
    "at",
    "by",
    "this",
    "that",
    "it",
    "was",
    "were",
    "are",
    "be",
    "all",
    "one",
}
_NUMBERED_STREET = re.compile(
    rf"(?<![\w-])\d{{1,5}}[a-z]?,?\s+((?:[A-Za-z'’.-]+\s+){{1,4}})(?:{_STREET_TYPES})\b\.?", re.I
)
# A street named without a number: capitalised words and a capitalised street type ("Maple Drive").
_NAMED_STREET = re.compile(
    r"\b(?:[A-Z][a-z'’-]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Drive|Boulevard|Close|Court|Crescent|"
    r"Terrace|Square|Parkway|Highway|Gardens|Grove|Mews)\b\.?"
)
_UNIT = re.compile(
    r"(?<![\w-])(?:flat|apt|apartment|unit|suite|villa|building|bldg|block)\s*(?:no\.?\s*|#\s*)?\d{1,5}[a-z]?\b", re.I
)
_INTRO = re.compile(
    r"\b(?:(?:my|our|his|her|their|the)\s+(?:home\s+|house\s+|street\s+)?address\s*(?:is|:)?|"
    r"(?:i|we|he|she|they)\s+(?:live|lives|living|stay|stays)\s+at|address\s*:)\s*([^.\n!?؟،;]{2,80})",
    re.I,
)
_AR_INTRO = re.compile(
    r"(?:عنواني|عنوانى|عنواننا|عنوانه|عنوانها|العنوان|عنوان\s+(?:البيت|المنزل|السكن))(?:\s*(?:هو|هي|:))?"
    r"\s*([^.\n!?؟،;]{2,80})"
)
_AR_STREET = re.compile(r"(?<![\w])(?:شارع|ش\.|حارة|زقاق|عمارة|بناية|فيلا|بلوك)\s+(?:[^\s.،,!?؟;]+\s*){1,3}")
_ARABIZI = re.compile(
    r"\b(?:3enwan[iy]|3nwan[iy]|3onwan[iy]|share3|shar3|3emara|3mara)\s+(?:[^\s.,!?;]+\s*){1,3}", re.I
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")


def find(text: str) -> list[Span]:
    spans = [
        Span(m.start(), m.end(), ADDRESS)
        for m in _NUMBERED_STREET.finditer(text)
        if not any(word.lower() in _STOP for word in m.group(1).split())
    ]
    spans += [
        Span(m.start(), m.end(), ADDRESS)
        for pattern in (_NAMED_STREET, _UNIT, _AR_STREET, _ARABIZI, _POSTCODE)
        for m in pattern.finditer(text)
    ]
    # "I live at 5 Rose Lane, London": the street is the address; the town after it is left.
    streets = {span.start for span in spans}
    spans += [
        Span(m.start(1), m.end(1), ADDRESS)
        for m in _INTRO.finditer(text)
        if _is_address_after_intro(m) and m.start(1) not in streets
    ]
    spans += [
        Span(m.start(1), m.end(1), ADDRESS) for m in _AR_INTRO.finditer(text) if not m.group(1).strip().startswith("[")
    ]
    return [_trimmed(text, span) for span in spans]


def _trimmed(text: str, span: Span) -> Span:
    """Without the spaces the patterns take in at the end."""
    end = span.end
    while end > span.start and text[end - 1].isspace():
        end -= 1
    return Span(span.start, end, span.kind)


def _is_address_after_intro(match: "re.Match") -> bool:
    """'my address is ...' always; 'I live at ...' only with a number, a capital or a street word."""
    value = match.group(1).strip()
    if not value or value.startswith("["):
        return False
    if "address" in match.group(0).lower():
        return True
    return bool(re.search(rf"\d|\b[A-Z]|\b(?:{_STREET_TYPES})\b", value, re.I))
