"""The shape of a message: invisible, control and bidi-override characters removed, NFKC-normalised (full-width
digits and letters become ordinary ones), whitespace tidied, and the length bounded."""

import re
import unicodedata


def _invisible_class() -> str:
    """A regex class of every control (Cc), format (Cf) and surrogate (Cs) character except \\n and \\t,
    plus invisible fillers and the variation selectors that can smuggle hidden bytes."""
    points = set()
    for start, end in ((0, 0x30000), (0xE0000, 0xE1000)):
        for cp in range(start, end):
            if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs") and cp not in (0x09, 0x0A):
                points.add(cp)
    points.update({0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x180B, 0x180C, 0x180D, 0x180F})
    points.update(range(0xE0100, 0xE01F0))  # variation selectors supplement
    points.update(range(0xFE00, 0xFE0E))  # variation selectors 1-14 (15 and 16 choose emoji style: kept)
    ranges: list[tuple[int, int]] = []  # runs of consecutive code points, (first, last)
    for cp in sorted(points):
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))

    def esc(cp: int) -> str:
        return f"\\U{cp:08x}"

    return "[" + "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges) + "]"


_INVISIBLE = re.compile(_invisible_class())
_HSPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n(?:\s*\n)+")


def normalise(text: str) -> str:
    """Remove invisible and control characters, NFKC-normalise and tidy whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\t", " ")
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)  # NFKC never adds them, but cheap insurance
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


def cut(text: str, limit: int) -> str:
    """The first `limit` characters, ending at a space when one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = max(head.rfind(" "), head.rfind("\n"))
    return (head[:space] if space > limit * 0.8 else head).rstrip()
