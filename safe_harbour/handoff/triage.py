"""The triage card staff see before they join a conversation.

It is built only from slots and recognised topics, never from the family's free text:

* three fixed-vocabulary facts are read from each message by ``safe_harbour.core.triage_policy`` (in the
  Rasa server) and kept in slots; only the result is stored, never the words:
  - the child's age band (``detect_age_band``: "14yo", "she's 14", "عمرها ١٤", "3omrha 13" -> "13-15"),
  - the platforms named, from the fixed list ``PLATFORMS``,
  - whether the family already reported to the platform, a hotline or the police (fixed phrases);
* the topics (intents) recognised in this session, the answers already given (``utter_*`` actions), the
  country and language slots.

Urgency (a simplified Stop It Now Red / Yellow / Green, stated up front so staff can check it):

* ``emergency`` - the family said a child may harm themselves (``crisis_self_harm``) or is in danger now
  (``immediate_danger``) at any point in the session;
* ``high`` - an ongoing threat or contact: sextortion (``sextortion``), an adult contacting a child
  (``grooming_concern``), or a child writing on their own (``child_user``);
* ``normal`` - everything else.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Optional

from safe_harbour.text.arabic import normalize_letters

EMERGENCY, HIGH, NORMAL = "emergency", "high", "normal"
URGENCY_RANK = {EMERGENCY: 0, HIGH: 1, NORMAL: 2}
EMERGENCY_TOPICS = ("crisis_self_harm", "immediate_danger")
HIGH_TOPICS = ("sextortion", "grooming_concern", "child_user")

# The situation a case is filed under: the first of these topics recognised, in this order of seriousness.
CATEGORIES = (
    "sextortion",
    "grooming_concern",
    "real_image_shared",
    "ai_generated_image",
    "self_generated_image",
    "peer_school_incident",
    "adult_victim",
    "child_user",
    "own_thoughts",
    "perpetrator_seeking",
    "offer_image",
)
NO_CATEGORY = "not_stated"
# Topics that say nothing about the situation and are left out of the card.
_SMALL_TALK = {
    "greet", "goodbye", "thank", "affirm", "deny", "out_of_scope", "switch_language", "bot_challenge",
    "what_can_you_do", "request_human", "inform_country", "nlu_fallback",
}
_SMALL_TALK_ANSWERS = {
    "utter_greet", "utter_goodbye", "utter_thank", "utter_affirm", "utter_deny", "utter_switch_language",
    "utter_bot_challenge", "utter_what_can_you_do", "utter_default", "utter_ask_country", "utter_out_of_scope",
    "utter_inform_country", "utter_request_human",
}

# Age bands: only the band is kept, never the age.
AGE_BANDS = ("under 13", "13-15", "16-17", "18+")
_MAX_CHILD_AGE_READ = 25  # a larger number next to "years old" is probably the parent, not the child


def age_band(age: int) -> Optional[str]:
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
    re.compile(r"(?:عند[\u0621-\u064A]{0,2}|بنت[\u0621-\u064A]{0,2}|ابن[\u0621-\u064A]{0,2}|ولد[\u0621-\u064A]{0,2})"
               r"\s+(\d{1,2})\s*(?:سنه|سنين|سنوات|عام|عاما)"),
    # Arabizi: "3omrha 13", "3omro 14 sana", "3andaha 12 sana"
    re.compile(r"\b3omr[a-z]{0,4}\s+(?:[a-z]+\s+)?(\d{1,2})\b", re.I),
    re.compile(r"\b(\d{1,2})\s*(?:sana|sneen|snin|sanawat)\b", re.I),
]


def detect_age_band(text: str) -> Optional[str]:
    """The age band of the first age stated in a message, or None."""
    text = normalize_letters(text or "")
    for pattern in _AGE_PATTERNS:
        match = pattern.search(text)
        if match:
            band = age_band(int(match.group(1)))
            if band:
                return band
    return None


# Platforms, from a fixed list: id -> Latin words (whole words), Arabic stems (after normalisation).
PLATFORMS: Dict[str, Dict[str, List[str]]] = {
    "instagram": {"latin": ["instagram", "insta", "instgram", "instagrm"], "ar": ["انستغرام", "انستقرام", "انستجرام", "انستا", "انستكرام"]},
    "snapchat": {"latin": ["snapchat", "snap chat", "snap"], "ar": ["سناب شات", "سنابشات", "سناب"]},
    "tiktok": {"latin": ["tiktok", "tik tok", "tik-tok"], "ar": ["تيك توك", "تيكتوك", "تك توك", "تكتوك"]},
    "facebook": {"latin": ["facebook", "fb"], "ar": ["فيسبوك", "فيس بوك", "فيس"]},
    "messenger": {"latin": ["messenger"], "ar": ["ماسنجر", "مسنجر"]},
    "whatsapp": {"latin": ["whatsapp", "whats app", "whatsap", "watsapp", "watsap"], "ar": ["واتساب", "واتس اب", "واتس اپ", "واتس"]},
    "telegram": {"latin": ["telegram"], "ar": ["تلغرام", "تليغرام", "تليجرام", "تيليجرام", "تلجرام", "تيليغرام"]},
    "discord": {"latin": ["discord"], "ar": ["ديسكورد", "دسكورد"]},
    "x_twitter": {"latin": ["twitter"], "ar": ["تويتر"]},
    "youtube": {"latin": ["youtube"], "ar": ["يوتيوب", "يوتوب"]},
    "roblox": {"latin": ["roblox"], "ar": ["روبلوكس"]},
    "reddit": {"latin": ["reddit"], "ar": ["ريديت"]},
    "pinterest": {"latin": ["pinterest"], "ar": ["بنترست"]},
    "omegle": {"latin": ["omegle"], "ar": []},
    "twitch": {"latin": ["twitch"], "ar": []},
    "kik": {"latin": ["kik"], "ar": []},
}
_AR = "\u0621-\u064A"
# Arabic letters that may be glued in front of a platform name: و ف ب ل ك ع + the article ("عالسناب", "بالواتس").
_AR_GLUE = r"(?:[وفبلكع]{0,2}(?:ال|لل)?)"


def _platform_patterns():
    compiled = []
    for platform, names in PLATFORMS.items():
        latin = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in names["latin"])
        parts = [rf"\b(?:{latin})\b"] if latin else []
        arabic = [normalize_letters(n) for n in names["ar"]]
        if arabic:
            alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in sorted(arabic, key=len, reverse=True))
            parts.append(rf"(?<![{_AR}]){_AR_GLUE}(?:{alternatives})(?![{_AR}])")
        compiled.append((platform, re.compile("|".join(parts), re.I)))
    return compiled


_PLATFORM_PATTERNS = _platform_patterns()


def detect_platforms(text: str) -> List[str]:
    """Platforms from the fixed list named in a message, in list order."""
    text = normalize_letters(text or "")
    return [platform for platform, pattern in _PLATFORM_PATTERNS if pattern.search(text)]


# Already reported? Fixed phrases only (past tense "we reported it to ...", "بلغنا الشرطة").
_REPORT_VERB_EN = (r"(?:reported(?:\s+(?:it|him|her|them|this|the\s+\w+))?|told|went\s+to|called|phoned|rang|"
                   r"contacted|informed|filed\s+(?:a\s+)?(?:report|complaint)\s+with|flagged)")
_PLATFORM_WORDS_EN = "|".join(n for names in PLATFORMS.values() for n in names["latin"]) + "|platform|app|site|website"
_REPORT_VERB_AR = (r"(?:بلغ|بلغنا|بلغت|ابلغ|ابلغنا|ابلغت|اشتكي|اشتكينا|اشتكيت|قدمنا|قدمت|"
                   r"رحنا|روحنا|مشينا|اتصلنا|اتصلت|كلمنا|كلمت|عملنا|سوينا)")
_REPORTED = {
    "police": [
        re.compile(rf"\b{_REPORT_VERB_EN}\s+(?:it\s+|him\s+|her\s+|them\s+|this\s+)?(?:to\s+)?(?:the\s+)?"
                   r"(?:police|cops|cyber\s*crime\s+unit|fbi|ceop|gardai)\b", re.I),
        re.compile(r"\b(?:filed|made|have|got)\s+(?:a\s+)?police\s+(?:report|complaint|case)\b", re.I),
        re.compile(r"\bpolice\s+(?:already\s+)?(?:know|are\s+involved|have\s+been\s+told)\b", re.I),
        re.compile(rf"{_REPORT_VERB_AR}[{_AR}]*\s+(?:[{_AR}]+\s+){{0,2}}{_AR_GLUE}(?:شرطه|بوليس|مباحث|قسم|مخفر|نيابه)(?![{_AR}])"),
        re.compile(r"\b(?:ballagh|bala4|balla4|ro7na|rou7na|ru7na|mshina|eshtakena)[a-z]*\s+(?:[a-z0-9]+\s+){0,2}"
                   r"(?:el|al|l|il)?\s*(?:shorta|police|bolis|boulis|2esm|qesm|mabaheth|mabahes|markaz)\b", re.I),
    ],
    "hotline": [
        re.compile(rf"\b{_REPORT_VERB_EN}\s+(?:it\s+)?(?:to\s+)?(?:the\s+)?(?:cybertip(?:line)?|cybertip\.ca|ncmec|iwf|"
                   r"hotline|helpline|child\s*line|take\s+it\s+down|stopncii|esafety|accce|16000|116111|2511)\b", re.I),
        re.compile(r"\b(?:used|tried|submitted\s+to|went\s+through)\s+(?:the\s+)?(?:take\s+it\s+down|stopncii|report\s+remove)\b", re.I),
        re.compile(rf"{_REPORT_VERB_AR}[{_AR}]*\s+(?:[{_AR}]+\s+){{0,2}}(?:خط|الخط|نجده|16000|116111)"),
    ],
    "platform": [
        re.compile(rf"\b{_REPORT_VERB_EN}\s+(?:it\s+|him\s+|her\s+|them\s+|the\s+(?:account|profile|post|video|page)\s+)?"
                   rf"(?:to|on|with)\s+(?:the\s+)?(?:{_PLATFORM_WORDS_EN})\b", re.I),
        re.compile(r"\b(?:we|i|she|he|they)(?:'ve|\s+have|\s+already)?\s+reported\s+(?:the|his|her|their|that|this)\s+"
                   r"(?:account|profile|post|video|page|user|picture|photo|image)\b", re.I),
        re.compile(rf"(?:بلغنا|بلغت|ابلغنا|ابلغت|عملنا|سوينا|عملت|سويت)\s+(?:[{_AR}]+\s+){{0,1}}"
                   rf"(?:عن\s+)?{_AR_GLUE}(?:حساب|اكونت|بوست|منشور|فيديو|صفحه|ريبورت|بلاغ\s+للمنصه|منصه)(?![{_AR}])"),
        re.compile(r"\b(?:reportnah|reportenah|3amalna\s+report|sawena\s+report|3mlna\s+report)\b", re.I),
    ],
}
REPORTED_TO = tuple(_REPORTED)


# "we haven't reported it to the police", "ما بلغنا الشرطة": a negation just before the phrase cancels it.
_NEGATION = re.compile(r"(?:\b(?:not|never|haven't|havent|didn't|didnt|hasn't|hasnt|no\s+one|nobody|yet\s+to|mesh|msh|ma)\b|n't\b|"
                       r"(?<![\u0621-\u064A])(?:ما|لم|لسه|لسا|مش|مو|ماش)(?![\u0621-\u064A]))", re.I)
_NEGATION_WINDOW = 24


def _affirmed(pattern: "re.Pattern", text: str) -> bool:
    return any(not _NEGATION.search(text[max(0, m.start() - _NEGATION_WINDOW):m.start()]) for m in pattern.finditer(text))


def detect_reports(text: str) -> List[str]:
    """Where the family says they already reported: any of "platform", "hotline", "police"."""
    text = normalize_letters(text or "")
    return [where for where, patterns in _REPORTED.items() if any(_affirmed(p, text) for p in patterns)]


# The summary --------------------------------------------------------------------------------------------

def _session_events(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    events = list(events or [])
    for i in range(len(events) - 1, -1, -1):
        if events[i].get("event") == "session_started":
            return events[i + 1:]
    return events


def topics_of(events: Iterable[Dict[str, Any]]) -> List[str]:
    """Topics (intents) recognised in this session, first mention first, small talk left out."""
    seen: List[str] = []
    for event in _session_events(events):
        if event.get("event") != "user":
            continue
        name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if name and name not in _SMALL_TALK and name not in seen:
            seen.append(name)
    return seen


def advice_given(events: Iterable[Dict[str, Any]]) -> List[str]:
    """The answers already sent in this session (utter_* actions and the country services), in order."""
    given: List[str] = []
    for event in _session_events(events):
        if event.get("event") != "action":
            continue
        name = event.get("name") or ""
        if (name.startswith("utter_") and name not in _SMALL_TALK_ANSWERS) or name == "action_show_country_services":
            if name not in given:
                given.append(name)
    return given


def urgency_of(topics: Iterable[str]) -> str:
    topics = set(topics)
    if topics & set(EMERGENCY_TOPICS):
        return EMERGENCY
    if topics & set(HIGH_TOPICS):
        return HIGH
    return NORMAL


def category_of(topics: Iterable[str]) -> str:
    topics = set(topics)
    for category in CATEGORIES:
        if category in topics:
            return category
    return NO_CATEGORY


def _list(value: Any) -> List[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def build_summary(events: Iterable[Dict[str, Any]], slots: Dict[str, Any]) -> Dict[str, Any]:
    """The triage card, from slots and recognised topics only (no message text)."""
    events = list(events or [])
    topics = topics_of(events)
    return {
        "category": category_of(topics),
        "urgency": urgency_of(topics),
        "topics": topics,
        "safety_flags": [t for t in topics if t in EMERGENCY_TOPICS],
        "country": slots.get("country") or None,
        "country_source": slots.get("country_source") or None,
        "language": slots.get("language") or "en",
        "age_band": slots.get("age_band") if slots.get("age_band") in AGE_BANDS else None,
        "platforms": [p for p in _list(slots.get("platforms")) if p in PLATFORMS],
        "reported_to": [r for r in _list(slots.get("reported_to")) if r in REPORTED_TO],
        "advice_given": advice_given(events),
    }
