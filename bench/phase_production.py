"""Phase `production` (a hook, not measured yet): how the cost grows in the production layout of issue 13, several
Rasa servers behind nginx on PostgreSQL and Redis. For 1, 2 and 3 Rasa servers, for this project and for the
default pipeline: saturation throughput (phase_load.saturation) and latency at message 1 and 50 of a
conversation (phase_load.long_conversations), through nginx.

The layout and its launcher are being built on another branch (`layout`); when they are on main, this phase
starts the layout with N servers through that launcher instead of stack.Stack, measures, and stops it.
Until then it records why it measured nothing, and results.md says so.
"""

from settings import Context, log


def run(context: Context) -> dict:
    reason = "the production layout (launcher, nginx) is not on this branch yet"
    log(f"production: skipped, {reason}")
    return {"production": {"skipped": reason}}
