"""Warm handoff to helpline staff: the triage summary, the case store, staff availability and the path of
a staff message to the family's widget. The staff console that uses them is in safe_harbour.console."""
