"""No user text in the logs.

Rasa logs user messages only at debug level (structlog events such as `processor.message.parse` with
`parse_data_text=...`, and `user_message=...`). In production (SAFE_HARBOUR_ENV is not "development"):

- `refuse_debug()` stops the server before it serves anything if debug logging was asked for (`--debug`,
  `-vv`, LOG_LEVEL=DEBUG, or a logging config that lowers a level below INFO);
- `install()` makes debug output impossible even if something lowers a level later: every handler drops
  records below INFO, the standard loggers are held at INFO or above (engine.io, socket.io and Sanic's
  access log at WARNING: their INFO lines carry packet data and URLs), and a structlog processor (first in
  Rasa's chain) drops debug events and blanks the fields Rasa marks as holding conversation content.

Both run when the channels build their routes (safe_harbour.channels.incoming.secure_server), that is in
every `rasa run` that loads this project's channels, and `install()` runs again when the server starts.
In development nothing is changed, so `rasa run --debug` works as usual on a developer's machine.
"""

import logging
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

from safe_harbour import settings

# Fields of Rasa's structlog events that carry conversation content (rasa/utils/log_utils.py `_anonymizer`),
# plus a few more that can hold a tracker or a raw request.
CONTENT_FIELDS = frozenset(
    """text response_text user_text slot_values parse_data_text parse_data_entities prediction_events
    tracker_latest_message prefilled_slots message response slot_candidates rasa_event rasa_events
    tracker_states current_states old_states successes current_entity next_entity states entity token_text
    user_message json_message parse_data tracker events metadata body request_body""".split()
)
REDACTED = "[redacted]"
DEBUG_FLAGS = ("--debug", "-vv")
# Loggers whose INFO lines carry content: engine.io logs every packet with its data ("Received packet
# MESSAGE data ..."), Sanic's access log every URL with its query string (which holds the API token).
# Held at WARNING in production whatever LOG_LEVEL_LIBRARIES says; access logs belong to the reverse proxy.
CONTENT_AT_INFO = (
    "engineio",
    "engineio.server",
    "engineio.client",
    "socketio",
    "socketio.server",
    "socketio.client",
    "websockets",
    "websockets.protocol",
    "websockets.server",
    "sanic.access",
)


class ProductionLogFilter(logging.Filter):
    """Drops every record below INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


_FILTER = ProductionLogFilter()


def structlog_guard(_: Any, method_name: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: no debug events, no conversation content in any event (production only)."""
    if settings.DEVELOPMENT:
        return event_dict
    if method_name in ("debug", "trace"):
        import structlog

        raise structlog.DropEvent
    for key in CONTENT_FIELDS.intersection(event_dict):
        event_dict[key] = REDACTED
    return event_dict


def debug_requested(argv: Iterable[str] | None = None) -> bool:
    """True if the command line or the logging set-up asks for debug output."""
    argv = list(sys.argv if argv is None else argv)
    if any(
        arg in DEBUG_FLAGS or (arg.startswith("-v") and arg.count("v") >= 2 and set(arg[1:]) == {"v"}) for arg in argv
    ):
        return True
    return any(logging.getLogger(name).getEffectiveLevel() < logging.INFO for name in ("", "rasa", "safe_harbour"))


def refuse_debug(argv: Iterable[str] | None = None) -> None:
    """In production, stop with a plain message if debug logging is on."""
    if settings.DEVELOPMENT or not debug_requested(argv):
        return
    sys.stderr.write(
        "Safe Harbour refuses to start with debug logging (--debug, -vv or LOG_LEVEL=DEBUG): debug logs "
        "contain what families type. Use it only on a development machine with SAFE_HARBOUR_ENV=development.\n"
    )
    sys.stderr.flush()
    raise SystemExit(2)


def _all_loggers() -> Iterable[logging.Logger]:
    yield logging.getLogger()
    for logger in list(logging.Logger.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger):
            yield logger


def install() -> None:
    """Make debug output impossible in production (idempotent; safe to call again after new handlers)."""
    if settings.DEVELOPMENT:
        return
    for logger in _all_loggers():
        if logger.level != logging.NOTSET and logger.level < logging.INFO:
            logger.setLevel(logging.INFO)
        for handler in logger.handlers:
            if _FILTER not in handler.filters:
                handler.addFilter(_FILTER)
    root = logging.getLogger()
    if root.level < logging.INFO:
        root.setLevel(logging.INFO)
    for name in CONTENT_AT_INFO:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
    _install_structlog_guard()


def _install_structlog_guard() -> None:
    try:
        import structlog
    except ImportError:  # pragma: no cover - structlog comes with Rasa
        return
    processors = structlog.get_config().get("processors")
    if isinstance(processors, list):
        # Changed in place: loggers Rasa has already cached share this very list.
        if structlog_guard not in processors:
            processors.insert(0, structlog_guard)
    else:  # pragma: no cover
        structlog.configure(processors=[structlog_guard, *(processors or [])])
