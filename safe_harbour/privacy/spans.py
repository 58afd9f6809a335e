"""The one result every detector of the input guard returns, and the one place where results are applied.

A detector is a module with `find(text) -> List[Span]`: where something is, and what kind of thing it is.
`apply_spans` merges overlapping spans (the more serious kind wins) and puts a placeholder in their place.
"""

from collections.abc import Iterable
from dataclasses import dataclass

# Kinds of input the guard removes. They name classes of input only, never content, so they may be logged.
IMAGE, BLOB, LINK, FILE, ATTACHMENT = "image", "blob", "link", "file", "attachment"
EMAIL, HANDLE, PHONE, ADDRESS, NAME = "email", "handle", "phone", "address", "name"

# Images, files and links: never read, never kept. Listed from the most serious down; an overlap of two
# spans takes the kind that comes first here.
MEDIA_KINDS = (IMAGE, BLOB, LINK, FILE)
PERSONAL_KINDS = (EMAIL, PHONE, HANDLE, ADDRESS, NAME)
_PRIORITY: dict[str, int] = {kind: rank for rank, kind in enumerate(MEDIA_KINDS + PERSONAL_KINDS)}

# What replaces each kind in the text the model and the tracker see. The model's tokenizer skips exactly
# these words (safe_harbour.nlu.tokenizer): they say nothing about the topic.
PLACEHOLDERS: dict[str, str] = {kind: f"[{kind}]" for kind in MEDIA_KINDS + PERSONAL_KINDS}


@dataclass(frozen=True, order=True)
class Span:
    """Characters `start` to `end` of a text are a `kind` (one of the kinds above)."""

    start: int
    end: int
    kind: str


def merge(spans: Iterable[Span]) -> list[Span]:
    """Overlapping or touching spans become one. A span inside another takes the outer one's kind (the domain
    of "sara at hotmail dot fr" is part of an e-mail address); otherwise the more serious kind wins."""
    merged: list[Span] = []
    for span in sorted(s for s in spans if s.end > s.start):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            if span.end <= last.end:
                continue
            if span.start == last.start:
                kind = span.kind  # sorted by end: this one contains the last one
            else:
                kind = min(last.kind, span.kind, key=_PRIORITY.__getitem__)
            merged[-1] = Span(last.start, span.end, kind)
        else:
            merged.append(span)
    return merged


def apply_spans(text: str, spans: Iterable[Span]) -> str:
    """The text with every (merged) span replaced by its kind's placeholder."""
    out, last = [], 0
    for span in merge(spans):
        out.append(text[last : span.start])
        out.append(PLACEHOLDERS[span.kind])
        last = span.end
    out.append(text[last:])
    return "".join(out)


def kinds(spans: Iterable[Span]) -> frozenset[str]:
    return frozenset(span.kind for span in spans)
