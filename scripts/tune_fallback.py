"""Measures the fallback threshold on held-out training data (never on the dev set).

Splits the NLU examples 80/20 per intent, trains an NLU model on the 80 %, parses the 20 %, and for each
threshold counts how many held-out messages would be answered right: a confident guess must be the right
topic; an uncertain one becomes out_of_scope, which is right only for out_of_scope messages; safety topics
are never demoted (as in SafetyFirstFallback). Writes results/fallback-tuning.md; the chosen value goes
into config.yml by hand, with this file as its justification.
"""

import asyncio
import pathlib
import sys
import tempfile

from rasa.core.agent import Agent
from rasa.model_training import train_nlu
from rasa.shared.importers.importer import TrainingDataImporter

from safe_harbour.topics import registry

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[1]
THRESHOLDS = [round(0.05 * i, 2) for i in range(0, 13)]


def main() -> int:
    safety = set(registry.load().safety_topics())
    importer = TrainingDataImporter.load_from_dict(training_data_paths=[str(PROJECT_ROOT / "data")])
    train, held_out = importer.get_nlu_data().train_test_split(train_frac=0.8, random_seed=7)

    with tempfile.TemporaryDirectory() as tmp:
        train_file = pathlib.Path(tmp) / "train.yml"
        train_file.write_text(train.nlu_as_yaml(), encoding="utf-8")
        model = train_nlu(str(PROJECT_ROOT / "config.yml"), str(train_file), output=tmp, fixed_model_name="tune")
        agent = Agent.load(model)
        examples = [e for e in held_out.intent_examples if e.get("text")]
        parses = [asyncio.run(agent.parse_message(e.get("text"))) for e in examples]

    rows = []
    for threshold in THRESHOLDS:
        right = 0
        for example, parse in zip(examples, parses, strict=True):
            top = parse["intent_ranking"][0]
            answered = top["name"] if top["name"] in safety or top["confidence"] >= threshold else "out_of_scope"
            right += answered == example.get("intent")
        rows.append((threshold, right / len(examples)))
    best = max(rows, key=lambda r: (r[1], r[0]))
    lines = [
        "# Fallback threshold, measured on held-out training data",
        "",
        f"{len(examples)} held-out messages (20 % of every intent), model trained on the other 80 %.",
        "",
        "| threshold | accuracy |",
        "|---|---|",
    ] + [f"| {t:.2f} | {a:.4f} |" for t, a in rows]
    lines += [
        "",
        f"Best: {best[0]:.2f} (accuracy {best[1]:.4f}); the highest threshold among equals is kept, "
        "so that uncertain guesses fall back to the safe out_of_scope answer.",
    ]
    out = PROJECT_ROOT / "results" / "fallback-tuning.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
