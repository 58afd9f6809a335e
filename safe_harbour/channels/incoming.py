"""What happens to a user's message before the model, the tracker store or a log sees it.

Both message channels (REST and socket.io) call `prepare_message` on every message, check the rate limits
with `rate_limiter`, accept only opaque conversation ids (`valid_sender`), and call `secure_channel` from
their `blueprint()`. The rules themselves live in `safe_harbour.privacy` (guard, logs, http_hardening, ratelimit).
"""

import re
from typing import Any, TypeGuard

from safe_harbour import rasa_patches
from safe_harbour.privacy import http_hardening, links, logs, phones
from safe_harbour.privacy.guard import RATE_LIMITED_MESSAGE, Guarded, guard_message
from safe_harbour.privacy.ratelimit import MessageRateLimiter

__all__ = ["prepare_message", "rate_limiter", "valid_sender", "secure_channel", "RATE_LIMITED_MESSAGE"]

# Loaded with the channels, in every `rasa run` of this project: no debug output, no content in events, and
# Rasa's check of the action server's answers without rebuilding its validator each time (rasa_patches).
if http_hardening.is_rasa_server():
    logs.install()
    rasa_patches.install()
    # Read the directory, the answers' addresses and the public suffix list now, not on the first message.
    phones.hotline_numbers()
    links.warm_up()

secure_channel = http_hardening.secure_channel
rate_limiter = MessageRateLimiter()

# Conversation ids are opaque random strings (the widget sends 32 hex digits): no e-mail addresses, no
# phone numbers, nothing a person typed.
_SENDER = re.compile(r"[A-Za-z0-9_:-]{1,128}")


def valid_sender(sender: Any) -> TypeGuard[str]:
    return isinstance(sender, str) and bool(_SENDER.fullmatch(sender)) and not (sender.isdigit() and len(sender) >= 7)


def prepare_message(text: Any, metadata: dict[str, Any] | None, payload: Any = None) -> Guarded:
    """Turn raw client input into the message Rasa is allowed to see.

    `payload` is everything else the client sent with the message (other request fields); it is only
    inspected for attachments and never passed on.
    """
    return guard_message(text, metadata, payload)
