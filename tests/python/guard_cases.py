"""Shared by the detector tests: what a detector found, as (covered text, kind) pairs in order of position."""

from collections.abc import Callable

from safe_harbour.privacy.spans import Span, merge


def found(find: Callable[[str], list[Span]], text: str) -> list[tuple[str, str]]:
    return [(text[span.start : span.end], span.kind) for span in merge(find(text))]
