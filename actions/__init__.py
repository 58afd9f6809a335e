"""Custom actions, run by the action server (`rasa run actions`). Answers that must work when this
server is down (safety answers, image refusal) are plain responses and never depend on it: rules send the
plain response first, and these actions only add to it.

* `action_show_country_services` (country.py): the official services of the family's country.
* `action_handoff` (handoff.py): "Talk to a person": queue for staff, or the country's helpline if none.
"""
from actions.country import ActionShowCountryServices  # noqa: F401
from actions.handoff import ActionHandoff  # noqa: F401
