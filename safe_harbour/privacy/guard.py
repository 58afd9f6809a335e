"""The input guard: what a user's message may contain before the model, the tracker store or a log sees it.

`guard_message(text, metadata, payload)` decides the turn; the detectors it asks are modules of their own:

- `shape`: invisible, control and bidi characters removed, NFKC, whitespace tidied, length bounded;
- `disguises`: the copies detectors search ("evil[.]com", "hxxps", "%2F", base64 cut into chunks);
- `media` (data URIs, base64, hex) and `links` (links, IP addresses, file names, paths): never kept;
- `personal_data` (`emails`, `phones`, `handles`, `addresses`, `names`): replaced by placeholders;
- `attachments` (other fields of the request), `payloads` (button payloads, metadata), `notices`.

The decision, below: an image, file or link is replaced by a placeholder and the words around it are kept, so
a crisis written next to a link is still read as a crisis; the family is told, after the answer, that links
and images are not opened. Only a turn with nothing left to read but words that point at the removed thing
("here it is", "شوف") becomes the `/offer_image` payload, as does any attachment. Ages, years, amounts,
helpline numbers and the addresses the assistant recommends are kept. Nothing here logs or stores anything,
and nothing imports Rasa, so it is cheap to test.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from safe_harbour import settings
from safe_harbour.privacy import attachments, links, media, personal_data
from safe_harbour.privacy.notices import LONG_MESSAGE_NOTICE, RATE_LIMITED_MESSAGE, link_not_opened
from safe_harbour.privacy.payloads import clean_metadata, clean_payload
from safe_harbour.privacy.shape import cut, normalise
from safe_harbour.privacy.spans import ATTACHMENT, PLACEHOLDERS, Span, apply_spans, kinds

__all__ = ["guard_message", "Guarded", "OFFER_IMAGE_PAYLOAD", "LONG_MESSAGE_NOTICE", "RATE_LIMITED_MESSAGE"]

OFFER_IMAGE_PAYLOAD = "/offer_image"
TOO_LONG, PAYLOAD = "too_long", "payload"

# Words that only point at what was sent: a turn of these and a link is an offer of the image, nothing more.
_POINTING_WORDS = frozenset(
    # English
    "here here's heres is it its it's this that these those the a an look see check at open my of his her "
    "link links url pic pics picture pictures photo photos image images img screenshot screenshots video "
    "videos file files attached attachment please pls plz and on in to"
    # Arabic
    " شوف شوفي شوفو انظر انظري هذا هذه هذي هاي هاد ده دي الرابط رابط الصورة صورة الصور صور الفيديو فيديو "
    "الملف ملف هنا هي هو لقطة الشاشة على في من و"
    # Arabizi
    " shoof shof shoofi hay hayda hadi hatha da di el sora sura soura sowar link".split()
)
_WORD = re.compile(r"[^\W\d_][\w'’]*")
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in PLACEHOLDERS.values()))


@dataclass
class Guarded:
    """What is left of a message after the guard."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    # The turn is an image, file or link offer: `text` is the `/offer_image` payload.
    refused: bool = False
    # Kinds of input that were removed or replaced (spans.py, TOO_LONG, PAYLOAD): safe to log.
    removed: frozenset[str] = frozenset()
    # Short messages for the user, sent before the assistant's answer (e.g. the message was cut).
    notices: list[str] = field(default_factory=list)
    # Short messages for the user, sent after the assistant's answer (links and images are not opened).
    notices_after: list[str] = field(default_factory=list)
    # The text was not a string (and held no attachment): a channel may answer 400.
    not_text: bool = False


def find_media(text: str) -> list[Span]:
    """Images, encoded files, links and file names in a (normalised) text."""
    return media.find(text) + links.find(text)


def guard_message(text: Any, metadata: Any = None, payload: Any = None) -> Guarded:
    """Turn raw client input into the message Rasa is allowed to see (see the module docstring).

    `payload` is everything else the client sent with the message (other fields of the request body or
    socket.io event); it is only inspected for attachments, never passed on.
    """
    limit = settings.MAX_MESSAGE_CHARS
    kept_metadata = clean_metadata(metadata)
    other_metadata = {k: v for k, v in metadata.items() if k not in kept_metadata} if isinstance(metadata, dict) else {}
    not_text = not isinstance(text, str)
    attachment = any(attachments.holds_media(value, _has_media) for value in (other_metadata, payload)) or (
        not_text and text is not None and attachments.holds_media(text, _has_media)
    )
    raw = "" if not_text else text

    # Only the part that could be kept is read closely: the rest is dropped unread, so a huge message costs
    # no more than a long one. (Invisible characters may shrink the head, hence the margin.)
    text = cut(normalise(raw[: 8 * limit]), 4 * limit)

    if text.startswith("/") and not attachment:
        button = clean_payload(text)
        if button is not None:
            return Guarded(button, kept_metadata, removed=frozenset({PAYLOAD} if button != text else ()))

    media_spans = find_media(text)
    recommended = links.recommended_spans(text)
    spans = media_spans + [
        span
        for span in personal_data.find(text)
        if not any(span.start < end and start < span.end for start, end in recommended)
    ]
    # Replaced before the cut, so a phone number across the cut is not left half-visible.
    kept = apply_spans(text, spans)
    removed: set[str] = set(kinds(spans))
    # The language of the words around what was removed, for the refusal or the line after the answer.
    language = (_language(_words(kept)) or kept_metadata.get("language")) if media_spans or attachment else None

    if attachment or (media_spans and not _something_to_read(kept)):
        if language:
            kept_metadata["language"] = language
        removed |= {ATTACHMENT} if attachment else set()
        return Guarded(OFFER_IMAGE_PAYLOAD, kept_metadata, refused=True, removed=frozenset(removed))

    if kept.startswith("/"):  # not a known button: read as ordinary text
        removed.add(PAYLOAD)
        kept = kept.lstrip("/ ")
    notices, notices_after = [], []
    if len(kept) > limit or len(raw) > 8 * limit:  # what is read is long, not an image that was removed
        removed.add(TOO_LONG)
        notices.append(LONG_MESSAGE_NOTICE.format(limit=f"{limit:,}"))
    if media_spans:
        notices_after.append(link_not_opened(language))
    return Guarded(
        cut(kept, limit),
        kept_metadata,
        removed=frozenset(removed),
        notices=notices,
        notices_after=[n for n in notices_after if n],
        not_text=not_text,
    )


def _has_media(text: str) -> bool:
    return bool(find_media(normalise(text)))


def _words(text: str) -> str:
    return _PLACEHOLDER.sub(" ", text)


def _something_to_read(text: str) -> bool:
    """Words are left that say more than "here it is"."""
    return any(word.lower() not in _POINTING_WORDS for word in _WORD.findall(_words(text)))


def _language(text: str) -> str | None:
    try:
        from safe_harbour.text.language import detect_language

        return detect_language(text)
    except Exception:
        return None
