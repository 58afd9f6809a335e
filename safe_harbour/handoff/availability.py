"""Whether a family asking for a person can have one now: someone signed in to the staff console, and
within the configured hours (STAFF_HOURS in STAFF_TIMEZONE). If not, the family is told so honestly and
given their country's helpline instead (see actions/handoff.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timezone
from zoneinfo import ZoneInfo

NO_STAFF_SIGNED_IN = "no_staff_signed_in"
OUTSIDE_HOURS = "outside_hours"
# Live chat needs a channel that can push staff messages to the family: the widget's socket.io connection.
# A family on the REST channel (the widget's fallback, or another client) cannot receive them.
NO_LIVE_CHANNEL = "no_live_channel"
LIVE_CHANNELS = ("socketio",)

_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def parse_hours(spec: str | None) -> tuple[time, time] | None:
    """ "08:00-20:00" -> (08:00, 20:00); empty -> None (any time). "20:00-08:00" runs overnight."""
    if not spec or not spec.strip():
        return None
    match = _HOURS.match(spec)
    if not match:
        raise ValueError(f"STAFF_HOURS must look like 08:00-20:00, not {spec!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
        raise ValueError(f"STAFF_HOURS has an impossible time: {spec!r}")
    to_time = lambda h, m: time(23, 59, 59) if h == 24 else time(h, m)  # noqa: E731
    return to_time(h1, m1), to_time(h2, m2)


def within_hours(now_utc: datetime, spec: str | None, tz: str = "UTC") -> bool:
    hours = parse_hours(spec)
    if hours is None:
        return True
    if now_utc.tzinfo is None:
        now_utc = now_utc.replace(tzinfo=timezone.utc)
    local = now_utc.astimezone(ZoneInfo(tz or "UTC")).time()
    start, end = hours
    if start <= end:
        return start <= local < end
    return local >= start or local < end  # overnight


@dataclass
class Availability:
    available: bool
    reason: str | None = None  # NO_STAFF_SIGNED_IN or OUTSIDE_HOURS when not available
    hours: str | None = None
    timezone: str | None = None


def check(
    accounts,
    now_utc: datetime | None = None,
    hours: str | None = None,
    tz: str | None = None,
    channel: str | None = None,
) -> Availability:
    """Staff availability now; hours and time zone default to the STAFF_HOURS / STAFF_TIMEZONE settings.
    With ``channel`` (the family's input channel), a channel that cannot carry live chat counts too."""
    from safe_harbour import settings

    hours = settings.STAFF_HOURS if hours is None else hours
    tz = tz or settings.STAFF_TIMEZONE
    now_utc = now_utc or datetime.now(timezone.utc)
    shown_hours = hours.strip() if hours and hours.strip() else None
    if not within_hours(now_utc, hours, tz):
        return Availability(False, OUTSIDE_HOURS, shown_hours, tz)
    if accounts.staff_present(now_utc.astimezone(timezone.utc).replace(tzinfo=None)) < 1:
        return Availability(False, NO_STAFF_SIGNED_IN, shown_hours, tz)
    if channel is not None and channel not in LIVE_CHANNELS:
        return Availability(False, NO_LIVE_CHANNEL, shown_hours, tz)
    return Availability(True, None, shown_hours, tz)
