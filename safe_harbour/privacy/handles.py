"""Social-media handles: "@sara_99", "u/sara99", and names given after a platform ("his snap is badguy_99",
"add me on snap sarahhh22", "on instagram as leo.2011")."""

import re

from safe_harbour.privacy import public_suffixes
from safe_harbour.privacy.spans import HANDLE, Span

_AT_HANDLE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_REDDIT_USER = re.compile(r"(?<![\w/])/?u/[A-Za-z0-9_-]{3,20}\b")
_AFTER_PLATFORM = re.compile(
    r"\b(?:insta(?:gram)?|ig|snap(?:chat)?|tik\s?tok|twitter|discord|telegram|kik|roblox|fortnite|steam|"
    r"psn|xbox|user\s?name|handle|gamer\s?tag|(account))(?:\s+(?:name|id|account|handle|user\s?name))?"
    r"(?:\s*(is|was|:|=|-|as)\s*|\s+)([A-Za-z0-9_.]*[A-Za-z0-9_])",
    re.I,
)
_STOP = {
    "a",
    "an",
    "the",
    "not",
    "private",
    "public",
    "gone",
    "deleted",
    "blocked",
    "fake",
    "new",
    "hacked",
    "closed",
    "this",
    "that",
    "it",
    "his",
    "her",
    "my",
    "called",
    "named",
    "still",
    "banned",
    "suspended",
    "locked",
    "stolen",
    "reported",
    "compromised",
    "taken",
    "open",
    "empty",
    "down",
    "now",
    "also",
    "under",
    "in",
    "on",
    "at",
    "run",
    "being",
    "been",
    "used",
    "using",
    "full",
    "there",
    "here",
    "so",
    "very",
    "really",
    "real",
    "and",
    "or",
    "but",
    "by",
    "from",
    "with",
    "for",
    "of",
    "to",
    "is",
    "was",
    "all",
    "someone",
    "something",
    "just",
    "only",
    "same",
    "different",
    "anonymous",
    "unknown",
    "hidden",
    "removed",
    "well",
    "he",
    "she",
    "they",
    "we",
    "you",
    "i",
    "if",
    "soon",
    "usual",
    "long",
    "much",
    "though",
    "too",
    "either",
}


def _is_handle(match: "re.Match") -> bool:
    value = match.group(3)
    if value.lower() in _STOP or value.isdigit() or len(value) < 2 or public_suffixes.split(value).suffix:
        return False  # a domain ("account 2511.ma") is for the link detector
    # "sarahhh22", "leo.2011", "bad_guy": an underscore, or numbers after the letters. A single digit inside
    # a word is an Arabizi letter ("wa7ed", "3ayez"), not a made-up name.
    looks_made_up = bool(re.search(r"_|\d{2,}|\d$", value))
    if match.group(1):  # the bare word "account" is common ("the account was..."): only a made-up value
        return looks_made_up
    # After "is", ":" or "as" any word is the name; straight after the platform only a made-up one is
    # ("add me on snap sarahhh22", not "on snap yesterday").
    return bool(match.group(2)) or looks_made_up


def find(text: str) -> list[Span]:
    spans = [Span(m.start(), m.end(), HANDLE) for pattern in (_AT_HANDLE, _REDDIT_USER) for m in pattern.finditer(text)]
    spans += [Span(m.start(3), m.end(3), HANDLE) for m in _AFTER_PLATFORM.finditer(text) if _is_handle(m)]
    return spans
