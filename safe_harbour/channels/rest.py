"""REST channel (`POST /webhooks/rest/webhook`) that guards input, limits rates and keeps answers' sources."""

import json
import logging
import traceback
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from safe_harbour.channels.incoming import (
    RATE_LIMITED_MESSAGE,
    prepare_message,
    rate_limiter,
    secure_channel,
    valid_sender,
)
from safe_harbour.channels.outgoing import client_message

logger = logging.getLogger(__name__)

_FIELDS = ("sender", "message", "metadata")


class SourcesCollectingOutput(CollectingOutputChannel):
    """Collects replies in the client shape, with their sources."""

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.messages.append({"recipient_id": recipient_id, **client_message(message)})


def _bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=400)


def _too_many(wait: int) -> HTTPResponse:
    return response.json(
        {"error": "rate_limited", "text": RATE_LIMITED_MESSAGE, "retry_after": wait},
        status=429,
        headers={"Retry-After": str(wait)},
    )


def log_failure(what: str, error: BaseException) -> None:
    """Log where handling failed (type and code frames) without the exception's message, which could
    quote what the user typed."""
    frames = "".join(traceback.format_tb(error.__traceback__))
    logger.error("%s could not be handled (%s).\n%s", what, type(error).__name__, frames)


class SafeRestInput(InputChannel):
    """A REST endpoint that answers malformed requests with a plain 400, never a 500."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)
        secure_channel(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            wait = rate_limiter.check_address(request.remote_addr or request.ip)
            if wait:
                return _too_many(wait)
            try:
                # The standard parser, not Sanic's ujson: ujson 5.x accepts some invalid UTF-8 and hands back
                # a broken string that fails later (SystemError, a 500). json.loads refuses it (a 400).
                body = json.loads(request.body)
            except Exception:  # not JSON, invalid UTF-8, too deep (RecursionError)
                return _bad_request("The request body must be a JSON object.")
            if not isinstance(body, dict):
                return _bad_request("The request body must be a JSON object.")
            sender = body.get("sender")
            if not valid_sender(sender):
                return _bad_request(
                    "'sender' must be an opaque conversation id: 1 to 128 letters, digits, '_', '-' or ':'."
                )
            metadata = body.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return _bad_request("'metadata' must be a JSON object.")
            wait = rate_limiter.check_sender(sender)
            if wait:
                return _too_many(wait)

            others = {key: value for key, value in body.items() if key not in _FIELDS}
            prepared = prepare_message(body.get("message"), metadata, others)
            if prepared.not_text:
                return _bad_request("'message' must be a string.")
            if prepared.removed:
                logger.info("Input guard changed a message: %s.", ", ".join(sorted(prepared.removed)))
            collector = SourcesCollectingOutput()
            collector.messages.extend({"recipient_id": sender, "text": notice} for notice in prepared.notices)
            try:
                await on_new_message(
                    UserMessage(
                        prepared.text,
                        collector,
                        sender,
                        input_channel=self.name(),
                        metadata=prepared.metadata,
                    )
                )
            except CancelledError:
                logger.error("A REST message timed out.")
            except Exception as error:
                log_failure("A REST message", error)
                return response.json({"error": "Sorry, something went wrong. Please try again."}, status=503)
            collector.messages.extend({"recipient_id": sender, "text": notice} for notice in prepared.notices_after)
            return response.json(collector.messages)

        return webhook
