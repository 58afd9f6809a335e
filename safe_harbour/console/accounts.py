"""Staff accounts and their sessions, kept in the handoff database (safe_harbour.database): passwords hashed
with PBKDF2-SHA256 (passwords.py), sessions stored as the SHA-256 of their token. A supervisor can read every
case, including other staff members' closed cases; staff read waiting cases and their own.

The accounts are managed with this module as a command:

    python -m safe_harbour.console.accounts add NAME --role staff|supervisor   # asks for the password twice
    python -m safe_harbour.console.accounts passwd NAME                        # new password, signs them out
    python -m safe_harbour.console.accounts remove NAME                        # also ends their sessions
    python -m safe_harbour.console.accounts list

`--password-stdin` reads the password from standard input instead (for scripts). `--database-url` overrides
DATABASE_URL.
"""

from __future__ import annotations

import argparse
import functools
import getpass
import hashlib
import re
import secrets
import sys
from datetime import datetime, timedelta
from typing import Any, TypeGuard

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from safe_harbour import database, settings
from safe_harbour.console import passwords
from safe_harbour.database import utcnow

ROLES = ("staff", "supervisor")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,31}$")

metadata = sa.MetaData()
# The table names are those of the databases already in use (the tables began in the handoff package).
staff_accounts = sa.Table(
    "handoff_staff",
    metadata,
    sa.Column("name", sa.String(32), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
staff_sessions = sa.Table(
    "handoff_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(32), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen", sa.DateTime, nullable=False, index=True),
    sa.Column("expires_at", sa.DateTime, nullable=False),
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccountError(ValueError):
    """A staff account cannot be created or changed as asked."""


class StaffAccounts:
    def __init__(
        self, url: str, session_hours: float = 12, presence_seconds: int = 90, idle_minutes: float = 30
    ) -> None:
        self.url = url
        self.session_hours = session_hours
        self.presence_seconds = presence_seconds
        self.idle_minutes = idle_minutes
        self.engine = database.engine(url)
        database.create_tables(metadata, self.engine)

    # Accounts ------------------------------------------------------------------------------------------

    def add_account(self, name: str, role: str, password: str, iterations: int = passwords.ITERATIONS) -> None:
        name = name.strip().lower()
        if not _NAME.match(name):
            raise AccountError("A name is 2-32 characters: lower-case letters, digits, '.', '_' or '-'.")
        if role not in ROLES:
            raise AccountError(f"The role must be one of {', '.join(ROLES)}.")
        if len(password) < passwords.MIN_LENGTH:
            raise AccountError(f"The password must have at least {passwords.MIN_LENGTH} characters.")
        row = {
            "name": name,
            "role": role,
            "password_hash": passwords.hash_password(password, iterations),
            "created_at": utcnow(),
        }
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
                staff_accounts.update()
                .where(staff_accounts.c.name == name)
                .values(password_hash=passwords.hash_password(password, iterations))
            ).rowcount
            conn.execute(staff_sessions.delete().where(staff_sessions.c.name == name))
        return bool(done)

    def remove_account(self, name: str) -> bool:
        with self.engine.begin() as conn:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.name == name))
            return bool(conn.execute(staff_accounts.delete().where(staff_accounts.c.name == name)).rowcount)

    def list_accounts(self) -> list[dict[str, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_accounts.c.name, staff_accounts.c.role).order_by(staff_accounts.c.name))
            return [{"name": r.name, "role": r.role} for r in rows]

    def check_login(self, name: str, password: str) -> dict[str, str] | None:
        name = (name or "").strip().lower()
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(staff_accounts).where(staff_accounts.c.name == name)).first()
        if row is None:
            passwords.verify_password(password or "", passwords.dummy_hash())
            return None
        if not passwords.verify_password(password or "", row.password_hash):
            return None
        return {"name": row.name, "role": row.role}

    # Sessions ------------------------------------------------------------------------------------

    def start_session(self, account: dict[str, str], now: datetime | None = None) -> str:
        now = now or utcnow()
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(staff_sessions.delete().where(staff_sessions.c.expires_at < now))
            conn.execute(
                staff_sessions.insert().values(
                    token_hash=_token_hash(token),
                    name=account["name"],
                    role=account["role"],
                    created_at=now,
                    last_seen=now,
                    expires_at=now + timedelta(hours=self.session_hours),
                )
            )
        return token

    def session(self, token: str | None, now: datetime | None = None) -> dict[str, str] | None:
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
            account = conn.execute(sa.select(staff_accounts.c.role).where(staff_accounts.c.name == row.name)).first()
            if account is None:
                conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == key))
                return None
            if (now - row.last_seen).total_seconds() > 10:
                conn.execute(staff_sessions.update().where(staff_sessions.c.token_hash == key).values(last_seen=now))
        return {"name": row.name, "role": account.role}

    def end_session(self, token: str | None) -> None:
        if token:
            with self.engine.begin() as conn:
                conn.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == _token_hash(token)))

    def present_staff(self, within_seconds: float | None = None, now: datetime | None = None) -> set[str]:
        """Names of the staff members signed in whose console has made a request in the last
        ``within_seconds`` (by default the presence window, STAFF_PRESENCE_SECONDS)."""
        now = now or utcnow()
        since = now - timedelta(seconds=self.presence_seconds if within_seconds is None else within_seconds)
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(staff_sessions.c.name)
                .distinct()
                .where(staff_sessions.c.last_seen >= since, staff_sessions.c.expires_at > now)
            )
            return {row.name for row in rows}

    def staff_present(self, now: datetime | None = None) -> int:
        """How many staff members are signed in and have had the console open in the last moments."""
        return len(self.present_staff(now=now))


