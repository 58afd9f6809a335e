"""Staff console: web page and JSON API (channel.py), and the account command (accounts.py)."""
