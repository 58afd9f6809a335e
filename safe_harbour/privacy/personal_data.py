"""Personal data in a message: every detector's spans, and the text with placeholders in their place."""

from safe_harbour.privacy import addresses, emails, handles, names, phones
from safe_harbour.privacy.spans import Span, apply_spans, kinds

DETECTORS = (emails, phones, handles, addresses, names)


def find(text: str) -> list[Span]:
    return [span for detector in DETECTORS for span in detector.find(text)]


def scrub(text: str) -> tuple[str, frozenset[str]]:
    """The text with personal data replaced by placeholders, and the kinds replaced."""
    spans = find(text)
    return apply_spans(text, spans), kinds(spans)
