"""Staff side of the handoff: the console's web page and JSON API (channel.py), and the staff accounts, their
passwords and sessions with the command that manages them (accounts.py, passwords.py). The cases the console
works on are in safe_harbour.handoff."""
