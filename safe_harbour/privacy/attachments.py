"""Attachments: any field of the request or its metadata, other than the text, that holds an image, a file or a
link, or is named like one ("attachment", "imageUrl", "file_data", "photos")."""

import re
from collections.abc import Callable
from typing import Any

from safe_harbour import settings

_ATTACHMENT_WORDS = frozenset(
    """attach attachment attachments file files filename filedata image images img imgs photo photos picture
    pictures pic pics media upload uploads video videos audio voice blob blobs document documents doc docs
    base64 sticker stickers gif gifs thumbnail thumb url urls uri href src link links screenshot screenshots
    """.split()
)
_MAX_WALK = 2000


def _is_attachment_key(key: str) -> bool:
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", key).lower()
    return any(word in _ATTACHMENT_WORDS for word in re.split(r"[^a-z0-9]+", words) if word)


def holds_media(value: Any, has_media: Callable[[str], bool]) -> bool:
    """True if any field of `value` (a bounded walk) is an attachment or a string in which `has_media`
    finds an image, file or link."""
    stack: list[tuple[Any, str | None]] = [(value, None)]
    seen = 0
    while stack:
        item, key = stack.pop()
        seen += 1
        if seen > _MAX_WALK:
            return True  # a huge, deeply nested payload is not a chat message
        if key is not None and _is_attachment_key(key) and item not in (None, "", [], {}, False, 0):
            return True
        if isinstance(item, dict):
            stack.extend((v, str(k)) for k, v in item.items())
            stack.extend((k, None) for k in item.keys() if isinstance(k, str))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, None) for v in item)
        elif isinstance(item, str):
            if len(item) > 4 * settings.MAX_MESSAGE_CHARS or has_media(item):
                return True  # a very long string in another field is a blob, not a chat message
    return False
