"""Custom actions, run by the action server (`rasa run actions`). Answers that must work when this
server is down (safety answers, image refusal) are plain responses and never depend on it."""
