"""The one shape in which a bot message leaves the server, for every channel."""

from typing import Any

# Only what the widget renders: text, quick-reply buttons, and the answer's sources. Images,
# attachments and custom payloads are never passed on, whatever a response or an action produced.
_PASSED_METADATA = ("sources", "reviewed", "from")


def client_message(message: dict[str, Any]) -> dict[str, Any]:
    """Reduce a Rasa response dictionary to the fields a client may render."""
    out: dict[str, Any] = {"text": message.get("text") or ""}
    buttons = message.get("buttons") or message.get("quick_replies")
    if buttons:
        out["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in buttons]
    metadata = {k: v for k, v in (message.get("metadata") or {}).items() if k in _PASSED_METADATA}
    if metadata:
        out["metadata"] = metadata
    return out
