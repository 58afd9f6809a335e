"""The staff console, served by the Rasa server itself as one more input channel (credentials.yml):

    GET  /staff/                          the console page (HTML/JS, no data in it)
    POST /staff/api/login                 {"name", "password"} -> session cookie
    POST /staff/api/logout
    GET  /staff/api/me
    GET  /staff/api/queue                 waiting cases (and one's own active ones), most urgent first
    GET  /staff/api/cases/closed          one's own closed cases (a supervisor: everyone's)
    GET  /staff/api/cases/<id>            triage card, and the conversation from the request to the close for
                                          whoever has it
    POST /staff/api/cases/<id>/claim      take the case: the bot is paused (ConversationPaused)
    POST /staff/api/cases/<id>/messages   {"text"}: to the family's widget, as bot_uttered from "staff" (the
                                          tracker keeps the role, never the staff member's name)
    POST /staff/api/cases/<id>/close      {"outcome"}: hand back to the bot (ConversationResumed)

A family whose staff member's console has been gone for STAFF_GONE_SECONDS (browser closed, connection lost)
is handed back to the assistant automatically (outcome "staff_disconnected"), so no one is left talking to a
paused bot; the same loop delivers any hand-back still owed by a closed case (a process that stopped between
closing and handing back), and deletes closed cases older than RETENTION_DAYS. A close only lands on the
case as the staff member last saw it (same status, same holder), so a stale close cannot end someone else's
conversation.

Every /staff/api/ route but login refuses a request without a valid staff session (401). The session is an
HttpOnly, SameSite=Strict cookie scoped to /staff, Secure per STAFF_COOKIE_SECURE. It ends after
STAFF_SESSION_HOURS, or after STAFF_IDLE_MINUTES without a request or without anyone touching the console
(the page reports that with each request, X-Staff-Idle-Seconds). State-changing requests must be JSON, which
a cross-site form cannot send. Sign-ins are throttled per name and per client address (bounded memory, each
attempt counted before its password is checked). Every handler answers bad input with a 4xx and an
unexpected failure with a one-line log and a 503, never a stack trace. Tracker events are appended
in-process through the agent (`request.app.ctx.agent`), under the conversation's lock, like Rasa's own
/conversations/.../tracker/events.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import pathlib
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from functools import wraps
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, Event, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from safe_harbour import settings
from safe_harbour.console.accounts import get_staff_accounts, valid_account_name
from safe_harbour.database import iso
from safe_harbour.directory.render import country_name
from safe_harbour.handoff import relay
from safe_harbour.handoff.cases import (
    ACTIVE,
    CLOSED,
    STAFF_GONE_OUTCOME,
    STAFF_OUTCOMES,
    WAITING,
    can_act,
    can_read,
    get_case_store,
)

logger = logging.getLogger(__name__)

STATIC_DIR = pathlib.Path(__file__).resolve().parent / "static"
COOKIE = "sh_staff"
MAX_STAFF_MESSAGE = 2000
MAX_PASSWORD = 256
# How often each server process looks for families whose staff member's console has gone.
SWEEP_SECONDS = 30
# Failed sign-ins allowed per name and per client address in a window, before 429; at most this many names
# and addresses are remembered (the oldest are forgotten first).
LOGIN_FAILURES_ALLOWED, LOGIN_WINDOW_SECONDS, LOGIN_KEYS_KEPT = 5, 600, 10_000

_PRIVATE_CASE_FIELDS = ("sender_id", "_requested_at", "_closed_at")


def _error(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status, headers={"Cache-Control": "no-store"})


def _json(data: Any, status: int = 200) -> HTTPResponse:
    return response.json(data, status=status, headers={"Cache-Control": "no-store"})


def _body(request: Request) -> dict[str, Any]:
    """The JSON object sent, or {}. Parsed here from strictly decoded UTF-8: Sanic's `request.json` (ujson)
    turns invalid UTF-8 into malformed strings that fail later, far from the request."""
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def public_case(case: dict[str, Any], viewer: dict[str, str]) -> dict[str, Any]:
    """A case as the console API shows it: never the family's session id."""
    out = {k: v for k, v in case.items() if k not in _PRIVATE_CASE_FIELDS}
    out["country_name"] = country_name(case.get("country"), "en") if case.get("country") else None
    out["can_act"] = can_act(viewer, case)
    out["mine"] = case.get("claimed_by") == viewer["name"]
    return out


