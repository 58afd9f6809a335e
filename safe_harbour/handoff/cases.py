"""Handoff cases in the handoff database (safe_harbour.database): a family's request for a person, from the
queue to its close and the hand-back to the assistant.

A case holds the triage card (see ``safe_harbour.handoff.triage``), never message text; the conversation
itself stays in the tracker store. The family's session id (``sender_id``) is kept to reach the
conversation but is never returned by the console API (it would let anyone join the family's chat).
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any, TypeGuard

import sqlalchemy as sa
from sqlalchemy.exc import OperationalError, ProgrammingError

from safe_harbour import database, settings
from safe_harbour.database import iso, utcnow
from safe_harbour.handoff.triage import URGENCY_RANK

WAITING, ACTIVE, CLOSED = "waiting", "active", "closed"
NO_STAFF_OUTCOME = "no_staff_hotline_given"
# The staff member's console has been gone too long: the family is handed back to the assistant.
STAFF_GONE_OUTCOME = "staff_disconnected"
SYSTEM_OUTCOMES = (NO_STAFF_OUTCOME, STAFF_GONE_OUTCOME)
# Outcomes: the system's own first, then those staff choose when they close a case.
OUTCOMES = (
    NO_STAFF_OUTCOME,
    STAFF_GONE_OUTCOME,
    "advice_given",
    "referred_to_hotline",
    "referred_to_police",
    "referred_to_child_protection",
    "family_left",
    "not_in_scope",
)
STAFF_OUTCOMES = tuple(o for o in OUTCOMES if o not in SYSTEM_OUTCOMES)
_CASE_ID = re.compile(r"^[0-9a-f]{32}$")  # uuid4().hex

metadata = sa.MetaData()
cases = sa.Table(
    "handoff_cases",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("sender_id", sa.String(128), nullable=False, index=True),
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("urgency", sa.String(16), nullable=False),
    sa.Column("urgency_rank", sa.Integer, nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("requested_at", sa.DateTime, nullable=False),
    sa.Column("claimed_at", sa.DateTime),
    sa.Column("claimed_by", sa.String(32)),
    sa.Column("closed_at", sa.DateTime),
    sa.Column("closed_by", sa.String(32)),
    sa.Column("outcome", sa.String(40)),
    # When the family of a claimed case was handed back to the assistant (ConversationResumed); NULL on a
    # closed case that had been claimed means the hand-back is still owed (the sweep delivers it).
    sa.Column("handed_back_at", sa.DateTime),
)


class CaseStore:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = database.engine(url)
        database.create_tables(metadata, self.engine)
        self._add_hand_back_column()

    def _add_hand_back_column(self) -> None:
        """Databases created before ``handed_back_at`` existed get the column; their closed cases count as
        handed back already (the sweep must not resume old conversations)."""
        if "handed_back_at" in {c["name"] for c in sa.inspect(self.engine).get_columns("handoff_cases")}:
            return
        try:
            with self.engine.begin() as conn:
                conn.execute(sa.text("ALTER TABLE handoff_cases ADD COLUMN handed_back_at TIMESTAMP"))
                conn.execute(cases.update().where(cases.c.status == CLOSED).values(handed_back_at=cases.c.closed_at))
        except (OperationalError, ProgrammingError):
            pass  # another process added it at the same moment

    def open_case_for(self, sender_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(cases)
                .where(cases.c.sender_id == sender_id, cases.c.status.in_([WAITING, ACTIVE]))
                .order_by(cases.c.requested_at.desc())
            ).first()
        return self._case(row) if row else None

    def create_case(
        self,
        sender_id: str,
        summary: dict[str, Any],
        status: str = WAITING,
        outcome: str | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        now = now or utcnow()
        urgency = summary.get("urgency", "normal")
        row = {
            "id": uuid.uuid4().hex,
            "sender_id": sender_id,
            "status": status,
            "urgency": urgency,
            "urgency_rank": URGENCY_RANK.get(urgency, max(URGENCY_RANK.values())),
            "category": summary.get("category", "not_stated"),
            "summary": summary,
            "requested_at": now,
        }
        if status == CLOSED:
            row.update(closed_at=now, outcome=outcome)
        with self.engine.begin() as conn:
            conn.execute(cases.insert().values(**row))
            return self._case(conn.execute(sa.select(cases).where(cases.c.id == row["id"])).one())

    def get_case(self, case_id: str) -> dict[str, Any] | None:
        if not valid_case_id(case_id):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
        return self._case(row) if row else None

    def queue(self, viewer: dict[str, str]) -> list[dict[str, Any]]:
        """Waiting cases for everyone, and active ones for whoever has them (all of them for a supervisor);
        most urgent first, then longest waiting."""
        condition = cases.c.status == WAITING
        if viewer.get("role") == "supervisor":
            condition = cases.c.status.in_([WAITING, ACTIVE])
        else:
            condition = sa.or_(condition, sa.and_(cases.c.status == ACTIVE, cases.c.claimed_by == viewer["name"]))
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(cases).where(condition).order_by(cases.c.urgency_rank, cases.c.requested_at)
            ).all()
        return [self._case(r) for r in rows]

    def closed_cases(self, viewer: dict[str, str], limit: int = 100) -> list[dict[str, Any]]:
        """Closed cases: one's own (claimed or closed by them); all of them for a supervisor."""
        condition = cases.c.status == CLOSED
        if viewer.get("role") != "supervisor":
            condition = sa.and_(
                condition, sa.or_(cases.c.claimed_by == viewer["name"], cases.c.closed_by == viewer["name"])
            )
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(cases).where(condition).order_by(cases.c.closed_at.desc()).limit(limit)).all()
        return [self._case(r) for r in rows]

    def claim(self, case_id: str, staff_name: str, now: datetime | None = None) -> dict[str, Any] | None:
        """Takes a waiting case; None if it is no longer waiting (someone else was quicker)."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            done = conn.execute(
                cases.update()
                .where(cases.c.id == case_id, cases.c.status == WAITING)
                .values(status=ACTIVE, claimed_by=staff_name, claimed_at=now)
            ).rowcount
        return self.get_case(case_id) if done else None

    def close(
        self,
        case_id: str,
        staff_name: str,
        outcome: str,
        expected_status: str,
        expected_holder: str | None,
        now: datetime | None = None,
    ) -> dict[str, Any] | None:
        """Closes the case only if it is still as the caller last saw it: ``expected_status`` (waiting or
        active) and held by ``expected_holder`` (None while waiting). None when it changed in between (claimed
        by someone, or closed): a stale close never lands on another staff member's conversation. A closed
        case that had been claimed owes its family a hand-back (``take_hand_back``)."""
        if expected_status not in (WAITING, ACTIVE):
            return None
        now = now or utcnow()
        holder = cases.c.claimed_by.is_(None) if expected_holder is None else cases.c.claimed_by == expected_holder
        with self.engine.begin() as conn:
            done = conn.execute(
                cases.update()
                .where(cases.c.id == case_id, cases.c.status == expected_status, holder)
                .values(status=CLOSED, closed_by=staff_name, closed_at=now, outcome=outcome)
            ).rowcount
        return self.get_case(case_id) if done else None

    def owed_hand_backs(self) -> list[dict[str, Any]]:
        """Closed cases that had been claimed and whose family has not been handed back yet (the process
        closing it stopped half-way, or an older version closed it without handing back)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(cases).where(
                    cases.c.status == CLOSED, cases.c.claimed_at.is_not(None), cases.c.handed_back_at.is_(None)
                )
            ).all()
        return [self._case(r) for r in rows]

    def take_hand_back(self, case_id: str, now: datetime | None = None) -> bool:
        """Marks a closed, claimed case as handed back; True for the one caller that should do it (several
        server processes may try at once)."""
        with self.engine.begin() as conn:
            return bool(
                conn.execute(
                    cases.update()
                    .where(
                        cases.c.id == case_id,
                        cases.c.status == CLOSED,
                        cases.c.claimed_at.is_not(None),
                        cases.c.handed_back_at.is_(None),
                    )
                    .values(handed_back_at=now or utcnow())
                ).rowcount
            )

    def release_hand_back(self, case_id: str) -> None:
        """The hand-back taken with ``take_hand_back`` failed: owe it again."""
        with self.engine.begin() as conn:
            conn.execute(cases.update().where(cases.c.id == case_id).values(handed_back_at=None))

    def purge_closed(self, older_than_days: int, now: datetime | None = None) -> int:
        """Deletes closed cases older than the retention period (RETENTION_DAYS, like the conversations)."""
        cutoff = (now or utcnow()) - timedelta(days=older_than_days)
        with self.engine.begin() as conn:
            return conn.execute(cases.delete().where(cases.c.status == CLOSED, cases.c.closed_at < cutoff)).rowcount

    def abandoned_cases(
        self, present_staff: Collection[str], gone_seconds: int, now: datetime | None = None
    ) -> list[dict[str, Any]]:
        """Active cases claimed more than ``gone_seconds`` ago by someone not in ``present_staff`` (the staff
        whose console has made a request in that time; the others closed the browser or lost the
        connection): their family would otherwise wait on a paused bot for ever."""
        now = now or utcnow()
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(cases).where(
                    cases.c.status == ACTIVE,
                    cases.c.claimed_at < now - timedelta(seconds=gone_seconds),
                    cases.c.claimed_by.not_in(list(present_staff)),
                )
            ).all()
        return [self._case(r) for r in rows]

    @staticmethod
    def _case(row) -> dict[str, Any]:
        now = utcnow()
        end = row.claimed_at or row.closed_at or now
        summary = dict(row.summary or {})
        return {
            **summary,
            "id": row.id,
            "sender_id": row.sender_id,
            "status": row.status,
            "urgency": row.urgency,
            "category": row.category,
            "requested_at": iso(row.requested_at),
            "waiting_seconds": max(0, int((end - row.requested_at).total_seconds())),
            "claimed_at": iso(row.claimed_at),
            "claimed_by": row.claimed_by,
            "closed_at": iso(row.closed_at),
            "closed_by": row.closed_by,
            "outcome": row.outcome,
            "_requested_at": row.requested_at,
            "_closed_at": row.closed_at,
        }


def valid_case_id(case_id: Any) -> TypeGuard[str]:
    return isinstance(case_id, str) and bool(_CASE_ID.match(case_id))


def can_read(viewer: dict[str, str], case: dict[str, Any]) -> bool:
    """A supervisor reads every case; staff read waiting cases (the triage card) and their own."""
    if viewer.get("role") == "supervisor":
        return True
    if case["status"] == WAITING:
        return True
    return viewer["name"] in (case.get("claimed_by"), case.get("closed_by"))


def can_act(viewer: dict[str, str], case: dict[str, Any]) -> bool:
    """Whether the viewer may write in, or close, a case: the one who claimed it, or a supervisor."""
    if case["status"] == WAITING:
        return True
    return case["status"] == ACTIVE and (viewer.get("role") == "supervisor" or case.get("claimed_by") == viewer["name"])


@functools.cache
def _cases_at(url: str) -> CaseStore:
    return CaseStore(url)


def get_case_store(url: str | None = None) -> CaseStore:
    """One per database URL per process (the URL defaults to the DATABASE_URL setting)."""
    return _cases_at(url or settings.DATABASE_URL)
