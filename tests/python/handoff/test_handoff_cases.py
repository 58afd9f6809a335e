"""The handoff cases on SQLite and PostgreSQL: the queue, claiming, closing, handing back, who may read what,
retention, and the staff hours and availability."""

from datetime import datetime, timedelta, timezone

import pytest

from handoff_helpers import handoff_database_url  # noqa: F401 (a fixture)
from safe_harbour.console.accounts import StaffAccounts
from safe_harbour.handoff import availability
from safe_harbour.handoff.cases import ACTIVE, CLOSED, NO_STAFF_OUTCOME, WAITING, CaseStore, can_act, can_read

FAST = 1000  # PBKDF2 iterations in tests; the real default is 600 000


@pytest.fixture
def store(handoff_database_url):  # noqa: F811
    return CaseStore(handoff_database_url)


@pytest.fixture
def accounts(handoff_database_url):  # noqa: F811
    return StaffAccounts(handoff_database_url)


def summary(urgency="normal", category="ai_generated_image"):
    return {"urgency": urgency, "category": category, "topics": [category], "country": "EG", "language": "ar"}


def test_queue_is_sorted_by_urgency_then_waiting_time(store):
    t0 = datetime(2030, 1, 1, 12, 0)
    normal_old = store.create_case("s1", summary("normal"), now=t0)
    high_new = store.create_case("s2", summary("high", "sextortion"), now=t0 + timedelta(minutes=5))
    high_old = store.create_case("s3", summary("high", "grooming_concern"), now=t0 + timedelta(minutes=1))
    emergency = store.create_case("s4", summary("emergency"), now=t0 + timedelta(minutes=9))
    store.create_case("s5", summary(), status=CLOSED, outcome=NO_STAFF_OUTCOME, now=t0)
    viewer = {"name": "omar", "role": "staff"}
    assert [c["id"] for c in store.queue(viewer)] == [emergency["id"], high_old["id"], high_new["id"], normal_old["id"]]
    assert store.open_case_for("s2")["id"] == high_new["id"]
    assert store.open_case_for("s5") is None


def test_claim_once_close_and_who_reads_what(store):
    case = store.create_case("family-1", summary("high", "sextortion"))
    omar, lina = {"name": "omar", "role": "staff"}, {"name": "lina", "role": "staff"}
    boss = {"name": "amal", "role": "supervisor"}
    assert can_read(lina, case) and can_act(lina, case)  # waiting: anyone may take it

    claimed = store.claim(case["id"], "omar")
    assert claimed["status"] == ACTIVE and claimed["claimed_by"] == "omar"
    assert store.claim(case["id"], "lina") is None  # too late
    assert not can_read(lina, claimed) and not can_act(lina, claimed)
    assert can_read(boss, claimed) and can_act(boss, claimed)
    assert [c["id"] for c in store.queue(lina)] == []
    assert [c["id"] for c in store.queue(omar)] == [case["id"]]

    closed = store.close(case["id"], "omar", "advice_given", ACTIVE, "omar")
    assert closed["status"] == CLOSED and closed["outcome"] == "advice_given"
    assert store.close(case["id"], "omar", "advice_given", ACTIVE, "omar") is None
    assert can_read(omar, closed) and not can_read(lina, closed) and can_read(boss, closed)
    assert not can_act(omar, closed)
    assert [c["id"] for c in store.closed_cases(omar)] == [case["id"]]
    assert store.closed_cases(lina) == []
    assert [c["id"] for c in store.closed_cases(boss)] == [case["id"]]


def test_cases_keep_no_message_text(store):
    case = store.create_case("family-2", {**summary(), "advice_given": ["utter_remove_content"]})
    assert set(case) >= {
        "id",
        "urgency",
        "category",
        "topics",
        "country",
        "language",
        "advice_given",
        "requested_at",
        "waiting_seconds",
    }
    assert "text" not in case and "messages" not in case


@pytest.mark.parametrize(
    "hours, tz, utc_time, open_now",
    [
        ("", "UTC", "03:00", True),
        ("08:00-20:00", "UTC", "07:59", False),
        ("08:00-20:00", "UTC", "08:00", True),
        ("08:00-20:00", "UTC", "20:00", False),
        ("08:00-20:00", "Asia/Amman", "06:30", True),  # 09:30 in Amman (UTC+3)
        ("08:00-20:00", "Asia/Amman", "17:30", False),  # 20:30 in Amman
        ("20:00-08:00", "UTC", "23:00", True),  # overnight
        ("20:00-08:00", "UTC", "12:00", False),
    ],
)
def test_staff_hours(hours, tz, utc_time, open_now):
    hour, minute = map(int, utc_time.split(":"))
    now = datetime(2030, 6, 1, hour, minute, tzinfo=timezone.utc)
    assert availability.within_hours(now, hours, tz) is open_now


def test_bad_staff_hours_are_refused():
    with pytest.raises(ValueError):
        availability.parse_hours("8am to 8pm")


def test_availability_needs_hours_and_someone_signed_in(accounts):
    now = datetime(2030, 6, 1, 12, 0, tzinfo=timezone.utc)
    assert availability.check(accounts, now, "08:00-20:00", "UTC").reason == availability.NO_STAFF_SIGNED_IN
    accounts.add_account("omar", "staff", "correct horse battery", iterations=FAST)
    accounts.start_session({"name": "omar", "role": "staff"}, now=now.replace(tzinfo=None))
    assert availability.check(accounts, now, "08:00-20:00", "UTC").available
    late = now.replace(hour=21)
    assert availability.check(accounts, late, "08:00-20:00", "UTC").reason == availability.OUTSIDE_HOURS


