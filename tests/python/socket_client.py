"""A family's socket.io client for the end-to-end tests (python-socketio, long-polling: engineio 4.15's
websocket client needs aiohttp >= 3.10 and Rasa pins 3.9; the server handles both transports the same way)."""

import asyncio
import uuid

import socketio


async def socket_conversation(
    url: str, messages: list[dict], wait: float = 20.0, settle: float = 0.7
) -> tuple[list[list[dict]], str]:
    """Send each message on one socket.io session; returns the bot messages received after each, and the
    session id. `settle` is how long to wait for further bubbles of the same answer."""
    client = socketio.AsyncClient(reconnection=False)
    received: asyncio.Queue = asyncio.Queue()
    confirmed = asyncio.Event()
    client.on("session_confirm", lambda *_: confirmed.set())

    async def on_bot(data):
        await received.put(data)

    client.on("bot_uttered", on_bot)
    await client.connect(url, socketio_path="/socket.io", transports=["polling"])
    session_id = uuid.uuid4().hex
    await client.emit("session_request", {"session_id": session_id})
    await asyncio.wait_for(confirmed.wait(), wait)
    replies = []
    try:
        for message in messages:
            await client.emit("user_uttered", {"session_id": session_id, **message})
            batch = [await asyncio.wait_for(received.get(), wait)]
            await asyncio.sleep(settle)
            while not received.empty():
                batch.append(received.get_nowait())
            replies.append(batch)
    finally:
        await client.disconnect()
    return replies, session_id
