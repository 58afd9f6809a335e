"""Console pieces that need no server: the public shape of a case, and the hand-back of families whose
staff member has gone (browser closed)."""
import asyncio
import contextlib
from datetime import datetime, timedelta

from rasa.shared.core.events import ConversationPaused, ConversationResumed
from rasa.shared.core.trackers import DialogueStateTracker

from safe_harbour.console import channel
from safe_harbour.handoff.store import CLOSED, STAFF_GONE_OUTCOME, HandoffStore


class FakeAgent:
    """Just what append_events uses: a lock store and a processor keeping trackers in memory."""

    def __init__(self):
        self.trackers = {}
        agent = self

        class Locks:
            @contextlib.asynccontextmanager
            async def lock(self, sender_id):
                yield

        class Processor:
            async def get_tracker(self, sender_id):
                return agent.trackers.setdefault(sender_id, DialogueStateTracker(sender_id, []))

            async def save_tracker(self, tracker):
                agent.trackers[tracker.sender_id] = tracker

        self.lock_store, self.processor = Locks(), Processor()


def test_public_case_hides_the_family_session_id(tmp_path):
    store = HandoffStore(f"sqlite:///{tmp_path / 'cases.db'}")
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
    store = HandoffStore(f"sqlite:///{tmp_path / 'cases.db'}")
    store.add_account("omar", "staff", "correct horse battery", iterations=1000)
    t0 = datetime(2030, 1, 1, 12, 0)
    store.start_session({"name": "omar", "role": "staff"}, now=t0)
    case = store.create_case("family-9", {"urgency": "normal", "category": "not_stated"}, now=t0)
    store.claim(case["id"], "omar", now=t0)
    agent = FakeAgent()
    asyncio.run(channel.append_events(agent, "family-9", [ConversationPaused()]))
    assert agent.trackers["family-9"].is_paused()

    assert asyncio.run(channel.sweep_abandoned(agent, store, 300, now=t0 + timedelta(seconds=60))) == 0
    assert asyncio.run(channel.sweep_abandoned(agent, store, 300, now=t0 + timedelta(minutes=10))) == 1
    assert not agent.trackers["family-9"].is_paused()
    assert isinstance(agent.trackers["family-9"].events[-1], ConversationResumed)
    assert notices == [("family-9", "left")]
    closed = store.get_case(case["id"])
    assert closed["status"] == CLOSED and closed["outcome"] == STAFF_GONE_OUTCOME
    assert asyncio.run(channel.sweep_abandoned(agent, store, 300, now=t0 + timedelta(minutes=20))) == 0
