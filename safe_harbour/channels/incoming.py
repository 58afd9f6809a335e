"""What happens to a user's message before the model, the tracker store or a log sees it."""
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Text


@dataclass
class PreparedMessage:
    """The text and metadata that may go on to Rasa."""

    text: Text
    metadata: Dict[Text, Any] = field(default_factory=dict)


def prepare_message(text: Any, metadata: Optional[Dict[Text, Any]]) -> PreparedMessage:
    """Turn raw client input into the message Rasa is allowed to see."""
    return PreparedMessage(text=text if isinstance(text, str) else "", metadata=dict(metadata or {}))
