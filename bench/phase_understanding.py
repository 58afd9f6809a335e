"""Phase `understanding`: dev-set accuracy and macro-F1 per language, safety recall and false alarms, of every
model of the run (this project's and the default pipeline's, on all and on half the data).

Each model is evaluated by `python -m safe_harbour.evaluation.report --set dev`, in its own process.
"""

import json
import pathlib
import subprocess
import sys

import yaml
from settings import PROJECT_ROOT, Context, log
from training import MODEL_RECIPES, available_model

from safe_harbour.evaluation.sets import DEV_SET_PATH


def run(context: Context) -> dict:
    results = {}
    for name in MODEL_RECIPES:
        model = available_model(context, name)
        if model:
            results[name] = dev_set(model, name, context.work)
    return {"dev_set": results}


def dev_set(model: pathlib.Path, name: str, work: pathlib.Path) -> dict | None:
    out = work / f"devset-{name}"
    dev = DEV_SET_PATH
    if not dev.exists():
        log(f"no dev set at {dev}: understanding figures skipped")
        return None
    log(f"dev set: {name}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "safe_harbour.evaluation.report",
            "--set",
            "dev",
            "--model",
            str(model),
            "--out",
            str(out),
        ],
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=1800,
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return summarise_dev_set(report)


def summarise_dev_set(report: dict) -> dict:
    summary = {
        "n": report["n"],
        "accuracy": report["accuracy"],
        "macro_f1": report["macro_f1"],
        "by_language": report["by_language"],
        "safety_recall": report["safety"]["exact"],
        "safety_missed": len(report["safety"]["missed"]),
        "safety_false_alarms": len(report["safety"]["false_alarms"]),
        "out_of_scope_recall": report["out_of_scope_recall"],
        "predicted_nlu_fallback": sum(1 for e in report["errors"] if e["predicted"] == "nlu_fallback"),
    }
    # The default pipeline answers `nlu_fallback` when unsure. Reported as is above; here also with
    # nlu_fallback read as out_of_scope, for comparison only.
    if summary["predicted_nlu_fallback"]:
        summary["with_fallback_as_out_of_scope"] = _remapped(report)
    return summary


def _remapped(report: dict) -> dict:
    """Accuracy, macro-F1 and out-of-scope recall with nlu_fallback counted as out_of_scope."""
    from safe_harbour.evaluation.metrics import accuracy, grouped, macro_f1, per_topic

    # Every dev-set item not in the report's error list was predicted right.
    dev = yaml.safe_load(DEV_SET_PATH.read_text(encoding="utf-8"))
    error_keys = {}
    for e in report["errors"]:
        error_keys.setdefault((e["text"], e["topic"], e["lang"]), []).append(e["predicted"])
    items = []
    for item in dev:
        key = (item["text"], item["topic"], item["lang"])
        predicted = error_keys[key].pop() if error_keys.get(key) else item["topic"]
        if predicted == "nlu_fallback":
            predicted = "out_of_scope"
        items.append({"lang": item["lang"], "pair": (item["topic"], predicted)})
    pairs = [i["pair"] for i in items]
    return {
        "accuracy": accuracy(pairs),
        "macro_f1": macro_f1(pairs),
        "out_of_scope_recall": per_topic(pairs).get("out_of_scope", {}).get("recall", 0.0),
        "by_language": {
            lang: {"accuracy": accuracy([i["pair"] for i in group]), "macro_f1": macro_f1([i["pair"] for i in group])}
            for lang, group in sorted(grouped(items, "lang").items())
        },
    }
