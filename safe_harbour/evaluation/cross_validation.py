"""Cross-validation on the training data with whole paraphrase families held out together.

    python -m safe_harbour.evaluation.cross_validation [--folds 5] [--out results/cross-validation]

A family is one situation written many ways: a block of training examples with `metadata: family:` in
data/*/nlu.*.yml. Older blocks have no family; their examples are cut into runs of consecutive lines
(writers put paraphrases next to each other), a cautious stand-in. Holding a family out whole means the
model is scored on situations it never saw, not on rewordings of ones it did — the gap that let the safety
layer score 1.00 on the dev set and 0.75 on unseen messages.

For each fold the pipeline's own parts are fitted on the other folds (features, topic classifier, safety
detector) and the held-out family is answered as the server would: classifier, fallback, detector, lexicon.
The detector's thresholds are swept, and the report (report.md, report.json) gives the chosen thresholds'
figures per language, per Arabic variety and per safety topic. This is how `config.yml`'s thresholds are
chosen (`make tune-safety`); never on the dev set or the held-out set.
"""

import argparse
import json
import pathlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data import entities_parser
from rasa.shared.nlu.training_data.message import Message
from sklearn.model_selection import GroupKFold

from safe_harbour.evaluation.metrics import accuracy, grouped, macro_f1, per_topic, safety_recognition, share
from safe_harbour.nlu import safety_detector
from safe_harbour.nlu.fallback import SafetyFirstFallback
from safe_harbour.nlu.features import NgramFeatures, linear_classifier
from safe_harbour.nlu.safety_lexicon import safety_topic_in
from safe_harbour.nlu.tfidf_classifier import TfidfIntentClassifier
from safe_harbour.nlu.tokenizer import BilingualTokenizer
from safe_harbour.topics import registry

PROJECT_ROOT = pathlib.Path(__file__).resolve().parents[2]
# Examples of a block without a family, taken together as one stand-in family.
RUN_LENGTH = 8
SAFETY_THRESHOLDS = [round(0.1 * i, 1) for i in range(3, 10)]
URGENT_THRESHOLDS = [round(0.05 * i, 2) for i in range(2, 13)]
CONFIRM_THRESHOLDS = [0.0, 0.05, 0.1, 0.2, 0.3]
# The false alarms the detector may add to those of the pipeline without it (non-safety examples answered as
# a safety topic): the price of recall, kept small because a false alarm sends a family the wrong answer.
MAX_ADDED_FALSE_ALARMS = 0.03
DETECTOR_OFF = 1.01


@dataclass
class Example:
    text: str
    intent: str
    lang: str
    variety: str
    family: str


def language_of(path: pathlib.Path) -> str:
    return path.name.split(".")[1]  # nlu.<lang>.yml


def training_examples(data_dir: pathlib.Path = PROJECT_ROOT / "data") -> list[Example]:
    examples = []
    for path in sorted(data_dir.glob("*/nlu.*.yml")):
        blocks = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []
        for number, block in enumerate(blocks):
            if "intent" not in block:
                continue
            metadata = block.get("metadata") or {}
            lines = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
            for index, line in enumerate(lines):
                family = metadata.get("family") or f"{path.parent.name}/{path.name}#{number}.{index // RUN_LENGTH}"
                examples.append(
                    Example(
                        entities_parser.replace_entities(line),
                        block["intent"],
                        language_of(path),
                        metadata.get("variety") or "",
                        family,
                    )
                )
    return examples


def pipeline_config() -> dict[str, dict]:
    config = yaml.safe_load((PROJECT_ROOT / "config.yml").read_text(encoding="utf-8"))
    by_name = {c["name"].rsplit(".", 1)[-1]: c for c in config["pipeline"]}
    return {
        "classifier": {**TfidfIntentClassifier.get_default_config(), **by_name["TfidfIntentClassifier"]},
        "fallback": {**SafetyFirstFallback.get_default_config(), **by_name["SafetyFirstFallback"]},
        "detector": {**safety_detector.SafetyDetector.get_default_config(), **by_name["SafetyDetector"]},
    }


