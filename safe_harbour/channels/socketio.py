"""socket.io channel for the family widget.

Rasa 3.6.21's own channel calls `enter_room` without awaiting it, so with python-socketio >= 5.10 bot
replies never reach a client that uses a session id (rasa issue 13027). This channel awaits the call when it
is a coroutine, so it works with the python-socketio >= 5.14 the project needs (CVE-2025-61765).
"""

import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from safe_harbour.channels.incoming import (
    RATE_LIMITED_MESSAGE,
    prepare_message,
    rate_limiter,
    secure_channel,
    valid_sender,
)
from safe_harbour.channels.outgoing import client_message
from safe_harbour.channels.rest import log_failure
from safe_harbour.handoff import relay
from safe_harbour.privacy.http_hardening import origin_allowed

logger = logging.getLogger(__name__)


class SocketIOSourcesOutput(OutputChannel):
    """Emits each reply once, in the client shape (text, buttons, sources).

    With `hold`, replies wait until `release()`: Rasa sends a turn's answers before it stores the turn, so a
    server that dies in between would have answered a turn that is lost. Released once the turn is stored,
    an answer the family sees always belongs to a stored turn (as with REST, which answers at the end)."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: AsyncServer, bot_message_evt: str, hold: bool = False) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt
        self.held: list[tuple[str, dict[str, Any]]] | None = [] if hold else None

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        if self.held is not None:
            self.held.append((recipient_id, message))
            return
        await self.sio.emit(self.bot_message_evt, client_message(message), room=recipient_id)

    async def release(self) -> None:
        held, self.held = self.held or [], None
        for recipient_id, message in held:
            await self.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.send_response(recipient_id, {"text": text, **kwargs})


class SafeSocketIOInput(SocketIOInput):
    """socket.io input whose sessions are rooms named by the widget's session id."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def get_output_channel(self) -> OutputChannel | None:
        return SocketIOSourcesOutput(self.sio, self.bot_message_evt) if self.sio else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # With SOCKETIO_REDIS_URL, rooms are shared across server processes through Redis (handoff/relay.py).
        # Browsers may connect from the server's own pages and from CORS_ORIGINS only (origin_allowed).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=origin_allowed, **relay.server_options())
        relay.register(sio, self.namespace, self.bot_message_evt)  # staff messages reach families through it
        socket_blueprint = SocketBlueprint(sio, self.socketio_path, "safe_socketio", __name__)
        secure_channel(socket_blueprint)
        self.sio = sio
        addresses: dict[str, str] = {}  # socket id -> client address, for the per-address rate limit

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict, auth: Any = None) -> None:
            request = environ.get("sanic.request")
            addresses[sid] = (getattr(request, "remote_addr", "") or getattr(request, "ip", "")) or "unknown"

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            addresses.pop(sid, None)

        @socket_blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            session_id = data.get("session_id") if isinstance(data, dict) else None
            if not valid_sender(session_id) or not 8 <= len(session_id) <= 64:
                session_id = uuid.uuid4().hex
            entered = sio.enter_room(sid, session_id, namespace=self.namespace)
            if inspect.isawaitable(entered):
                await entered
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id"), str):
                return  # Nothing to answer to: the client has no session yet.
            session_id = data["session_id"]
            if session_id not in sio.rooms(sid, namespace=self.namespace):
                return  # A socket may only speak for the session it joined.
            if rate_limiter.check_address(addresses.get(sid)) or rate_limiter.check_sender(session_id):
                await sio.emit(self.bot_message_evt, {"text": RATE_LIMITED_MESSAGE}, room=sid, namespace=self.namespace)
                return
            metadata = data.get(self.metadata_key)
            others = {k: v for k, v in data.items() if k not in ("message", "session_id", self.metadata_key)}
            prepared = prepare_message(data.get("message"), metadata, others)
            if prepared.not_text:
                return  # nothing to read
            if prepared.removed:
                logger.info("Input guard changed a message: %s.", ", ".join(sorted(prepared.removed)))
            output = SocketIOSourcesOutput(sio, self.bot_message_evt, hold=True)
            for notice in prepared.notices:
                await output.send_text_message(session_id, notice)
            try:
                await on_new_message(
                    UserMessage(
                        prepared.text,
                        output,
                        session_id,
                        input_channel=self.name(),
                        metadata=prepared.metadata,
                    )
                )
            except Exception as error:
                log_failure("A socket.io message", error)
                await sio.emit(
                    self.bot_message_evt,
                    {"text": "Sorry, something went wrong. Please try again."},
                    room=session_id,
                )
                return
            await output.release()  # the turn is stored now (Rasa saved the tracker before returning)
            for notice in prepared.notices_after:
                await output.send_text_message(session_id, notice)

        return socket_blueprint
