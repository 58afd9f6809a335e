"""Custom actions, run by the action server (`rasa run actions`). Answers that must work when this
server is down (safety answers, image refusal) are plain responses and never depend on it: rules send the
plain response first, and these actions only add to it.

* `action_show_country_services` (country.py): the official services of the family's country.
* `action_handoff` (handoff.py): "Talk to a person": queue for staff, or the country's helpline if none.
"""

from safe_harbour.privacy import logs

# The action server sees slots and tracker events too: the same log guard as the Rasa server.
logs.refuse_debug()
logs.install()

from actions.country import ActionShowCountryServices  # noqa: E402,F401
from actions.handoff import ActionHandoff  # noqa: E402,F401
