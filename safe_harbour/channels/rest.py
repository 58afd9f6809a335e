"""REST channel (`POST /webhooks/rest/webhook`) that validates input and keeps answers' sources."""
import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Dict, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from safe_harbour.channels.incoming import prepare_message
from safe_harbour.channels.outgoing import client_message

logger = logging.getLogger(__name__)


class SourcesCollectingOutput(CollectingOutputChannel):
    """Collects replies in the client shape, with their sources."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.messages.append({"recipient_id": recipient_id, **client_message(message)})


def _bad_request(reason: Text) -> HTTPResponse:
    return response.json({"error": reason}, status=400)


class SafeRestInput(InputChannel):
    """A REST endpoint that answers malformed requests with a plain 400, never a 500."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("safe_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # Sanic raises on a body that is not JSON
                return _bad_request("The request body must be a JSON object.")
            if not isinstance(body, dict):
                return _bad_request("The request body must be a JSON object.")
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > 128:
                return _bad_request("'sender' must be a non-empty string of at most 128 characters.")
            metadata = body.get("metadata")
            if metadata is not None and not isinstance(metadata, dict):
                return _bad_request("'metadata' must be a JSON object.")

            prepared = prepare_message(body.get("message"), metadata)
            collector = SourcesCollectingOutput()
            try:
                await on_new_message(
                    UserMessage(
                        prepared.text, collector, sender, input_channel=self.name(),
                        metadata=prepared.metadata,
                    )
                )
            except CancelledError:
                logger.error("A REST message timed out.")
            except Exception:
                # Logged without the message text, which may hold personal data.
                logger.exception("A REST message could not be handled.")
                return response.json({"error": "Sorry, something went wrong. Please try again."}, status=503)
            return response.json(collector.messages)

        return webhook