class LoginThrottle:
    """Recent sign-in attempts per key (a name, a client address); in memory, per process.

    An attempt is counted *before* its password is checked (``attempt``), so parallel requests cannot all
    pass the check while the first ones are still being verified; a successful sign-in takes its own
    attempt back (``succeeded``). Keys without recent attempts are dropped and at most ``max_keys`` are kept
    (the least recently used go first), so a stream of new names cannot grow the table without bound."""

    def __init__(
        self,
        allowed: int = LOGIN_FAILURES_ALLOWED,
        window: float = LOGIN_WINDOW_SECONDS,
        max_keys: int = LOGIN_KEYS_KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.allowed, self.window, self.max_keys, self.clock = allowed, window, max_keys, clock
        self.attempts: OrderedDict[str, deque[tuple[float, int]]] = OrderedDict()  # key -> (when, number)
        self._numbers = itertools.count()

    def _recent(self, key: str, now: float) -> int:
        entries = self.attempts.get(key)
        while entries and now - entries[0][0] >= self.window:
            entries.popleft()
        if entries is not None and not entries:
            del self.attempts[key]
        return len(entries or ())

    def attempt(self, *keys: str) -> int | None:
        """Counts an attempt against every key and returns its number; None, counting nothing, when a key
        has used up its attempts."""
        now = self.clock()
        if any(self._recent(key, now) >= self.allowed for key in keys):
            return None
        number = next(self._numbers)
        for key in keys:
            self.attempts.setdefault(key, deque()).append((now, number))
            self.attempts.move_to_end(key)
        while len(self.attempts) > self.max_keys:
            self.attempts.popitem(last=False)
        return number

    def succeeded(self, number: int, *keys: str) -> None:
        """A sign-in succeeded: its attempt no longer counts against its keys."""
        for key in keys:
            remaining = deque(entry for entry in self.attempts.get(key, ()) if entry[1] != number)
            if remaining:
                self.attempts[key] = remaining
            else:
                self.attempts.pop(key, None)


async def append_events(agent, sender_id: str, events: list[Event]) -> None:
    """Appends events to a conversation's tracker in this process, under the conversation's lock."""
    async with agent.lock_store.lock(sender_id):
        tracker = await agent.processor.get_tracker(sender_id)
        for event in events:
            tracker.update(event)
        await agent.processor.save_tracker(tracker)


async def hand_back(agent, store, case: dict[str, Any]) -> bool:
    """The assistant answers the family of a closed, claimed case again, and their widget says the staff
    member has left. Done once, by whichever process takes it first; False when there was nothing to do."""
    if not store.take_hand_back(case["id"]):
        return False
    try:
        await append_events(agent, case["sender_id"], [ConversationResumed()])
    except Exception:
        store.release_hand_back(case["id"])
        raise
    await relay.send_notice(case["sender_id"], "left")
    return True


async def sweep_abandoned(agent, store, accounts, gone_seconds: int, now: datetime | None = None) -> int:
    """Closes as "staff_disconnected" every active case whose staff member's console has been gone for
    ``gone_seconds``, and hands back every family still owed a hand-back (those cases, and any closed case
    whose closing process stopped half-way). Safe to run in several processes at once."""
    for case in store.abandoned_cases(accounts.present_staff(gone_seconds, now), gone_seconds, now):
        store.close(case["id"], "system", STAFF_GONE_OUTCOME, ACTIVE, case["claimed_by"], now)
    handed_back = 0
    for case in store.owed_hand_backs():
        if await hand_back(agent, store, case):
            handed_back += 1
    return handed_back


async def transcript(agent, case: dict[str, Any]) -> list[dict[str, Any]]:
    """The conversation of this case only: family, bot and staff messages from the family's request for a
    person to the case's close (what the family writes afterwards is not the case's any more)."""
    tracker = await agent.tracker_store.retrieve(case["sender_id"])
    if tracker is None:
        return []
    since = _timestamp(case["_requested_at"]) - 1
    until = _timestamp(case["_closed_at"]) if case.get("_closed_at") else float("inf")
    lines = []
    for event in tracker.events:
        if not since <= event.timestamp <= until:
            continue
        at = iso(_utc(event.timestamp))
        if isinstance(event, UserUttered):
            lines.append({"from": "family", "text": event.text or "", "at": at})
        elif isinstance(event, BotUttered):
            who = "staff" if (event.metadata or {}).get("from") == "staff" else "bot"
            lines.append({"from": who, "text": event.text or "", "at": at})
        elif isinstance(event, ConversationPaused):
            lines.append({"from": "system", "text": "staff joined; the bot is paused", "at": at})
        elif isinstance(event, ConversationResumed):
            lines.append({"from": "system", "text": "handed back to the bot", "at": at})
    return lines


def _utc(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).replace(tzinfo=None)


def _timestamp(naive_utc: datetime) -> float:
    return naive_utc.replace(tzinfo=timezone.utc).timestamp()


def _idle_seconds(request: Request) -> int:
    """How long the staff member has not touched the console, as the console page reports it with each
    request (its polling keeps the session alive, so the server alone cannot tell an unattended screen)."""
    reported = request.headers.get("X-Staff-Idle-Seconds", "")
    return int(reported) if reported.isascii() and reported.isdigit() and len(reported) < 10 else 0


def answers_calmly(handler):
    """Whatever goes wrong inside a console handler: a one-line log (no stack trace, no request data) and
    a plain 503 for the client."""

    @wraps(handler)
    async def guarded(request: Request, *args, **kwargs):
        try:
            return await handler(request, *args, **kwargs)
        except Exception as error:
            logger.error(
                "The staff console could not answer %s %s (%s).", request.method, handler.__name__, type(error).__name__
            )
            return _error(503, "The console could not do this just now. Please try again.")

    return guarded


def _static(name: str, content_type: str):
    @answers_calmly
    async def serve(_: Request) -> HTTPResponse:
        return await response.file(
            str(STATIC_DIR / name),
            mime_type=content_type,
            headers={
                "Cache-Control": "no-store",
                "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; "
                "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
                "base-uri 'none'; form-action 'self'",
                "X-Content-Type-Options": "nosniff",
                "Referrer-Policy": "no-referrer",
            },
        )

    return serve


class StaffConsole(InputChannel):
    """The staff console under /staff. Receives no family messages."""

    @classmethod
    def name(cls) -> str:
        return "staff"

    def url_prefix(self) -> str:
        return "/staff"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        console = Blueprint("staff_console", __name__)
        throttle = LoginThrottle()

        def staff_only(handler):
            @answers_calmly
            @wraps(handler)
            async def checked(request: Request, *args, **kwargs):
                token = request.cookies.get(COOKIE)
                viewer = get_staff_accounts().session(token)
                if viewer is None:
                    return _error(401, "Please sign in.")
                if _idle_seconds(request) > settings.STAFF_IDLE_MINUTES * 60:
                    get_staff_accounts().end_session(token)
                    return _error(401, f"Signed out after {settings.STAFF_IDLE_MINUTES} minutes without activity.")
                if request.method == "POST" and not (request.content_type or "").startswith("application/json"):
                    return _error(415, "Send JSON.")
                return await handler(request, viewer, *args, **kwargs)

            return checked

        def agent_of(request: Request):
            return getattr(request.app.ctx, "agent", None)

        console.add_route(_static("console.html", "text/html; charset=utf-8"), "/", methods=["GET"], name="page")
        console.add_route(
            _static("console.js", "text/javascript; charset=utf-8"), "/console.js", methods=["GET"], name="script"
        )
        console.add_route(
            _static("console.css", "text/css; charset=utf-8"), "/console.css", methods=["GET"], name="style"
        )

        @console.route("/api/login", methods=["POST"])
        @answers_calmly
        async def login(request: Request) -> HTTPResponse:
            if not (request.content_type or "").startswith("application/json"):
                return _error(415, "Send JSON.")
            body = _body(request)
            name, password = body.get("name"), body.get("password")
            if not valid_account_name(name) or not isinstance(password, str) or len(password) > MAX_PASSWORD:
                return _error(400, "Send a JSON object with name and password.")
            keys = (f"name:{name.strip().lower()}", f"ip:{request.remote_addr or request.ip}")
            attempt = throttle.attempt(*keys)
            if attempt is None:
                return _error(429, "Too many failed sign-ins. Wait a few minutes.")
            accounts = get_staff_accounts()
            account = await asyncio.get_running_loop().run_in_executor(None, accounts.check_login, name, password)
            if account is None:
                return _error(401, "Wrong name or password.")
            throttle.succeeded(attempt, *keys)
            token = accounts.start_session(account)
            reply = _json({"name": account["name"], "role": account["role"]})
            reply.cookies[COOKIE] = token
            cookie = reply.cookies[COOKIE]
            cookie["httponly"] = True
            cookie["samesite"] = "Strict"
            cookie["path"] = "/staff"
            cookie["max-age"] = int(accounts.session_hours * 3600)
            secure = settings.STAFF_COOKIE_SECURE
            if secure if secure is not None else request.scheme == "https":
                cookie["secure"] = True
            return reply

        @console.route("/api/logout", methods=["POST"])
        @staff_only
        async def logout(request: Request, viewer) -> HTTPResponse:
            get_staff_accounts().end_session(request.cookies.get(COOKIE))
            reply = _json({"signed_out": True})
            reply.cookies[COOKIE] = ""
            reply.cookies[COOKIE]["path"] = "/staff"
            reply.cookies[COOKIE]["max-age"] = 0
            return reply

        @console.route("/api/me", methods=["GET"])
        @staff_only
        async def me(request: Request, viewer) -> HTTPResponse:
            return _json(viewer)

        @console.route("/api/queue", methods=["GET"])
        @staff_only
        async def queue(request: Request, viewer) -> HTTPResponse:
            return _json({"cases": [public_case(c, viewer) for c in get_case_store().queue(viewer)]})

        @console.route("/api/cases/closed", methods=["GET"])
        @staff_only
        async def closed(request: Request, viewer) -> HTTPResponse:
            return _json({"cases": [public_case(c, viewer) for c in get_case_store().closed_cases(viewer)]})

        @console.route("/api/cases/<case_id:str>", methods=["GET"])
        @staff_only
        async def case_detail(request: Request, viewer, case_id: str) -> HTTPResponse:
            case = get_case_store().get_case(case_id)
            if case is None:
                return _error(404, "No such case.")
            if not can_read(viewer, case):
                return _error(403, "This case belongs to another member of staff.")
            out = public_case(case, viewer)
            # The conversation itself: only for whoever has the case (and supervisors), never from the queue.
            if case["status"] != WAITING and (out["mine"] or viewer["role"] == "supervisor"):
                agent = agent_of(request)
                out["transcript"] = await transcript(agent, case) if agent else []
            return _json(out)

        @console.route("/api/cases/<case_id:str>/claim", methods=["POST"])
        @staff_only
        async def claim(request: Request, viewer, case_id: str) -> HTTPResponse:
            agent = agent_of(request)
            if agent is None:
                return _error(503, "The assistant is still starting.")
            store = get_case_store()
            case = store.get_case(case_id)
            if case is None:
                return _error(404, "No such case.")
            claimed = store.claim(case_id, viewer["name"])
            if claimed is None:
                return _error(409, "Someone else has taken this case, or it is closed.")
            await append_events(agent, claimed["sender_id"], [ConversationPaused()])
            await relay.send_notice(claimed["sender_id"], "joined")
            return _json(public_case(claimed, viewer))

        @console.route("/api/cases/<case_id:str>/messages", methods=["POST"])
        @staff_only
        async def send(request: Request, viewer, case_id: str) -> HTTPResponse:
            agent = agent_of(request)
            if agent is None:
                return _error(503, "The assistant is still starting.")
            text = _body(request).get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_STAFF_MESSAGE:
                return _error(400, f"Send text of 1 to {MAX_STAFF_MESSAGE} characters.")
            text = "".join(ch for ch in text.strip() if ch in "\n\t" or ch.isprintable())
            case = get_case_store().get_case(case_id)
            if case is None:
                return _error(404, "No such case.")
            if not can_read(viewer, case) or not can_act(viewer, case):
                return _error(403, "This case belongs to another member of staff.")
            if case["status"] != ACTIVE:
                return _error(409, "Claim the case before writing to the family.")
            # The role, not the name: the conversation is kept for RETENTION_DAYS and may be exported.
            await append_events(
                agent, case["sender_id"], [BotUttered(text, metadata={"from": "staff", "role": viewer["role"]})]
            )
            delivered = await relay.send_staff_message(case["sender_id"], text)
            return _json({"sent": True, "delivered": delivered})

        @console.route("/api/cases/<case_id:str>/close", methods=["POST"])
        @staff_only
        async def close(request: Request, viewer, case_id: str) -> HTTPResponse:
            agent = agent_of(request)
            if agent is None:
                return _error(503, "The assistant is still starting.")
            outcome = _body(request).get("outcome")
            if outcome not in STAFF_OUTCOMES:
                return _error(400, f"outcome must be one of: {', '.join(STAFF_OUTCOMES)}.")
            store = get_case_store()
            case = store.get_case(case_id)
            if case is None:
                return _error(404, "No such case.")
            if case["status"] == CLOSED:
                return _error(409, "This case is already closed.")
            if not can_act(viewer, case):
                return _error(403, "This case belongs to another member of staff.")
            closed_case = store.close(case_id, viewer["name"], outcome, case["status"], case["claimed_by"])
            if closed_case is None:
                return _error(409, "This case changed a moment ago (taken or closed). Look at it again.")
            await hand_back(agent, store, closed_case)  # only if it had been claimed: the bot was paused
            return _json(public_case(closed_case, viewer))

        @console.listener("after_server_start")
        async def start_sweeping(app, _loop) -> None:
            async def sweep_forever() -> None:
                while True:
                    await asyncio.sleep(SWEEP_SECONDS)
                    agent = getattr(app.ctx, "agent", None)
                    if agent is None:
                        continue
                    try:
                        store = get_case_store()
                        await sweep_abandoned(agent, store, get_staff_accounts(), settings.STAFF_GONE_SECONDS)
                        store.purge_closed(settings.RETENTION_DAYS)
                    except Exception:
                        logger.exception("Could not hand back families whose staff member has gone.")

            app.ctx.staff_sweeper = asyncio.ensure_future(sweep_forever())

        # Sanic 21.12 does not cancel its tasks at shutdown: asyncio would report the sweeper destroyed pending.
        @console.listener("before_server_stop")
        async def stop_sweeping(app, _loop) -> None:
            sweeper = getattr(app.ctx, "staff_sweeper", None)
            if sweeper is not None:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper

        return console
