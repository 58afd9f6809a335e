"""Personal data in a message: every detector's spans, and the text with placeholders in their place."""
from typing import FrozenSet, List, Text, Tuple

from safe_harbour.privacy import addresses, emails, handles, names, phones
from safe_harbour.privacy.spans import Span, apply_spans, kinds

DETECTORS = (emails, phones, handles, addresses, names)


def find(text: Text) -> List[Span]:
    return [span for detector in DETECTORS for span in detector.find(text)]


def scrub(text: Text) -> Tuple[Text, FrozenSet[Text]]:
    """The text with personal data replaced by placeholders, and the kinds replaced."""
    spans = find(text)
    return apply_spans(text, spans), kinds(spans)
