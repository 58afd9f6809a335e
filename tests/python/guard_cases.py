"""Shared by the detector tests: what a detector found, as (covered text, kind) pairs in order of position."""
from typing import Callable, List, Tuple

from safe_harbour.privacy.spans import Span, merge


def found(find: Callable[[str], List[Span]], text: str) -> List[Tuple[str, str]]:
    return [(text[span.start:span.end], span.kind) for span in merge(find(text))]
