"""Button payloads (`/intent{"entity": "value"}`) and metadata: only known, well-formed parts pass."""

import functools
import json
import re
from typing import Any

import yaml

from safe_harbour import settings
from safe_harbour.privacy.personal_data import scrub
from safe_harbour.privacy.shape import normalise


@functools.lru_cache(maxsize=1)
def domain_vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    """Intent and entity names of the domain (domain.yml), for validating button payloads."""
    try:
        with open(settings.PROJECT_ROOT / "domain.yml", encoding="utf-8") as f:
            domain = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError):
        return frozenset(), frozenset()

    def names(items: Any) -> frozenset[str]:
        out: set[Any] = set()
        for item in items or []:
            out.update(item.keys() if isinstance(item, dict) else [item])
        return frozenset(str(x) for x in out)

    return names(domain.get("intents")), names(domain.get("entities"))


_PAYLOAD = re.compile(r"/([A-Za-z_][A-Za-z0-9_]{0,63})(\{.{0,500}\})?", re.S)
_ENTITY_VALUE = re.compile(r"[\w .,'’-]{1,40}")


def clean_payload(text: str) -> str | None:
    """A button payload rebuilt from known parts, or None when `text` is not a valid payload."""
    match = _PAYLOAD.fullmatch(text)
    intents, entities = domain_vocabulary()
    if not match or match.group(1) not in intents:
        return None
    payload = "/" + match.group(1)
    if match.group(2):
        try:
            values = json.loads(match.group(2))
        except ValueError:
            values = None
        if isinstance(values, dict):
            kept = {}
            for key, value in values.items():
                if key in entities and isinstance(value, str) and _ENTITY_VALUE.fullmatch(value):
                    clean_value, _ = scrub(normalise(value))
                    kept[key] = clean_value
            if kept:
                payload += json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    return payload


KNOWN_METADATA = {
    "language": re.compile(r"[a-z]{2,3}"),
    "locale": re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}"),
    "country": re.compile(r"[A-Za-z]{2}"),
}


def clean_metadata(metadata: Any) -> dict[str, str]:
    """Only small, known metadata keys with well-formed values; everything else is dropped."""
    if not isinstance(metadata, dict):
        return {}
    kept = {}
    for key, pattern in KNOWN_METADATA.items():
        value = metadata.get(key)
        if isinstance(value, str) and len(value) <= 24 and pattern.fullmatch(value):
            kept[key] = value
    return kept