def test_cases_whose_staff_member_has_gone_are_found(store, accounts):
    t0 = datetime(2030, 1, 1, 12, 0)
    accounts.add_account("omar", "staff", "correct horse battery", iterations=FAST)
    accounts.add_account("lina", "staff", "correct horse battery", iterations=FAST)
    accounts.start_session({"name": "omar", "role": "staff"}, now=t0)
    accounts.start_session({"name": "lina", "role": "staff"}, now=t0)
    omar_case = store.create_case("f1", summary(), now=t0)
    lina_case = store.create_case("f2", summary(), now=t0)
    store.claim(omar_case["id"], "omar", now=t0)
    store.claim(lina_case["id"], "lina", now=t0)
    later = t0 + timedelta(minutes=10)
    accounts.session(accounts.start_session({"name": "lina", "role": "staff"}, now=later), now=later)  # still here
    present = accounts.present_staff(300, now=later)
    assert present == {"lina"}
    assert [c["id"] for c in store.abandoned_cases(present, 300, now=later)] == [omar_case["id"]]
    early = t0 + timedelta(seconds=30)
    assert store.abandoned_cases(accounts.present_staff(300, now=early), 300, now=early) == []  # too early to tell


def test_closed_cases_are_deleted_after_the_retention_period(store):
    t0 = datetime(2030, 1, 1, 12, 0)
    old = store.create_case("f1", summary(), status=CLOSED, outcome=NO_STAFF_OUTCOME, now=t0)
    waiting = store.create_case("f2", summary(), now=t0)
    recent = store.create_case("f3", summary(), status=CLOSED, outcome=NO_STAFF_OUTCOME, now=t0 + timedelta(days=29))
    assert store.purge_closed(30, now=t0 + timedelta(days=31)) == 1
    assert store.get_case(old["id"]) is None
    assert store.get_case(waiting["id"]) and store.get_case(recent["id"])


def test_a_close_lands_only_on_the_case_as_it_was_seen(store):
    """A staff member who saw the case waiting cannot close it once someone else has claimed it."""
    case = store.create_case("family-3", summary())
    assert store.claim(case["id"], "lina")
    assert store.close(case["id"], "omar", "family_left", WAITING, None) is None  # a stale view: refused
    assert store.close(case["id"], "omar", "family_left", ACTIVE, "omar") is None  # not omar's
    assert store.get_case(case["id"])["status"] == ACTIVE
    assert store.owed_hand_backs() == []
    closed = store.close(case["id"], "lina", "advice_given", ACTIVE, "lina")
    assert closed["status"] == CLOSED and closed["closed_by"] == "lina"
    assert [c["id"] for c in store.owed_hand_backs()] == [case["id"]]  # the family is still paused
    assert store.take_hand_back(case["id"]) and not store.take_hand_back(case["id"])  # once only
    assert store.owed_hand_backs() == []
    store.release_hand_back(case["id"])  # the hand-back failed: owed again
    assert [c["id"] for c in store.owed_hand_backs()] == [case["id"]]
    never_claimed = store.create_case("family-4", summary())
    assert store.close(never_claimed["id"], "omar", "not_in_scope", WAITING, None)
    assert not store.take_hand_back(never_claimed["id"]), "a case never claimed never paused the bot"


def test_a_database_from_before_the_hand_back_column_is_upgraded(tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url, future=True)
    with engine.begin() as conn:  # the table as the previous version created it, with one closed case
        conn.execute(
            sa.text(
                "CREATE TABLE handoff_cases (id VARCHAR(32) PRIMARY KEY, sender_id VARCHAR(128) NOT NULL, "
                "status VARCHAR(16) NOT NULL, urgency VARCHAR(16) NOT NULL, urgency_rank INTEGER NOT NULL, "
                "category VARCHAR(40) NOT NULL, summary JSON NOT NULL, requested_at DATETIME NOT NULL, "
                "claimed_at DATETIME, claimed_by VARCHAR(32), closed_at DATETIME, closed_by VARCHAR(32), "
                "outcome VARCHAR(40))"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO handoff_cases VALUES ('a' || hex(randomblob(15)), 'f', 'closed', 'normal', 2, "
                "'not_stated', '{}', '2030-01-01 12:00:00', '2030-01-01 12:01:00', 'omar', '2030-01-01 12:05:00', "
                "'omar', 'advice_given')"
            )
        )
    engine.dispose()
    store = CaseStore(url)
    assert store.owed_hand_backs() == [], "cases closed before the upgrade were handed back then"
    case = store.create_case("family-5", summary())
    store.claim(case["id"], "omar")
    assert store.close(case["id"], "omar", "advice_given", ACTIVE, "omar")
    assert [c["id"] for c in store.owed_hand_backs()] == [case["id"]]


def test_database_files_are_readable_by_their_owner_only(tmp_path):
    CaseStore(f"sqlite:///{tmp_path / 'var' / 'cases.db'}")
    assert (tmp_path / "var" / "cases.db").stat().st_mode & 0o777 == 0o600
    loose = tmp_path / "loose.db"
    loose.touch(mode=0o644)
    loose.chmod(0o644)
    StaffAccounts(f"sqlite:///{loose}")
    assert loose.stat().st_mode & 0o777 == 0o600
