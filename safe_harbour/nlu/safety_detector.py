"""A detector of its own for the safety topics, built for recall, that a topic guess can never outvote.

The topic classifier spreads its belief over some thirty topics; a message about reporting or the school
whose last sentence says the child wants to disappear can come out as "report_hotline". The detector asks a
narrower question — is there a safety topic here, and which — of the whole message and of each of its
sentences, so one sentence of risk is not diluted by the rest. Its two thresholds are set for recall by
cross-validation with whole paraphrase families held out (`make tune-safety`, results/safety-tuning.md):

- `safety_threshold`: the message carries a safety topic when the detector's belief that it is NOT
  "none" reaches this, in the whole message or any sentence;
- `urgent_threshold`: self-harm or immediate danger (`urgency: emergency` in topics/registry.yml) wins over
  every other topic when its own probability reaches this (missing either costs more than a false alarm: the
  answer gives emergency contacts and then offers the rest).

When the classifier already named a safety topic, it is kept unless the detector finds an urgent one; when it
named anything else and the detector fires, the detector's topic replaces it. The detector never demotes a
safety topic. Its figures go into the parse output under `safety` (a probability and a topic, no text).
"""

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
    TEXT_TOKENS,
)
from rasa.shared.nlu.training_data.message import Message

from safe_harbour.nlu.features import LinearTextComponent
from safe_harbour.topics import registry

NONE = "none"
# Sentence ends in English and Arabic (full stop, ?, !, Arabic ؟ and ؛, line breaks); a comma is not one.
_SENTENCE_END = re.compile(r"[.!?؟؛\n]+")
# A sentence shorter than this many words is read only as part of the whole message.
_MIN_SENTENCE_WORDS = 3


def segments(text: str, tokens: Sequence[Any]) -> list[str]:
    """The canonical text of the whole message, then of each sentence of at least a few words.

    (Overlapping windows over run-on sentences were tried too: in cross-validation by family they raised false
    alarms more than recall, so only sentences are read.)
    """
    whole = " ".join(t.text for t in tokens)
    bounds = [m.end() for m in _SENTENCE_END.finditer(text)]
    sentences: list[list[str]] = [[] for _ in range(len(bounds) + 1)]
    for token in tokens:
        sentences[sum(b <= token.start for b in bounds)].append(token.text)
    parts = [" ".join(words) for words in sentences if len(set(words)) >= _MIN_SENTENCE_WORDS]
    return [whole] + [p for p in dict.fromkeys(parts) if p != whole]


def decide(
    predicted: str | None,
    best_other: tuple[str, float] | None,
    segment_probabilities: np.ndarray,
    classes: Sequence[str],
    config: dict[str, Any],
) -> tuple[str, float] | None:
    """The topic to answer and its confidence, or None when the classifier's topic stands.

    `predicted` is the classifier's topic and `best_other` its best non-safety topic with its confidence.
    `segment_probabilities` has one row per segment and one column per class of `classes` (safety topics
    and "none").
    """
    safety = [c for c in classes if c != NONE]
    column = {c: i for i, c in enumerate(classes)}
    strongest = segment_probabilities.max(axis=0)
    risk = float(1.0 - segment_probabilities[:, column[NONE]].min())
    emergency = registry.load().emergency_topics()
    urgent = [c for c in emergency if c in column]
    if urgent:
        top_urgent = max(urgent, key=lambda c: strongest[column[c]])
        if strongest[column[top_urgent]] >= config["urgent_threshold"]:
            return None if predicted == top_urgent else (top_urgent, risk)
    if predicted in safety:
        # A non-urgent safety guess that the detector finds no risk in at all is the classifier's slip (a
        # parent's distress read as own_thoughts): its best other topic is answered instead.
        if predicted not in emergency and risk < config["confirm_threshold"] and best_other:
            return best_other
        return None
    if risk < config["safety_threshold"]:
        return None
    return max(safety, key=lambda c: strongest[column[c]]), risk


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class SafetyDetector(LinearTextComponent):
    """Finds a safety topic in the message or any sentence of it, and makes it the intent."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "safety_threshold": 0.5,
            "urgent_threshold": 0.5,
            "confirm_threshold": 0.0,
            **LinearTextComponent.NGRAM_DEFAULTS,
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        # What it learns depends on which topics topics/registry.yml marks safety: a change there retrains it
        # instead of reusing Rasa's training cache.
        return ",".join(registry.load().safety_topics())

    def label(self, intent: str) -> str:
        return label_for(intent)

    def probabilities(self, message: Message) -> np.ndarray:
        parts = segments(message.get(TEXT) or "", message.get(TEXT_TOKENS) or [])
        return self.classifier.predict_proba(self.features.transform(parts))

    def process(self, messages: list[Message]) -> list[Message]:
        if not self.trained():
            return messages
        classes = [str(c) for c in self.classifier.classes_]
        for message in messages:
            if not message.get(TEXT_TOKENS):
                continue
            probabilities = self.probabilities(message)
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            decided = decide(
                predicted,
                best_other(message.get(INTENT_RANKING_KEY) or [], classes),
                probabilities,
                classes,
                self.config,
            )
            risk = float(1.0 - probabilities[:, classes.index(NONE)].min())
            message.set(
                "safety", {"risk": round(risk, 4), "topic": decided[0] if decided else predicted}, add_to_output=True
            )
            if decided:
                message.set(
                    INTENT, {INTENT_NAME_KEY: decided[0], PREDICTED_CONFIDENCE_KEY: decided[1]}, add_to_output=True
                )
        return messages


def best_other(ranking: list[dict[str, Any]], classes: Sequence[str]) -> tuple[str, float] | None:
    """The classifier's best topic that is not a safety topic, with its confidence."""
    other = next((r for r in ranking if r["name"] not in classes), None)
    return (other["name"], float(other["confidence"])) if other else None


def label_for(intent: str) -> str:
    """What the detector learns for a training example: its safety topic, or "none"."""
    return intent if registry.load().is_safety(intent) else NONE
