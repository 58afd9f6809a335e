"""Staff accounts and sessions on SQLite and PostgreSQL: sign-in, presence, expiry, idle time, removal; and
the command that manages the accounts, run as staff run it."""

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from handoff_helpers import handoff_database_url  # noqa: F401 (a fixture)
from safe_harbour.console.accounts import AccountError, StaffAccounts

FAST = 1000  # PBKDF2 iterations in tests; the real default is 600 000


@pytest.fixture
def accounts(handoff_database_url):  # noqa: F811
    return StaffAccounts(handoff_database_url)


def test_accounts_and_sign_in(accounts):
    accounts.add_account("Amal", "supervisor", "correct horse battery", iterations=FAST)
    assert accounts.list_accounts() == [{"name": "amal", "role": "supervisor"}]
    assert accounts.check_login("amal", "correct horse battery") == {"name": "amal", "role": "supervisor"}
    assert accounts.check_login("AMAL ", "correct horse battery") is not None
    assert accounts.check_login("amal", "wrong password!") is None
    assert accounts.check_login("nobody", "correct horse battery") is None
    with pytest.raises(AccountError):
        accounts.add_account("amal", "staff", "another password", iterations=FAST)
    with pytest.raises(AccountError):
        accounts.add_account("omar", "admin", "another password", iterations=FAST)
    with pytest.raises(AccountError):
        accounts.add_account("omar", "staff", "short", iterations=FAST)
    with pytest.raises(AccountError):
        accounts.add_account("<script>", "staff", "long enough password", iterations=FAST)


def test_sessions_presence_and_expiry(accounts):
    accounts.add_account("omar", "staff", "correct horse battery", iterations=FAST)
    now = datetime(2030, 1, 1, 12, 0)
    assert accounts.staff_present(now) == 0
    token = accounts.start_session({"name": "omar", "role": "staff"}, now=now)
    assert accounts.session(token, now=now) == {"name": "omar", "role": "staff"}
    assert accounts.staff_present(now) == 1
    assert accounts.staff_present(now + timedelta(seconds=accounts.presence_seconds + 1)) == 0  # console closed
    later = now
    while later < now + timedelta(hours=accounts.session_hours - 1):  # an open console polls: still signed in
        later += timedelta(minutes=20)
        assert accounts.session(token, now=later) is not None
    assert accounts.staff_present(later) == 1
    assert accounts.session(token, now=now + timedelta(hours=accounts.session_hours, minutes=1)) is None
    assert accounts.session("not-a-token") is None and accounts.session(None) is None
    accounts.end_session(token)
    assert accounts.session(token, now=now) is None


def test_a_session_ends_after_thirty_idle_minutes(accounts):
    accounts.add_account("omar", "staff", "correct horse battery", iterations=FAST)
    t0 = datetime(2030, 1, 1, 12, 0)
    token = accounts.start_session({"name": "omar", "role": "staff"}, now=t0)
    assert accounts.session(token, now=t0 + timedelta(minutes=29)) is not None
    gone = t0 + timedelta(minutes=29 + 31)  # no request from the console for 31 minutes
    assert accounts.session(token, now=gone) is None
    assert accounts.session(token, now=t0 + timedelta(minutes=30)) is None, "the session is gone, not just idle"


def test_removing_an_account_ends_its_sessions(accounts):
    accounts.add_account("omar", "staff", "correct horse battery", iterations=FAST)
    token = accounts.start_session({"name": "omar", "role": "staff"})
    assert accounts.remove_account("omar")
    assert accounts.session(token) is None


def manage(database_url: str, *args: str, password: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "safe_harbour.console.accounts", "--database-url", database_url, *args],
        input=password,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_accounts_command_adds_lists_and_removes(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    added = manage(url, "add", "Amal", "--role", "supervisor", "--password-stdin", password="correct horse battery\n")
    assert added.returncode == 0 and "Added amal (supervisor)." in added.stdout, added.stderr
    assert StaffAccounts(url).check_login("amal", "correct horse battery") == {"name": "amal", "role": "supervisor"}
    assert manage(url, "list").stdout == "amal\tsupervisor\n"
    refused = manage(url, "add", "omar", "--password-stdin", password="short\n")
    assert refused.returncode == 1 and "at least 10 characters" in refused.stderr and "Traceback" not in refused.stderr
    assert manage(url, "remove", "amal").returncode == 0
    assert manage(url, "remove", "amal").returncode == 1
