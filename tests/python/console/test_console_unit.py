"""Console pieces that need no server: the public shape of a case, the transcript's window, the hand-back of
families whose staff member has gone (browser closed) or whose case was closed without one, and the sign-in
throttle."""

import asyncio
from datetime import datetime, timedelta, timezone

from rasa.shared.core.events import BotUttered, ConversationPaused, ConversationResumed, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from handoff_helpers import FakeAgent
from safe_harbour.console import channel
from safe_harbour.console.accounts import StaffAccounts
from safe_harbour.handoff.cases import CLOSED, STAFF_GONE_OUTCOME, CaseStore, cases


def at(moment: datetime) -> float:
    return moment.replace(tzinfo=timezone.utc).timestamp()


def stores_in(tmp_path):
    url = f"sqlite:///{tmp_path / 'cases.db'}"
    return CaseStore(url), StaffAccounts(url)


def closed_in_the_database(store: CaseStore, case_id: str, by: str, when: datetime) -> None:
    """The row as any close leaves it (written directly: no hand-back happens)."""
    with store.engine.begin() as conn:
        conn.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(status=CLOSED, closed_by=by, closed_at=when, outcome="family_left")
        )


def test_public_case_hides_the_family_session_id(tmp_path):
    store = CaseStore(f"sqlite:///{tmp_path / 'cases.db'}")
    case = store.create_case("secret-session-id", {"urgency": "high", "category": "sextortion", "country": "JO"})
    shown = channel.public_case(case, {"name": "omar", "role": "staff"})
    assert "sender_id" not in shown and "_requested_at" not in shown
    assert "secret-session-id" not in str(shown)
    assert shown["country_name"] == "Jordan" and shown["can_act"] is True


def test_families_of_a_vanished_staff_member_are_handed_back(tmp_path, monkeypatch):
    notices = []

    async def notice(session_id, status):
        notices.append((session_id, status))
        return True

    monkeypatch.setattr(channel.relay, "send_notice", notice)
    store, accounts = stores_in(tmp_path)
    accounts.add_account("omar", "staff", "correct horse battery", iterations=1000)
    t0 = datetime(2030, 1, 1, 12, 0)
    accounts.start_session({"name": "omar", "role": "staff"}, now=t0)
    case = store.create_case("family-9", {"urgency": "normal", "category": "not_stated"}, now=t0)
    store.claim(case["id"], "omar", now=t0)
    agent = FakeAgent()
    asyncio.run(channel.append_events(agent, "family-9", [ConversationPaused()]))
    assert agent.trackers["family-9"].is_paused()

    assert asyncio.run(channel.sweep_abandoned(agent, store, accounts, 300, now=t0 + timedelta(seconds=60))) == 0
    assert asyncio.run(channel.sweep_abandoned(agent, store, accounts, 300, now=t0 + timedelta(minutes=10))) == 1
    assert not agent.trackers["family-9"].is_paused()
    assert isinstance(agent.trackers["family-9"].events[-1], ConversationResumed)
    assert notices == [("family-9", "left")]
    closed = store.get_case(case["id"])
    assert closed["status"] == CLOSED and closed["outcome"] == STAFF_GONE_OUTCOME
    assert asyncio.run(channel.sweep_abandoned(agent, store, accounts, 300, now=t0 + timedelta(minutes=20))) == 0


