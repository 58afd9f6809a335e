"""Phase `growth`: both pipelines trained again on half of every intent's examples (training.halve_data), with
their training figures and their latency at 25 messages/s, to compare with the full data (cost and load
phases; long conversations are in the load phase)."""

import load
from settings import CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, Context, log
from stack import Stack
from training import measured_training, model_path

GROWTH_RATE = 25


def run(context: Context) -> dict:
    training, growth = {}, {}
    for name in ("project-half", "default-half"):
        figures = measured_training(context, name)
        if not figures:
            continue
        training[name] = figures
        with Stack(name, model_path(name), context.work / f"servers-{name}") as stack:
            growth[name] = stack.started()
            log(f"{name}: open loop {GROWTH_RATE}/s")
            growth[name]["at_growth_rate"] = stack.measure(
                lambda: load.open_loop(
                    stack.url,
                    GROWTH_RATE,
                    context.seconds(30, 4),
                    CLIENT_TIMEOUT_S,
                    MAX_IN_FLIGHT,
                    seed=7,
                    tag=f"{name}-g",
                )
            )
    return {"training": training, "growth": growth}