def valid_account_name(name: Any) -> TypeGuard[str]:
    """Whether ``name`` (as typed: any case, surrounding spaces) can be an account's name."""
    return isinstance(name, str) and bool(_NAME.match(name.strip().lower()))


@functools.cache
def _accounts_at(url: str) -> StaffAccounts:
    return StaffAccounts(
        url,
        session_hours=settings.STAFF_SESSION_HOURS,
        presence_seconds=settings.STAFF_PRESENCE_SECONDS,
        idle_minutes=settings.STAFF_IDLE_MINUTES,
    )


def get_staff_accounts(url: str | None = None) -> StaffAccounts:
    """One per database URL per process (the URL defaults to the DATABASE_URL setting)."""
    return _accounts_at(url or settings.DATABASE_URL)


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Same password again: "):
        raise AccountError("The two passwords differ.")
    return first


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m safe_harbour.console.accounts",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", help="defaults to the DATABASE_URL setting")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="staff")
    add.add_argument("--password-stdin", action="store_true")
    passwd = commands.add_parser("passwd", help="set a new password")
    passwd.add_argument("name")
    passwd.add_argument("--password-stdin", action="store_true")
    remove = commands.add_parser("remove", help="delete an account")
    remove.add_argument("name")
    commands.add_parser("list", help="list accounts")
    args = parser.parse_args(argv)

    accounts = StaffAccounts(args.database_url) if args.database_url else get_staff_accounts()
    try:
        if args.command == "add":
            accounts.add_account(args.name, args.role, _password(args))
            print(f"Added {args.name.strip().lower()} ({args.role}).")
        elif args.command == "passwd":
            if not accounts.set_password(args.name, _password(args)):
                raise AccountError(f"No account named {args.name}.")
            print(f"New password set for {args.name}; their sessions were ended.")
        elif args.command == "remove":
            if not accounts.remove_account(args.name):
                raise AccountError(f"No account named {args.name}.")
            print(f"Removed {args.name}.")
        else:
            for account in accounts.list_accounts():
                print(f"{account['name']}\t{account['role']}")
    except AccountError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
