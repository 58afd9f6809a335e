"""Short messages the channels send beside the assistant's answer when the guard changed a message.

The line about links and images is a response of the domain (`utter_link_not_opened` in
data/conversation/responses.yml), so it is reviewed with the other answers; the channels send it themselves,
after the assistant's answer, so it needs neither the model nor the action server.
"""

import functools

import yaml

from safe_harbour import settings

LONG_MESSAGE_NOTICE = (
    "Your message was long, so I read only the first {limit} characters.\nكانت رسالتك طويلة، فقرأتُ أول {limit} حرف فقط."
)
RATE_LIMITED_MESSAGE = (
    "You're sending messages faster than I can read them. Please wait a few seconds, then try again. "
    "I'm still here.\n"
    "أنت ترسل الرسائل أسرع مما أستطيع قراءتها. انتظر بضع ثوانٍ ثم حاول مرة أخرى. ما زلت هنا."
)
LINK_NOT_OPENED_RESPONSE = "utter_link_not_opened"
DEFAULT_LANGUAGE = "en"


@functools.lru_cache(maxsize=1)
def _link_not_opened_texts() -> dict[str, str]:
    """The response's text per language (the variation without a condition is the default language)."""
    path = settings.PROJECT_ROOT / "data" / "conversation" / "responses.yml"
    try:
        responses = yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
    except (OSError, yaml.YAMLError, AttributeError):
        return {}
    texts = {}
    for variation in responses.get(LINK_NOT_OPENED_RESPONSE) or []:
        language = next(
            (c.get("value") for c in variation.get("condition") or [] if c.get("name") == "language"), DEFAULT_LANGUAGE
        )
        texts[language] = variation.get("text")
    return texts


def link_not_opened(language: str | None) -> str | None:
    """The line that links and images are not opened, in `language` (or the default language)."""
    texts = _link_not_opened_texts()
    return texts.get(language or DEFAULT_LANGUAGE) or texts.get(DEFAULT_LANGUAGE)
