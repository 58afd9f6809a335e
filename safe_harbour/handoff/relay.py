"""The path of a staff message (and of the "staff joined / left" notices) to the family's widget.

The family's socket.io connection sits in a room named by their session id (= the Rasa sender id). A staff
message is emitted to that room as ``bot_uttered`` with ``metadata.from = "staff"``; notices go out as the
``handoff`` event ({"status": "joined" | "left"}), which the widget turns into a notice in its language.

Across server processes: when ``SOCKETIO_REDIS_URL`` is set, every process's socket.io server uses an
``AsyncRedisManager`` client manager, so an emit on the process that serves the staff console is published
through Redis and delivered by whichever process holds the family's socket. Without it the socket.io
server is in-process, which is enough for a single `rasa run`. A process with no socket.io channel of its
own emits through a write-only Redis manager.
"""

from __future__ import annotations

import logging
from typing import Any

from safe_harbour import settings
from safe_harbour.channels.outgoing import client_message

logger = logging.getLogger(__name__)

HANDOFF_EVENT = "handoff"

_server = None
_namespace: str | None = None
_bot_event = "bot_uttered"
_write_only = None


def server_options() -> dict[str, Any]:
    """Extra keyword arguments for the family channel's ``socketio.AsyncServer``."""
    if not settings.SOCKETIO_REDIS_URL:
        return {}
    from socketio import AsyncRedisManager

    return {"client_manager": AsyncRedisManager(settings.SOCKETIO_REDIS_URL, channel=settings.SOCKETIO_REDIS_CHANNEL)}


def register(sio, namespace: str | None = None, bot_message_evt: str = "bot_uttered") -> None:
    """Called by the family socket.io channel with its server."""
    global _server, _namespace, _bot_event
    _server, _namespace, _bot_event = sio, namespace, bot_message_evt


def _emitter():
    global _write_only
    if _server is not None:
        return _server
    if settings.SOCKETIO_REDIS_URL:
        if _write_only is None:
            from socketio import AsyncRedisManager

            _write_only = AsyncRedisManager(
                settings.SOCKETIO_REDIS_URL, channel=settings.SOCKETIO_REDIS_CHANNEL, write_only=True
            )
        return _write_only
    return None


async def _emit(event: str, data: Any, session_id: str) -> bool:
    emitter = _emitter()
    if emitter is None:
        logger.warning("No socket.io server to reach the family through.")
        return False
    try:
        await emitter.emit(event, data, room=session_id, namespace=_namespace)
        return True
    except Exception:
        logger.exception("A message to a family's widget could not be sent.")
        return False


async def send_staff_message(session_id: str, text: str) -> bool:
    return await _emit(_bot_event, client_message({"text": text, "metadata": {"from": "staff"}}), session_id)


async def send_notice(session_id: str, status: str) -> bool:
    return await _emit(HANDOFF_EVENT, {"status": status}, session_id)
