"""Intent classifier: TF-IDF word and character n-grams with a logistic regression.

Why not DIET: on our ~6,000 bilingual examples Rasa's default pipeline (DIET + TED) trained for 44 minutes
into a 124 MB model and read the dev set less well in every language (bench/results.md); a smaller DIET
configuration still took 12 minutes and did no better on Arabic. Sublinear TF-IDF over the
tokenizer's canonical forms (Arabic normalised, prefixes stemmed) reads dialects, Arabizi and typos well,
trains in under a minute and answers in about a millisecond.

The model is stored as plain JSON and NumPy arrays (no pickle), so loading a model runs no code.
"""
from typing import Any, Dict, List, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from safe_harbour.nlu.features import (
    NgramFeatures, canonical_text, linear_classifier, load_linear_model, save_linear_model,
)

_RANKING_LENGTH = 10


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Predicts the intent from word and character n-grams of the canonical text."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            "char_min_df": 2,
            "C": 10.0,          # inverse regularisation strength of the logistic regression
            "max_iter": 300,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.features = NgramFeatures(config["word_ngrams"], config["char_ngrams"], config["char_min_df"])
        self.classifier = linear_classifier(config)

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        texts = [canonical_text(e) for e in examples]
        self.classifier.fit(self.features.fit(texts).transform(texts), [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if not hasattr(self.classifier, "classes_"):
            return messages  # untrained (e.g. an NLU-less model)
        probabilities = self.classifier.predict_proba(self.features.transform([canonical_text(m) for m in messages]))
        for message, row in zip(messages, probabilities):
            order = np.argsort(-row)[:_RANKING_LENGTH]
            ranking = [{"name": str(self.classifier.classes_[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            save_linear_model(directory, self.features, self.classifier)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfIntentClassifier":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                load_linear_model(directory, component.features, component.classifier)
        except ValueError:
            pass  # nothing was trained for this resource
        return component
