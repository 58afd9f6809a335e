"""Phase `cost`: training from scratch, measured (wall and CPU time, peak memory, model size) for this project
and for the default pipeline on all the data. The default pipeline's figures come from its cached training
while the data is unchanged (training.py). Server start and memory are measured by the load phase."""

from settings import Context
from training import measured_training


def run(context: Context) -> dict:
    trained = {name: measured_training(context, name) for name in ("project", "default")}
    return {"training": {name: figures for name, figures in trained.items() if figures}}
