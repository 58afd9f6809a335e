"""Phase `load`: latency and throughput through the REST channel, this project against the default pipeline:
an open-loop sweep of offered rates, the closed-loop saturation, and long conversations (message 1 to 50).
Also the server's start time and memory, which the report's cost section shows."""

import pathlib

import load
from settings import CLIENT_TIMEOUT_S, CLOSED_CONVERSATIONS, MAX_IN_FLIGHT, RATES, Context, log
from stack import Stack
from training import available_model


def run(context: Context) -> dict:
    stacks = {}
    for name in ("project", "default"):
        model = available_model(context, name)
        if model:
            stacks[name] = run_stack(name, model, context)
    return {"stacks": stacks}


def load_sweep(stack: Stack, context: Context) -> dict:
    duration = context.seconds(30, 4)
    results = {"rates": []}
    log(f"{stack.name}: warm-up")
    stack.measure(
        lambda: load.open_loop(
            stack.url, 10, context.seconds(5, 3), CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, seed=99, tag=f"{stack.name}-warm"
        )
    )
    for rate in RATES:
        log(f"{stack.name}: open loop {rate}/s for {duration} s")
        result = stack.measure(
            lambda: load.open_loop(
                stack.url, rate, duration, CLIENT_TIMEOUT_S, MAX_IN_FLIGHT, seed=rate, tag=f"{stack.name}-{rate}"
            )
        )
        log(
            f"  p50 {result['p50_ms']} p95 {result['p95_ms']} p99 {result['p99_ms']} ms, errors {result['errors']}, "
            f"{result['throughput_per_s']}/s, server {result['server_cores']['rasa']} cores"
        )
        results["rates"].append(result)
    results["saturation"] = saturation(stack, context, context.seconds(30, 5))
    return results


def saturation(stack: Stack, context: Context, seconds: float) -> dict:
    """The closed loop: CLOSED_CONVERSATIONS conversations, each sending as soon as its answer arrives."""
    log(f"{stack.name}: closed loop, {CLOSED_CONVERSATIONS} conversations for {seconds} s")
    result = stack.measure(
        lambda: load.closed_loop(stack.url, CLOSED_CONVERSATIONS, seconds, CLIENT_TIMEOUT_S, tag=f"{stack.name}-closed")
    )
    log(f"  {result['throughput_per_s']}/s, p50 {result['p50_ms']} ms, errors {result['errors']}")
    return result


def long_conversations(stack: Stack, context: Context) -> dict:
    """Latency of messages 1 to 50 of one conversation at a time, no other load (median over conversations)."""
    log(f"{stack.name}: long conversations")
    result = stack.measure(
        lambda: load.long_conversation(
            stack.url, 50, 1 if context.quick else 3, CLIENT_TIMEOUT_S, tag=f"{stack.name}-long"
        )
    )
    medians = result["median_ms_by_position"]
    result["first5_median_ms"] = load.percentile([m for m in medians[:5] if m is not None], 50)
    result["last5_median_ms"] = load.percentile([m for m in medians[-5:] if m is not None], 50)
    result["message1_ms"], result["message50_ms"] = medians[0], medians[-1]
    return result


def run_stack(name: str, model: pathlib.Path, context: Context) -> dict:
    with Stack(name, model, context.work / f"servers-{name}") as stack:
        result = stack.started()
        result.update(load_sweep(stack, context))
        result["long"] = long_conversations(stack, context)
        result["peak_rss_under_load_mb"] = {
            n: max(r["peak_rss_mb"][n] for r in result["rates"] + [result["saturation"]]) for n in ("rasa", "actions")
        }
        result["rss_after_mb"] = stack.rss_mb()
    return result
