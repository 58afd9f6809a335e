"""Where a family says they already reported: "platform", "hotline" or "police", from fixed phrases only
("we reported it to the police", "بلغنا الشرطة"; "we haven't reported it yet" does not count).

Only those three words are kept (the `reported_to` slot, set by safe_harbour.core.triage_policy).
"""

import re

from safe_harbour.text.arabic import normalize_letters
from safe_harbour.text.platforms import ARABIC_GLUE, ARABIC_LETTERS, PLATFORMS

# Already reported? Fixed phrases only (past tense "we reported it to ...", "بلغنا الشرطة").
_REPORT_VERB_EN = (
    r"(?:reported(?:\s+(?:it|him|her|them|this|the\s+\w+))?|told|went\s+to|called|phoned|rang|"
    r"contacted|informed|filed\s+(?:a\s+)?(?:report|complaint)\s+with|flagged)"
)
_PLATFORM_WORDS_EN = "|".join(n for names in PLATFORMS.values() for n in names["latin"]) + "|platform|app|site|website"
_REPORT_VERB_AR = (
    r"(?:بلغ|بلغنا|بلغت|ابلغ|ابلغنا|ابلغت|اشتكي|اشتكينا|اشتكيت|قدمنا|قدمت|رحنا|روحنا|مشينا|اتصلنا|اتصلت|كلمنا|كلمت"
    r"|عملنا|سوينا)"
)
_REPORTED = {
    "police": [
        re.compile(
            rf"\b{_REPORT_VERB_EN}\s+(?:it\s+|him\s+|her\s+|them\s+|this\s+)?(?:to\s+)?(?:the\s+)?"
            r"(?:police|cops|cyber\s*crime\s+unit|fbi|ceop|gardai)\b",
            re.I,
        ),
        re.compile(r"\b(?:filed|made|have|got)\s+(?:a\s+)?police\s+(?:report|complaint|case)\b", re.I),
        re.compile(r"\bpolice\s+(?:already\s+)?(?:know|are\s+involved|have\s+been\s+told)\b", re.I),
        re.compile(
            rf"{_REPORT_VERB_AR}[{ARABIC_LETTERS}]*\s+(?:[{ARABIC_LETTERS}]+\s+){{0,2}}{ARABIC_GLUE}"
            rf"(?:شرطه|بوليس|مباحث|قسم|مخفر|نيابه)(?![{ARABIC_LETTERS}])"
        ),
        re.compile(
            r"\b(?:ballagh|bala4|balla4|ro7na|rou7na|ru7na|mshina|eshtakena)[a-z]*\s+(?:[a-z0-9]+\s+){0,2}"
            r"(?:el|al|l|il)?\s*(?:shorta|police|bolis|boulis|2esm|qesm|mabaheth|mabahes|markaz)\b",
            re.I,
        ),
    ],
    "hotline": [
        re.compile(
            rf"\b{_REPORT_VERB_EN}\s+(?:it\s+)?(?:to\s+)?(?:the\s+)?(?:cybertip(?:line)?|cybertip\.ca|ncmec|iwf|"
            r"hotline|helpline|child\s*line|take\s+it\s+down|stopncii|esafety|accce|16000|116111|2511)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:used|tried|submitted\s+to|went\s+through)\s+(?:the\s+)?(?:take\s+it\s+down|stopncii|report\s+remove)\b",
            re.I,
        ),
        re.compile(
            rf"{_REPORT_VERB_AR}[{ARABIC_LETTERS}]*\s+(?:[{ARABIC_LETTERS}]+\s+){{0,2}}(?:خط|الخط|نجده|16000|116111)"
        ),
    ],
    "platform": [
        re.compile(
            rf"\b{_REPORT_VERB_EN}\s+(?:it\s+|him\s+|her\s+|them\s+|the\s+(?:account|profile|post|video|page)\s+)?"
            rf"(?:to|on|with)\s+(?:the\s+)?(?:{_PLATFORM_WORDS_EN})\b",
            re.I,
        ),
        re.compile(
            r"\b(?:we|i|she|he|they)(?:'ve|\s+have|\s+already)?\s+reported\s+(?:the|his|her|their|that|this)\s+"
            r"(?:account|profile|post|video|page|user|picture|photo|image)\b",
            re.I,
        ),
        re.compile(
            rf"(?:بلغنا|بلغت|ابلغنا|ابلغت|عملنا|سوينا|عملت|سويت)\s+(?:[{ARABIC_LETTERS}]+\s+){{0,1}}"
            rf"(?:عن\s+)?{ARABIC_GLUE}(?:حساب|اكونت|بوست|منشور|فيديو|صفحه|ريبورت|بلاغ\s+للمنصه|منصه)"
            rf"(?![{ARABIC_LETTERS}])"
        ),
        re.compile(r"\b(?:reportnah|reportenah|3amalna\s+report|sawena\s+report|3mlna\s+report)\b", re.I),
    ],
}
REPORTED_TO = tuple(_REPORTED)


# "we haven't reported it to the police", "ما بلغنا الشرطة": a negation just before the phrase cancels it.
_NEGATION = re.compile(
    r"(?:\b(?:not|never|haven't|havent|didn't|didnt|hasn't|hasnt|no\s+one|nobody|yet\s+to|mesh|msh|ma)\b|n't\b|"
    r"(?<![\u0621-\u064A])(?:ما|لم|لسه|لسا|مش|مو|ماش)(?![\u0621-\u064A]))",
    re.I,
)
_NEGATION_WINDOW = 24


def _affirmed(pattern: "re.Pattern", text: str) -> bool:
    return any(
        not _NEGATION.search(text[max(0, m.start() - _NEGATION_WINDOW) : m.start()]) for m in pattern.finditer(text)
    )


def detect_reports(text: str) -> list[str]:
    """Where the family says they already reported: any of "platform", "hotline", "police"."""
    text = normalize_letters(text or "")
    return [where for where, patterns in _REPORTED.items() if any(_affirmed(p, text) for p in patterns)]
