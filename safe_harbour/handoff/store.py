"""Cases, staff accounts and staff sessions in an SQL database (SQLAlchemy 1.4, 2.0-style API).

SQLite by default (var/cases.db), PostgreSQL when ``DATABASE_URL`` says so. The Rasa server (staff console)
and the action server (which opens cases) share it, so every fact that more than one process needs (who is
signed in, the queue) lives here, not in memory.

A case holds the triage card (see ``safe_harbour.handoff.triage``), never message text; the conversation
itself stays in the tracker store. The family's session id (``sender_id``) is kept to reach the
conversation but is never returned by the console API (it would let anyone join the family's chat).
"""
from __future__ import annotations

import hashlib
import re
import secrets
import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, TypeGuard

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

from safe_harbour.handoff import passwords
from safe_harbour.handoff.triage import URGENCY_RANK
from safe_harbour.privacy.files import private_sqlite_file

ROLES = ("staff", "supervisor")
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
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")
_CASE_ID = re.compile(r"^[0-9a-f]{32}$")  # uuid4().hex

metadata = sa.MetaData()
staff_accounts = sa.Table(
    "handoff_staff", metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
staff_sessions = sa.Table(
    "handoff_sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(32), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)
cases = sa.Table(
    "handoff_cases", metadata,
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


def utcnow() -> datetime:
    """Naive UTC, the one form every timestamp is stored in (SQLite keeps no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.replace(microsecond=0).isoformat() + "Z" if moment else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccountError(ValueError):
    """A staff account cannot be created or changed as asked."""


class HandoffStore:
    def __init__(self, url: str, session_hours: float = 12, presence_seconds: int = 90,
                 idle_minutes: float = 30) -> None:
        self.url = url
        self.session_hours = session_hours
        self.presence_seconds = presence_seconds
        self.idle_minutes = idle_minutes
        private_sqlite_file(url)
        kwargs: Dict[str, Any] = {"future": True, "pool_pre_ping": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        self.engine: Engine = sa.create_engine(url, **kwargs)
        try:
            metadata.create_all(self.engine)
        except (IntegrityError, ProgrammingError, OperationalError):
            # Two processes creating the tables at the same moment: the other one won.
            metadata.create_all(self.engine)
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

    # Staff accounts ------------------------------------------------------------------------------------

    def add_account(self, name: str, role: str, password: str, iterations: int = passwords.ITERATIONS) -> None:
        name = name.strip().lower()
        if not _NAME.match(name):
            raise AccountError("A name is 2-32 characters: lower-case letters, digits, '.', '_' or '-'.")
        if role not in ROLES:
            raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
        if len(password) < passwords.MIN_LENGTH:
            raise AccountError(f"The password must have at least {passwords.MIN_LENGTH} characters.")
        row = {"name": name, "role": role, "password_hash": passwords.hash_password(password, iterations),
               "created_at": utcnow()}
        try:
            with self.engine.begin() as conn:
                conn.execute(staff_accounts.insert().values(**row))
        except IntegrityError:
            raise AccountError(f"There is already an account named {name}.") from None

    def set_password(self, name: str, password: str, iterations: int = passwords.ITERATIONS) -> bool:
        if len(password) < passwords.MIN_LENGTH:
            raise AccountError(f"The password must have at least {passwords.MIN_LENGTH} characters.")
        with self.engine.begin() as conn:
            done = conn.execute(
                staff_accounts.update().where(staff_accounts.c.name == name)
                .values(password_hash=passwords.hash_password(password, iterations))
            ).rowcount
            conn.execute(staff_sessions.delete().where(staff_sessions.c.name == name))
        return bool(done)

    def remove_account(self, name: str) -> bool:
        with self.engine.begin() as conn:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.name == name))
            return bool(conn.execute(staff_accounts.delete().where(staff_accounts.c.name == name)).rowcount)

    def list_accounts(self) -> List[Dict[str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_accounts.c.name, staff_accounts.c.role).order_by(staff_accounts.c.name))
            return [{"name": r.name, "role": r.role} for r in rows]

    def check_login(self, name: str, password: str) -> Optional[Dict[str, str]]:
        name = (name or "").strip().lower()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(staff_accounts).where(staff_accounts.c.name == name)).first()
        if row is None:
            passwords.verify_password(password or "", passwords.dummy_hash())
            return None
        if not passwords.verify_password(password or "", row.password_hash):
            return None
        return {"name": row.name, "role": row.role}

    # Staff sessions ------------------------------------------------------------------------------------

    def start_session(self, account: Dict[str, str], now: Optional[datetime] = None) -> str:
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.expires_at < now))
            conn.execute(staff_sessions.insert().values(
                token_hash=_token_hash(token), name=account["name"], role=account["role"], created_at=now,
                last_seen=now, expires_at=now + timedelta(hours=self.session_hours),
            ))
        return token

    def session(self, token: Optional[str], now: Optional[datetime] = None) -> Optional[Dict[str, str]]:
        """The staff member signed in with this token, or None; marks them present. A session ends when it
        expires, or when the console has made no request for ``idle_minutes``."""
        if not token or len(token) > 200:
            return None
        now = now or utcnow()
        key = _token_hash(token)
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(staff_sessions).where(staff_sessions.c.token_hash == key)).first()
            if row is None:
                return None
            if row.expires_at <= now or now - row.last_seen > timedelta(minutes=self.idle_minutes):
                conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == key))
                return None
            # The account may have been removed since sign-in.
            account = conn.execute(
                sa.select(staff_accounts.c.role).where(staff_accounts.c.name == row.name)
            ).first()
            if account is None:
                conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == key))
                return None
            if (now - row.last_seen).total_seconds() > 10:
                conn.execute(staff_sessions.update().where(staff_sessions.c.token_hash == key).values(last_seen=now))
        return {"name": row.name, "role": account.role}

    def end_session(self, token: Optional[str]) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == _token_hash(token)))

    def staff_present(self, now: Optional[datetime] = None) -> int:
        """How many staff members are signed in and have had the console open in the last moments."""
        now = now or utcnow()
        since = now - timedelta(seconds=self.presence_seconds)
        with self.engine.connect() as conn:
            return conn.execute(
                sa.select(sa.func.count(sa.distinct(staff_sessions.c.name)))
                .where(staff_sessions.c.last_seen >= since, staff_sessions.c.expires_at > now)
            ).scalar_one()

    # Cases ---------------------------------------------------------------------------------------------

    def open_case_for(self, sender_id: str) -> Optional[Dict[str, Any]]:
        with self.engine.connect() as conn:
            row = conn.execute(
                sa.select(cases).where(cases.c.sender_id == sender_id, cases.c.status.in_([WAITING, ACTIVE]))
                .order_by(cases.c.requested_at.desc())
            ).first()
        return self._case(row) if row else None

    def create_case(self, sender_id: str, summary: Dict[str, Any], status: str = WAITING,
                    outcome: Optional[str] = None, now: Optional[datetime] = None) -> Dict[str, Any]:
        now = now or utcnow()
        urgency = summary.get("urgency", "normal")
        row = {
            "id": uuid.uuid4().hex, "sender_id": sender_id, "status": status, "urgency": urgency,
            "urgency_rank": URGENCY_RANK.get(urgency, max(URGENCY_RANK.values())),
            "category": summary.get("category", "not_stated"), "summary": summary, "requested_at": now,
        }
        if status == CLOSED:
            row.update(closed_at=now, outcome=outcome)
        with self.engine.begin() as conn:
            conn.execute(cases.insert().values(**row))
            return self._case(conn.execute(sa.select(cases).where(cases.c.id == row["id"])).one())

    def get_case(self, case_id: str) -> Optional[Dict[str, Any]]:
        if not valid_case_id(case_id):
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(cases).where(cases.c.id == case_id)).first()
        return self._case(row) if row else None

    def queue(self, viewer: Dict[str, str]) -> List[Dict[str, Any]]:
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

    def closed_cases(self, viewer: Dict[str, str], limit: int = 100) -> List[Dict[str, Any]]:
        """Closed cases: one's own (claimed or closed by them); all of them for a supervisor."""
        condition = cases.c.status == CLOSED
        if viewer.get("role") != "supervisor":
            condition = sa.and_(condition, sa.or_(cases.c.claimed_by == viewer["name"],
                                                  cases.c.closed_by == viewer["name"]))
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(cases).where(condition).order_by(cases.c.closed_at.desc()).limit(limit)
            ).all()
        return [self._case(r) for r in rows]

    def claim(self, case_id: str, staff_name: str, now: Optional[datetime] = None) -> Optional[Dict[str, Any]]:
        """Takes a waiting case; None if it is no longer waiting (someone else was quicker)."""
        now = now or utcnow()
        with self.engine.begin() as conn:
            done = conn.execute(
                cases.update().where(cases.c.id == case_id, cases.c.status == WAITING)
                .values(status=ACTIVE, claimed_by=staff_name, claimed_at=now)
            ).rowcount
        return self.get_case(case_id) if done else None

    def close(self, case_id: str, staff_name: str, outcome: str, expected_status: str,
              expected_holder: Optional[str], now: Optional[datetime] = None) -> Optional[Dict[str, Any]]:
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
                cases.update().where(cases.c.id == case_id, cases.c.status == expected_status, holder)
                .values(status=CLOSED, closed_by=staff_name, closed_at=now, outcome=outcome)
            ).rowcount
        return self.get_case(case_id) if done else None

    def owed_hand_backs(self) -> List[Dict[str, Any]]:
        """Closed cases that had been claimed and whose family has not been handed back yet (the process
        closing it stopped half-way, or an older version closed it without handing back)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(cases).where(
                cases.c.status == CLOSED, cases.c.claimed_at.is_not(None), cases.c.handed_back_at.is_(None)
            )).all()
        return [self._case(r) for r in rows]

    def take_hand_back(self, case_id: str, now: Optional[datetime] = None) -> bool:
        """Marks a closed, claimed case as handed back; True for the one caller that should do it (several
        server processes may try at once)."""
        with self.engine.begin() as conn:
            return bool(conn.execute(
                cases.update().where(cases.c.id == case_id, cases.c.status == CLOSED,
                                     cases.c.claimed_at.is_not(None), cases.c.handed_back_at.is_(None))
                .values(handed_back_at=now or utcnow())
            ).rowcount)

    def release_hand_back(self, case_id: str) -> None:
        """The hand-back taken with ``take_hand_back`` failed: owe it again."""
        with self.engine.begin() as conn:
            conn.execute(cases.update().where(cases.c.id == case_id).values(handed_back_at=None))

    def purge_closed(self, older_than_days: int, now: Optional[datetime] = None) -> int:
        """Deletes closed cases older than the retention period (RETENTION_DAYS, like the conversations)."""
        cutoff = (now or utcnow()) - timedelta(days=older_than_days)
        with self.engine.begin() as conn:
            return conn.execute(cases.delete().where(cases.c.status == CLOSED, cases.c.closed_at < cutoff)).rowcount

    def abandoned_cases(self, gone_seconds: int, now: Optional[datetime] = None) -> List[Dict[str, Any]]:
        """Active cases whose staff member has had no console open for ``gone_seconds`` (closed the browser,
        lost the connection): their family would otherwise wait on a paused bot for ever."""
        now = now or utcnow()
        present = sa.select(staff_sessions.c.name).where(
            staff_sessions.c.last_seen >= now - timedelta(seconds=gone_seconds), staff_sessions.c.expires_at > now
        )
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(cases).where(
                    cases.c.status == ACTIVE,
                    cases.c.claimed_at < now - timedelta(seconds=gone_seconds),
                    cases.c.claimed_by.not_in(present),
                )
            ).all()
        return [self._case(r) for r in rows]

    @staticmethod
    def _case(row) -> Dict[str, Any]:
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


def valid_account_name(name: Any) -> TypeGuard[str]:
    """Whether ``name`` (as typed: any case, surrounding spaces) can be an account's name."""
    return isinstance(name, str) and bool(_NAME.match(name.strip().lower()))


def valid_case_id(case_id: Any) -> TypeGuard[str]:
    return isinstance(case_id, str) and bool(_CASE_ID.match(case_id))


def can_read(viewer: Dict[str, str], case: Dict[str, Any]) -> bool:
    """A supervisor reads every case; staff read waiting cases (the triage card) and their own."""
    if viewer.get("role") == "supervisor":
        return True
    if case["status"] == WAITING:
        return True
    return viewer["name"] in (case.get("claimed_by"), case.get("closed_by"))


def can_act(viewer: Dict[str, str], case: Dict[str, Any]) -> bool:
    """Whether the viewer may write in, or close, a case: the one who claimed it, or a supervisor."""
    if case["status"] == WAITING:
        return True
    return case["status"] == ACTIVE and (viewer.get("role") == "supervisor" or case.get("claimed_by") == viewer["name"])


_stores: Dict[str, HandoffStore] = {}
_lock = threading.Lock()


def get_store(url: Optional[str] = None) -> HandoffStore:
    """One store per database URL per process (the URL defaults to the DATABASE_URL setting)."""
    from safe_harbour import settings

    url = url or settings.DATABASE_URL
    with _lock:
        if url not in _stores:
            _stores[url] = HandoffStore(url, session_hours=settings.STAFF_SESSION_HOURS,
                                        presence_seconds=settings.STAFF_PRESENCE_SECONDS,
                                        idle_minutes=settings.STAFF_IDLE_MINUTES)
        return _stores[url]