def test_the_transcript_ends_when_the_case_is_closed(tmp_path):
    """A staff member reading a closed case sees its conversation, not what the family wrote afterwards."""
    store = CaseStore(f"sqlite:///{tmp_path / 'cases.db'}")
    t0 = datetime(2030, 1, 1, 12, 0)
    case = store.create_case("family-7", {"urgency": "normal", "category": "not_stated"}, now=t0)
    store.claim(case["id"], "omar", now=t0 + timedelta(minutes=1))
    closed_in_the_database(store, case["id"], "omar", t0 + timedelta(minutes=5))
    agent = FakeAgent()
    agent.trackers["family-7"] = DialogueStateTracker.from_events(
        "family-7",
        [
            UserUttered("long before the request", timestamp=at(t0 - timedelta(hours=1))),
            UserUttered("I want to talk to a person", timestamp=at(t0)),
            UserUttered("thank you for joining", timestamp=at(t0 + timedelta(minutes=2))),
            BotUttered(
                "you are welcome", metadata={"from": "staff", "role": "staff"}, timestamp=at(t0 + timedelta(minutes=3))
            ),
            UserUttered("a new worry, a week later", timestamp=at(t0 + timedelta(days=7))),
            BotUttered("the assistant's answer to it", timestamp=at(t0 + timedelta(days=7, seconds=1))),
        ],
    )
    lines = asyncio.run(channel.transcript(agent, store.get_case(case["id"])))
    assert [(line["from"], line["text"]) for line in lines] == [
        ("family", "I want to talk to a person"),
        ("family", "thank you for joining"),
        ("staff", "you are welcome"),
    ]


def test_a_family_whose_case_was_closed_without_a_hand_back_is_handed_back(tmp_path, monkeypatch):
    """The state a stale close left behind (before closes became conditional), or a process stopped
    between closing and handing back: the case is closed but the family's bot is still paused."""
    notices = []

    async def notice(session_id, status):
        notices.append((session_id, status))
        return True

    monkeypatch.setattr(channel.relay, "send_notice", notice)
    store, accounts = stores_in(tmp_path)
    t0 = datetime(2030, 1, 1, 12, 0)
    case = store.create_case("family-8", {"urgency": "high", "category": "sextortion"}, now=t0)
    store.claim(case["id"], "lina", now=t0)
    agent = FakeAgent()
    asyncio.run(channel.append_events(agent, "family-8", [ConversationPaused()]))
    closed_in_the_database(store, case["id"], "omar", t0 + timedelta(minutes=1))  # a stale close by omar

    assert asyncio.run(channel.sweep_abandoned(agent, store, accounts, 300, now=t0 + timedelta(minutes=2))) == 1
    assert not agent.trackers["family-8"].is_paused()
    assert notices == [("family-8", "left")]
    assert asyncio.run(channel.sweep_abandoned(agent, store, accounts, 300, now=t0 + timedelta(minutes=3))) == 0


def test_the_sign_in_throttle_counts_each_attempt_before_the_check():
    throttle = channel.LoginThrottle(allowed=3, window=600, clock=lambda: 0.0)
    # Parallel requests: each is counted as it arrives, before any password has been checked.
    in_flight = [throttle.attempt("name:omar", "ip:a") for _ in range(10)]
    assert sum(number is not None for number in in_flight) == 3
    # A success takes back its own attempt only: the address keeps the other two.
    throttle.succeeded(in_flight[0], "name:omar", "ip:a")
    assert throttle.attempt("name:lina", "ip:a") is not None
    assert throttle.attempt("name:amal", "ip:a") is None


def test_the_sign_in_throttle_forgets_old_attempts_and_stays_bounded():
    now = [0.0]
    throttle = channel.LoginThrottle(allowed=5, window=600, max_keys=1000, clock=lambda: now[0])
    for i in range(50_000):  # a flood of new names from many addresses
        throttle.attempt(f"name:n{i}", f"ip:10.0.{i // 250}.{i % 250}")
    assert len(throttle.attempts) <= 1000
    for _ in range(5):
        throttle.attempt("name:omar", "ip:blocked")
    size = len(throttle.attempts)
    for i in range(1000):  # a blocked address trying new names adds nothing
        assert throttle.attempt(f"name:x{i}", "ip:blocked") is None
    assert len(throttle.attempts) == size
    now[0] = 601.0
    assert throttle.attempt("name:omar", "ip:blocked") is not None, "the window has passed"