class Canonicaliser:
    """The tokenizer's reading of a text: canonical forms of the whole text and of each sentence."""

    def __init__(self) -> None:
        self.tokenizer = BilingualTokenizer(BilingualTokenizer.get_default_config())

    def read(self, text: str) -> tuple[str, list[str]]:
        tokens = self.tokenizer.tokenize(Message(data={TEXT: text}), TEXT)
        return " ".join(t.text for t in tokens), safety_detector.segments(text, tokens)


def fit_linear(features_config: dict, texts: list[str], labels: list[str]):
    """The features and the logistic regression a `LinearTextComponent` with this config fits on `texts`."""
    features = NgramFeatures(
        features_config["word_ngrams"], features_config["char_ngrams"], features_config["char_min_df"]
    ).fit(texts)
    classifier = linear_classifier(features_config).fit(features.transform(texts), labels)
    return features, classifier


def family_folds(examples: list[Example], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(training, held-out) example indices of each fold, every family held out whole in one fold."""
    return list(GroupKFold(n_splits=folds).split(examples, groups=[e.family for e in examples]))


@dataclass
class Prediction:
    top: str
    confidence: float
    best_other: tuple[str, float] | None
    segment_probabilities: np.ndarray
    lexicon_topic: str | None


def prediction_from(
    probabilities: np.ndarray,
    classes: Sequence[str],
    detector_classes: Sequence[str],
    segment_probabilities: np.ndarray,
    text: str,
) -> Prediction:
    """What the pipeline knows of one message: the classifier's `probabilities` over `classes`, the detector's
    per-segment probabilities, and the safety lexicon's topic in the raw `text`."""
    ranking: list[dict[str, Any]] = [
        {"name": str(classes[j]), "confidence": float(probabilities[j])} for j in np.argsort(-probabilities)
    ]
    return Prediction(
        ranking[0]["name"],
        ranking[0]["confidence"],
        safety_detector.best_other(ranking, detector_classes),
        segment_probabilities,
        safety_topic_in(text),
    )


def predict_folds(examples: list[Example], folds: int, config: dict[str, dict]) -> tuple[list[Prediction], list[str]]:
    reader = Canonicaliser()
    read = [reader.read(e.text) for e in examples]
    whole = [r[0] for r in read]
    predictions: dict[int, Prediction] = {}  # by example, each filled by the one fold that holds it out
    detector_classes: list[str] = []
    for fold, (train, test) in enumerate(family_folds(examples, folds)):
        print(f"fold {fold + 1}/{folds}: {len(train)} training, {len(test)} held-out examples", flush=True)
        texts = [whole[i] for i in train]
        features, classifier = fit_linear(config["classifier"], texts, [examples[i].intent for i in train])
        d_features, detector = fit_linear(
            config["detector"], texts, [safety_detector.label_for(examples[i].intent) for i in train]
        )
        detector_classes = [str(c) for c in detector.classes_]
        probabilities = classifier.predict_proba(features.transform([whole[i] for i in test]))
        for row, i in zip(probabilities, test, strict=True):
            predictions[i] = prediction_from(
                row,
                classifier.classes_,
                detector_classes,
                detector.predict_proba(d_features.transform(read[i][1])),
                examples[i].text,
            )
    return [predictions[i] for i in range(len(examples))], detector_classes


def save_predictions(path: pathlib.Path, predictions: list[Prediction], classes: Sequence[str]) -> None:
    rows = [
        {
            "top": p.top,
            "confidence": p.confidence,
            "best_other": p.best_other,
            "lexicon": p.lexicon_topic,
            "segments": p.segment_probabilities.round(5).tolist(),
        }
        for p in predictions
    ]
    path.write_text(json.dumps({"classes": list(classes), "predictions": rows}), encoding="utf-8")


def load_predictions(path: pathlib.Path) -> tuple[list[Prediction], list[str]]:
    saved = json.loads(path.read_text(encoding="utf-8"))
    return [
        Prediction(
            p["top"],
            p["confidence"],
            tuple(p["best_other"]) if p["best_other"] else None,
            np.array(p["segments"]),
            p["lexicon"],
        )
        for p in saved["predictions"]
    ], saved["classes"]


def answered_topic(
    prediction: Prediction, classes: Sequence[str], fallback: SafetyFirstFallback, detector_config: dict
) -> str:
    """The topic the server would answer, in the pipeline's order: classifier, detector, fallback, lexicon."""
    decided = safety_detector.decide(
        prediction.top, prediction.best_other, prediction.segment_probabilities, classes, detector_config
    )
    topic, confidence = decided or (prediction.top, prediction.confidence)
    if fallback.falls_back(topic, confidence):
        topic = fallback.fallback_intent
    rank = registry.load().rank
    if prediction.lexicon_topic and rank(prediction.lexicon_topic) < rank(topic):
        topic = prediction.lexicon_topic
    return topic


def figures(examples: list[Example], answered: list[str], urgent: set[str]) -> dict:
    safety = set(registry.load().safety_topics())
    items = [
        {"lang": e.lang, "variety": e.variety or e.lang, "topic": e.intent, "predicted": p}
        for e, p in zip(examples, answered, strict=True)
    ]
    pairs = [(i["topic"], i["predicted"]) for i in items]
    return {
        "n": len(items),
        "accuracy": accuracy(pairs),
        "macro_f1": macro_f1(pairs),
        "out_of_scope_recall": per_topic(pairs).get("out_of_scope", {}).get("recall", 0.0),
        "safety": safety_recognition(items, safety),
        "urgent_as_urgent": share([i for i in items if i["topic"] in urgent], lambda i: i["predicted"] in urgent),
        "by_language": {k: _group_figures(g, safety) for k, g in sorted(grouped(items, "lang").items())},
        "by_variety": {k: _group_figures(g, safety) for k, g in sorted(grouped(items, "variety").items())},
    }


def _group_figures(group: list[dict], safety: set) -> dict:
    safety_items = [i for i in group if i["topic"] in safety]
    pairs = [(i["topic"], i["predicted"]) for i in group]
    return {
        "n": len(group),
        "accuracy": accuracy(pairs),
        "macro_f1": macro_f1(pairs),
        "safety_n": len(safety_items),
        "safety_exact": accuracy([(i["topic"], i["predicted"]) for i in safety_items]),
    }


def sweep(
    examples: list[Example], predictions: list[Prediction], classes: Sequence[str], config: dict[str, dict]
) -> list[dict]:
    fallback = SafetyFirstFallback(config["fallback"])
    urgent = set(registry.load().emergency_topics())
    rows = []
    # The last pair (above any probability) switches the detector off: the pipeline as it was before it.
    settings = [(s, u, c) for s in SAFETY_THRESHOLDS for u in URGENT_THRESHOLDS for c in CONFIRM_THRESHOLDS]
    for safety_threshold, urgent_threshold, confirm_threshold in settings + [(DETECTOR_OFF, DETECTOR_OFF, 0.0)]:
        detector_config = {
            **config["detector"],
            "safety_threshold": safety_threshold,
            "urgent_threshold": urgent_threshold,
            "confirm_threshold": confirm_threshold,
        }
        answered = [answered_topic(p, classes, fallback, detector_config) for p in predictions]
        rows.append(
            {
                "safety_threshold": safety_threshold,
                "urgent_threshold": urgent_threshold,
                "confirm_threshold": confirm_threshold,
                **figures(examples, answered, urgent),
            }
        )
    return rows


def detector_off(rows: list[dict]) -> dict:
    return next(r for r in rows if r["safety_threshold"] == r["urgent_threshold"] == DETECTOR_OFF)


def settings_of(row: dict) -> tuple:
    return row["safety_threshold"], row["urgent_threshold"], row["confirm_threshold"]


def choose(rows: list[dict]) -> dict:
    """Recall first: the most urgent messages kept urgent, then safety messages kept safety, then exactness,
    among settings whose added false alarms stay within the budget."""
    budget = detector_off(rows)["safety"]["false_alarm_rate"] + MAX_ADDED_FALSE_ALARMS
    within = [r for r in rows if r["safety"]["false_alarm_rate"] <= budget]
    return max(
        within,
        key=lambda r: (
            round(r["urgent_as_urgent"], 3),
            round(r["safety"]["as_any_safety_topic"], 3),
            r["safety"]["exact"],
            r["accuracy"],
        ),
    )


def to_markdown(rows: list[dict], chosen: dict, config: dict[str, dict], folds: int) -> str:
    configured = tuple(config["detector"][k] for k in ("safety_threshold", "urgent_threshold", "confirm_threshold"))
    current = next((r for r in rows if settings_of(r) == configured), None)
    lines = [
        "# Safety detector: cross-validation with paraphrase families held out",
        "",
        f"{chosen['n']} training examples, {folds} folds by family (GroupKFold). Every figure is on examples whose",
        "whole family was left out of training. False alarms: non-safety examples answered as a safety topic.",
        f"Chosen: the best recall whose false alarms are at most {MAX_ADDED_FALSE_ALARMS:.0%} above the pipeline's "
        "without the detector (threshold 1.01 = off).",
        "",
        "| safety threshold | urgent threshold | confirm threshold | urgent kept urgent | safety as safety "
        "| safety exact | false alarms | accuracy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    shown = sorted(
        rows,
        key=lambda r: (-r["urgent_as_urgent"], -r["safety"]["as_any_safety_topic"], r["safety"]["false_alarm_rate"]),
    )[:15]
    for r in shown:
        lines.append(
            f"| {r['safety_threshold']:.2f} | {r['urgent_threshold']:.2f} | {r['confirm_threshold']:.2f} "
            f"| {r['urgent_as_urgent']:.3f} | {r['safety']['as_any_safety_topic']:.3f} | {r['safety']['exact']:.3f} "
            f"| {r['safety']['false_alarm_rate']:.3f} | {r['accuracy']:.3f} |"
        )
    named: list[tuple[str, dict | None]] = [
        ("Chosen", chosen),
        ("As configured", current),
        ("Without the detector", detector_off(rows)),
    ]
    for title, picked in named:
        if picked is None:
            continue
        lines += [
            "",
            f"## {title}: safety threshold {picked['safety_threshold']:.2f}, urgent threshold "
            f"{picked['urgent_threshold']:.2f}, confirm threshold {picked['confirm_threshold']:.2f}",
            "",
            f"Urgent kept urgent {picked['urgent_as_urgent']:.3f}; safety as any safety topic "
            f"{picked['safety']['as_any_safety_topic']:.3f}; exact {picked['safety']['exact']:.3f}; false alarms "
            f"{picked['safety']['false_alarm_rate']:.3f}; accuracy {picked['accuracy']:.3f}.",
            "",
            "| group | n | accuracy | safety n | safety exact |",
            "|---|---|---|---|---|",
        ]
        for key in ("by_language", "by_variety"):
            for name, g in picked[key].items():
                lines.append(f"| {name} | {g['n']} | {g['accuracy']:.3f} | {g['safety_n']} | {g['safety_exact']:.3f} |")
        lines += ["", "| safety topic | n | as any safety | exact |", "|---|---|---|---|"]
        lines += [
            f"| {t} | {g['n']} | {g['as_any_safety_topic']:.3f} | {g['exact']:.3f} |"
            for t, g in picked["safety"]["by_topic"].items()
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--out", default=str(PROJECT_ROOT / "results" / "cross-validation"))
    parser.add_argument("--reuse", action="store_true", help="sweep again the predictions saved by the last run")
    args = parser.parse_args()
    config = pipeline_config()
    examples = training_examples()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    saved = out / "predictions.json"
    if args.reuse:
        predictions, classes = load_predictions(saved)
    else:
        predictions, classes = predict_folds(examples, args.folds, config)
        save_predictions(saved, predictions, classes)
    rows = sweep(examples, predictions, classes, config)
    chosen = choose(rows)
    markdown = to_markdown(rows, chosen, config, args.folds)
    (out / "report.md").write_text(markdown, encoding="utf-8")
    (out / "report.json").write_text(
        json.dumps({"chosen": chosen, "rows": rows}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
