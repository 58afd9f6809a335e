"""Warm handoff to helpline staff: the triage card (triage.py), the cases (cases.py), whether staff can take a
family now (availability.py) and the path of a staff message to the family's widget (relay.py). The staff
console, its accounts and sessions are in safe_harbour.console."""
