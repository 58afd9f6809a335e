"""Copies of a message made only for detection, with a map back to the message.

`undisguised(text)` undoes the usual ways of hiding a link or an e-mail address: other full stops (。 ｡ ۔ ٫),
`[.]`, `(.)`, `[dot]`, " dot ", a space before a dot ("evil .com"), `hxxp`, `[:]`, `%xx` escapes and
backslashes. `squeezed(text)` removes all whitespace, so a base64 image cut into short chunks is whole again.
`zeros_for_letters(text)` reads a letter o next to a digit as a zero ("05o 123 4567").
Detectors search the copy and map what they find back to the message, so only that part is replaced.
"""

import functools
import re
from dataclasses import dataclass

from safe_harbour.privacy.public_suffixes import is_suffix
from safe_harbour.privacy.spans import Span


@dataclass(frozen=True)
class Copy:
    """A rewritten text; `origin[i]` is the (start, end) in the original text of the copy's character i."""

    text: str
    origin: tuple[tuple[int, int], ...]
    original_length: int

    def span(self, start: int, end: int, kind: str) -> Span:
        """The original characters behind the copy's characters `start` to `end`."""
        if start >= end:
            return Span(
                self.origin[start][0] if start < len(self.origin) else self.original_length, self.original_length, kind
            )
        return Span(self.origin[start][0], self.origin[end - 1][1], kind)


def _rewrite(text: str, pattern: "re.Pattern", replace) -> Copy:
    """Apply `replace(match) -> Optional[str]` to every match (None keeps the match as it is)."""
    out: list[str] = []
    origin: list[tuple[int, int]] = []
    last = 0
    for match in pattern.finditer(text):
        replacement = replace(match)
        if replacement is None:
            continue
        for i in range(last, match.start()):
            out.append(text[i])
            origin.append((i, i + 1))
        for char in replacement:
            out.append(char)
            origin.append((match.start(), match.end()))
        last = match.end()
    for i in range(last, len(text)):
        out.append(text[i])
        origin.append((i, i + 1))
    return Copy("".join(out), tuple(origin), len(text))


_DOT_WORD = r"(?:dot|nuqta|نقطة|نقطه)"
_DISGUISE = re.compile(
    "|".join(
        [
            r"(?P<stop>[\u3002\uff61\u06d4\u066b])",
            rf"(?P<bracket_dot>\s*(?:\[\s*(?:\.|{_DOT_WORD})\s*\]|\(\s*(?:\.|{_DOT_WORD})\s*\)|\{{\s*(?:\.|{_DOT_WORD})\s*\}})\s*)",
            rf"(?P<spelled_dot>(?<=[A-Za-z0-9])\s+{_DOT_WORD}\s+(?=[A-Za-z0-9]))",
            # "evil .com", "gmail . com": a space before the dot (after it, a dot ends a sentence), and only before an
            # ending of the public suffix list.
            r"(?P<spaced_dot>(?<=[A-Za-z0-9])\s+\.\s*(?=(?P<ending>[A-Za-z]{2,63})\b))",
            r"(?P<bracket_at>\s*[\[({]\s*(?:@|at)\s*[\])}]\s*|\s+@\s+|(?<=\w)@\s+)",
            r"(?P<bracket_colon>\[\s*:\s*\]|\[\s*://\s*\])",
            r"(?P<hxxp>\bh(?:xx|\*\*|XX)p(?=s?(?:\[?:|%3a)))",
            r"(?P<percent>%[0-9A-Fa-f]{2})",
            r"(?P<backslash>\\)",
        ]
    ),
    re.I,
)


def _undo(match: "re.Match") -> str | None:
    group = match.lastgroup
    if group == "spaced_dot":
        return "." if is_suffix(match.group("ending")) else None
    if group in ("stop", "bracket_dot", "spelled_dot"):
        return "."
    if group == "bracket_at":
        return "@"
    if group == "bracket_colon":
        return ":" if "/" not in match.group() else "://"
    if group == "hxxp":
        return "http"
    if group == "percent":
        char = chr(int(match.group()[1:], 16))
        return char if char.isprintable() and not char.isspace() else None
    return "/"  # a backslash


@functools.lru_cache(maxsize=64)
def undisguised(text: str) -> Copy:
    return _rewrite(text, _DISGUISE, _undo)


_WHITESPACE = re.compile(r"\s+")


@functools.lru_cache(maxsize=64)
def squeezed(text: str) -> Copy:
    return _rewrite(text, _WHITESPACE, lambda match: "")


_LETTER_O = re.compile(r"(?<=[0-9\u0660-\u0669\u06f0-\u06f9])[oO]|[oO](?=[0-9\u0660-\u0669\u06f0-\u06f9])")


@functools.lru_cache(maxsize=64)
def zeros_for_letters(text: str) -> Copy:
    return _rewrite(text, _LETTER_O, lambda match: "0")
