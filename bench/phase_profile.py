"""Phase `profile`: a cProfile of the Rasa server (one Sanic worker) under a closed loop of 20 conversations,
summed into the stages of a message (profile_server.STAGES): this project and the default pipeline, both as
configured."""

import os
import pathlib
import signal
import time

import load
import profile_server
from settings import CLIENT_TIMEOUT_S, Context
from stack import Stack
from training import available_model


def run(context: Context) -> dict:
    project = available_model(context, "project")
    results = {
        "this project": profile(project, context, tag="project"),
    }
    default = available_model(context, "default")
    if default:
        results["default pipeline"] = profile(default, context, tag="default")
    return {"profile": results}


def profile(model: pathlib.Path, context: Context, tag: str) -> dict:
    """cProfile of the Rasa server (one worker) under closed-loop load: where a message's time goes."""
    prof = context.work / f"server-{tag}.prof"
    with Stack(f"profile-{tag}", model, context.work / f"servers-profile-{tag}", profile_to=prof) as stack:
        stack.started()
        os.kill(stack.rasa_pids[0], signal.SIGUSR1)  # start profiling now that the model is loaded
        result = stack.measure(
            lambda: load.closed_loop(stack.url, 20, context.seconds(20, 5), CLIENT_TIMEOUT_S, tag=f"prof{tag}")
        )
        os.kill(stack.rasa_pids[0], signal.SIGUSR2)  # stop and write the statistics
        time.sleep(3)
    return {"load": result, "breakdown": profile_server.breakdown(prof, result["ok"])}
