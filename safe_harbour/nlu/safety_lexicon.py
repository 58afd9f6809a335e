"""Makes sure a safety topic wins whenever its words are present, whatever the classifier guessed.

The classifier reads the whole message; in a long story about evidence or removal, one line about wanting
to die can be outvoted. Crisis services learnt that a few specific phrases are strong signals, so the
phrases in lexicons/safety.yml override the classifier's guess (but never a safety topic of higher priority).
Which topics rank higher, and which a negation cancels, comes from topics/registry.yml.
"""

import functools
import pathlib
import re
from typing import Any

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from safe_harbour.text.arabic import normalize_letters
from safe_harbour.topics import registry

LEXICON_PATH = pathlib.Path(__file__).resolve().parents[2] / "lexicons" / "safety.yml"


# How far back (in characters) a negation still applies to the phrase after it.
_NEGATION_REACH = 30


@functools.lru_cache(maxsize=1)
def _lexicon() -> dict:
    lexicon = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    lexicon["patterns"] = {
        topic: [re.compile(p) for family in families.values() for variants in family.values() for p in variants]
        for topic, families in lexicon["topics"].items()
    }
    lexicon["negation_re"] = re.compile(lexicon["negations"])
    return lexicon


def _occurs(pattern: re.Pattern, text: str, negatable: bool) -> bool:
    for match in pattern.finditer(text):
        before = text[max(0, match.start() - _NEGATION_REACH) : match.start()]
        if not (negatable and _lexicon()["negation_re"].search(before)):
            return True
    return False


def safety_topic_in(text: str) -> str | None:
    """The highest-priority safety topic whose phrases occur in the text, if any."""
    canonical = normalize_letters(text.lower())
    topics = registry.load()
    negatable = topics.negatable_topics()
    found = [
        topic
        for topic, patterns in _lexicon()["patterns"].items()
        if any(_occurs(p, canonical, topic in negatable) for p in patterns)
    ]
    return min(found, key=topics.rank) if found else None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyLexicon(GraphComponent, IntentClassifier):
    """Overrides the predicted intent with a safety topic found by its phrases."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyLexicon":
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        rank = registry.load().rank
        for message in messages:
            topic = safety_topic_in(message.get(TEXT) or "")
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if topic and rank(topic) < rank(predicted):
                message.set(INTENT, {INTENT_NAME_KEY: topic, PREDICTED_CONFIDENCE_KEY: 1.0}, add_to_output=True)
        return messages
