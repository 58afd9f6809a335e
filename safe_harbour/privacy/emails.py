"""E-mail addresses, also disguised ("sara (at) gmail (dot) com", "sara @ gmail . com") or spelled out
("sara at hotmail dot fr"), found in the undisguised copy of a message."""

import re

from safe_harbour.privacy.disguises import undisguised
from safe_harbour.privacy.links import is_site_domain
from safe_harbour.privacy.spans import EMAIL, Span
from safe_harbour.privacy.vocabulary import is_known_word

_ADDRESS = re.compile(r"(?<![\w.+-])(?:mailto:)?[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+", re.I)
# "sara at hotmail.fr" (after "dot" became "."): the word "at" and a domain with a real ending.
_SPELLED = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}\s+(?:at|عند)\s+((?:[\w-]{1,63}\.)+[a-z]{2,63})\b", re.I)


def find(text: str) -> list[Span]:
    copy = undisguised(text)
    spans = [copy.span(m.start(), m.end(), EMAIL) for m in _ADDRESS.finditer(copy.text)]
    # "reported it at hotline.ie" is a sentence: the part before "at" must not be an everyday word.
    spans += [
        copy.span(m.start(), m.end(), EMAIL)
        for m in _SPELLED.finditer(copy.text)
        if is_site_domain(m.group(1)) and not is_known_word(m.group(0).split()[0], "en")
    ]
    return spans
