"""Run inside a copy of the project by tests/python/topics/test_topic_recipe.py, with the copy's code and model:
reads a JSON list of messages on stdin and prints, as JSON, for each message opening a conversation of its
own: the topic the model reads, the texts of the replies, and the staff triage card of that conversation."""

import asyncio
import json
import logging
import sys

from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.trackers import EventVerbosity

from safe_harbour.handoff.triage import build_summary


async def probe(messages):
    agent = Agent.load("models/safe-harbour.tar.gz")
    results = []
    for number, text in enumerate(messages):
        sender = f"probe-{number}"
        channel = CollectingOutputChannel()
        parse = await agent.parse_message(text)
        await agent.handle_message(UserMessage(text, channel, sender))
        tracker = await agent.tracker_store.retrieve(sender)
        events = tracker.current_state(EventVerbosity.AFTER_RESTART)["events"]
        results.append(
            {
                "topic": parse["intent"]["name"],
                "replies": [m.get("text") for m in channel.messages],
                "card": build_summary(events, tracker.current_slot_values()),
            }
        )
    return results


if __name__ == "__main__":
    logging.disable(logging.WARNING)  # figures only: nothing of the messages in the output but the results
    print(json.dumps(asyncio.run(probe(json.load(sys.stdin))), ensure_ascii=False))
