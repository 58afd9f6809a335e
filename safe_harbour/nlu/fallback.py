"""Low-confidence handling that never hides a safety topic.

Rasa's FallbackClassifier turns every uncertain prediction into `nlu_fallback`. Here an uncertain
prediction becomes `out_of_scope` (whose answer says what the assistant can do and offers a person),
except when the best guess is a safety topic (`safety: true` in topics/registry.yml): a missed crisis costs
far more than a false alarm, so those are kept whatever their confidence. The threshold is tuned on held-out
data (scripts/tune_fallback.py).
A message with no words at all (only punctuation or emoji) is `nlu_fallback`: it asks to rephrase.
"""

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message

from safe_harbour.topics import registry

_WORD = re.compile(r"[^\W_]")  # a letter or a digit, in any script


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SafetyFirstFallback(GraphComponent, IntentClassifier):
    """Replaces an uncertain, non-safety intent with the fallback intent."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"threshold": 0.3, "fallback_intent": "out_of_scope"}

    def __init__(self, config: dict[str, Any]) -> None:
        self.threshold = float(config["threshold"])
        self.fallback_intent = config["fallback_intent"]
        self.safety_intents = set(registry.load().safety_topics())

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyFirstFallback":
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            confidence = intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0
            if not any(_WORD.search(token.text) for token in message.get(TEXT_TOKENS) or []):
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
            elif name and self.falls_back(name, confidence):
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: self.fallback_intent, PREDICTED_CONFIDENCE_KEY: confidence},
                    add_to_output=True,
                )
        return messages

    def falls_back(self, name: str, confidence: float) -> bool:
        """An uncertain guess falls back, unless it is a safety topic."""
        return name not in self.safety_intents and confidence < self.threshold
