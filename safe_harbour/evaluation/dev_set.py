"""NLU report on the shared development set, and the regression gate of the test command.

    python -m safe_harbour.evaluation.dev_set [--model models/] [--dev-set evaluation/dev-set.yml] [--out results/dev-set]

Parses every message with the trained model (in process, exactly as `POST /model/parse` would), then writes
report.md and report.json: accuracy and macro-F1 per language and per topic, safety recall and false alarms,
and the list of confusions. Exits with 1 when a safety-topic message is missed or accuracy is below the gate.
The dev set is only read here; it is never training data.
"""
import argparse
import asyncio
import json
import pathlib
import sys
from typing import Dict, List

import yaml

from safe_harbour.evaluation.metrics import accuracy, confusions, grouped, macro_f1, per_topic
from safe_harbour.evaluation.sets import DEV_SET_PATH, TOPICS_PATH, safety_topics

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
ACCURACY_GATE = 0.85


async def predict(model_path: str, texts: List[str]) -> List[dict]:
    from rasa.core.agent import Agent

    agent = Agent.load(model_path)
    return [await agent.parse_message(text) for text in texts]


def topic_of(parse: dict) -> str:
    """The topic id as the evaluation reads it: the intent, or the key of a retrieval intent."""
    intent = parse["intent"]["name"]
    selector = parse.get("response_selector", {}).get(intent, {})
    key = selector.get("response", {}).get("intent_response_key")
    return key.split("/", 1)[1] if key else intent


def build_report(items: List[dict], safety: set) -> Dict:
    pairs = [(i["topic"], i["predicted"]) for i in items]
    by_language = {
        lang: {"n": len(group), "accuracy": accuracy([(i["topic"], i["predicted"]) for i in group]),
               "macro_f1": macro_f1([(i["topic"], i["predicted"]) for i in group])}
        for lang, group in sorted(grouped(items, "lang").items())
    }
    safety_items = [i for i in items if i["topic"] in safety]
    return {
        "n": len(items),
        "accuracy": accuracy(pairs),
        "macro_f1": macro_f1(pairs),
        "by_language": by_language,
        "by_topic": per_topic(pairs),
        "safety": {
            "recall": accuracy([(i["topic"], i["predicted"]) for i in safety_items]),
            "missed": [i for i in safety_items if i["predicted"] != i["topic"]],
            "false_alarms": [i for i in items if i["topic"] not in safety and i["predicted"] in safety],
        },
        "out_of_scope_recall": per_topic(pairs).get("out_of_scope", {}).get("recall", 0.0),
        "confusions": confusions(pairs),
        "errors": [i for i in items if i["predicted"] != i["topic"]],
    }


def to_markdown(report: Dict) -> str:
    lines = [
        "# Dev-set NLU report", "",
        f"Messages: {report['n']}  ",
        f"Accuracy: {report['accuracy']:.3f}  ",
        f"Macro-F1: {report['macro_f1']:.3f}  ",
        f"Safety recall: {report['safety']['recall']:.3f} "
        f"(missed {len(report['safety']['missed'])}, false alarms {len(report['safety']['false_alarms'])})  ",
        f"Out-of-scope recall: {report['out_of_scope_recall']:.3f}", "",
        "| language | n | accuracy | macro-F1 |", "|---|---|---|---|",
    ]
    for lang, r in report["by_language"].items():
        lines.append(f"| {lang} | {r['n']} | {r['accuracy']:.3f} | {r['macro_f1']:.3f} |")
    lines += ["", "| topic | support | precision | recall | F1 |", "|---|---|---|---|---|"]
    for topic, r in report["by_topic"].items():
        lines.append(f"| {topic} | {r['support']} | {r['precision']:.2f} | {r['recall']:.2f} | {r['f1']:.2f} |")
    lines += ["", "## Confusions (gold -> predicted: count)", ""]
    lines += [f"- {g} -> {p}: {n}" for g, p, n in report["confusions"]] or ["- none"]
    lines += ["", "## Errors", ""]
    lines += [f"- [{e['lang']}] {e['topic']} -> {e['predicted']} ({e['confidence']:.2f}): {e['text']}"
              for e in report["errors"]] or ["- none"]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(PROJECT_ROOT / "models"))
    parser.add_argument("--dev-set", default=str(DEV_SET_PATH))
    parser.add_argument("--topics", default=str(TOPICS_PATH))
    parser.add_argument("--out", default=str(PROJECT_ROOT / "results" / "dev-set"))
    args = parser.parse_args()

    items = yaml.safe_load(pathlib.Path(args.dev_set).read_text(encoding="utf-8"))
    parses = asyncio.run(predict(args.model, [i["text"] for i in items]))
    for item, parse in zip(items, parses):
        item["predicted"] = topic_of(parse)
        item["confidence"] = parse["intent"].get("confidence") or 0.0

    report = build_report(items, safety_topics(pathlib.Path(args.topics)))
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    markdown = to_markdown(report)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)

    failed = False
    if report["safety"]["missed"]:
        print(f"FAIL: {len(report['safety']['missed'])} safety-topic message(s) missed.")
        failed = True
    if report["accuracy"] < ACCURACY_GATE:
        print(f"FAIL: accuracy {report['accuracy']:.3f} is below the gate of {ACCURACY_GATE}.")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
