"""Platforms a message names, from a fixed list ("كان يكلمها عالسناب" -> snapchat), for the triage card.

Only the platform ids are kept (the `platforms` slot, set by safe_harbour.core.triage_policy).
"""

import re

from safe_harbour.text.arabic import normalize_letters

# Platforms, from a fixed list: id -> Latin words (whole words), Arabic stems (after normalisation).
PLATFORMS: dict[str, dict[str, list[str]]] = {
    "instagram": {
        "latin": ["instagram", "insta", "instgram", "instagrm"],
        "ar": ["انستغرام", "انستقرام", "انستجرام", "انستا", "انستكرام"],
    },
    "snapchat": {"latin": ["snapchat", "snap chat", "snap"], "ar": ["سناب شات", "سنابشات", "سناب"]},
    "tiktok": {"latin": ["tiktok", "tik tok", "tik-tok"], "ar": ["تيك توك", "تيكتوك", "تك توك", "تكتوك"]},
    "facebook": {"latin": ["facebook", "fb"], "ar": ["فيسبوك", "فيس بوك", "فيس"]},
    "messenger": {"latin": ["messenger"], "ar": ["ماسنجر", "مسنجر"]},
    "whatsapp": {
        "latin": ["whatsapp", "whats app", "whatsap", "watsapp", "watsap"],
        "ar": ["واتساب", "واتس اب", "واتس اپ", "واتس"],
    },
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
# The Arabic letters left after normalisation (a character class body: f"[{ARABIC_LETTERS}]").
ARABIC_LETTERS = "\u0621-\u064a"
# Arabic letters that may be glued in front of a platform name: و ف ب ل ك ع + the article ("عالسناب", "بالواتس").
ARABIC_GLUE = r"(?:[وفبلكع]{0,2}(?:ال|لل)?)"


def _platform_patterns():
    compiled = []
    for platform, names in PLATFORMS.items():
        latin = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in names["latin"])
        parts = [rf"\b(?:{latin})\b"] if latin else []
        arabic = [normalize_letters(n) for n in names["ar"]]
        if arabic:
            alternatives = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in sorted(arabic, key=len, reverse=True))
            parts.append(rf"(?<![{ARABIC_LETTERS}]){ARABIC_GLUE}(?:{alternatives})(?![{ARABIC_LETTERS}])")
        compiled.append((platform, re.compile("|".join(parts), re.I)))
    return compiled


_PLATFORM_PATTERNS = _platform_patterns()


def detect_platforms(text: str) -> list[str]:
    """Platforms from the fixed list named in a message, in list order."""
    text = normalize_letters(text or "")
    return [platform for platform, pattern in _PLATFORM_PATTERNS if pattern.search(text)]
