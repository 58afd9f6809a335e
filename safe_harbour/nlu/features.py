"""TF-IDF word and character n-grams of the tokenizer's canonical text, with a logistic regression.

Shared by the topic classifier and the safety detector (`LinearTextComponent`): each fits its own vocabulary
and weights, and stores them as JSON and NumPy arrays (no pickle), so loading a model runs no code.
"""

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression


def canonical_text(message: Message) -> str:
    """The message as the tokenizer read it: canonical word forms separated by spaces."""
    return " ".join(token.text for token in message.get(TEXT_TOKENS) or [])


class NgramFeatures:
    """Sublinear TF-IDF over word n-grams and character n-grams within words."""

    def __init__(self, word_ngrams: Sequence[int], char_ngrams: Sequence[int], char_min_df: int) -> None:
        self.word = TfidfVectorizer(
            analyzer="word", ngram_range=tuple(word_ngrams), sublinear_tf=True, token_pattern=r"\S+", lowercase=False
        )
        self.char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(char_ngrams), sublinear_tf=True, min_df=char_min_df, lowercase=False
        )

    def fit(self, texts: list[str]) -> "NgramFeatures":
        self.word.fit(texts)
        self.char.fit(texts)
        return self

    def transform(self, texts: list[str]) -> csr_matrix:
        return hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()

    def vocabularies(self) -> dict[str, dict[str, int]]:
        return {
            "word": {k: int(v) for k, v in self.word.vocabulary_.items()},
            "char": {k: int(v) for k, v in self.char.vocabulary_.items()},
        }

    def weights(self) -> dict[str, np.ndarray]:
        return {"word_idf": self.word.idf_, "char_idf": self.char.idf_}

    def restore(self, vocabularies: dict[str, Any], weights: Any) -> None:
        self.word.vocabulary_ = vocabularies["word"]
        self.word.idf_ = weights["word_idf"]
        self.char.vocabulary_ = vocabularies["char"]
        self.char.idf_ = weights["char_idf"]


def save_linear_model(directory: Any, features: NgramFeatures, classifier: Any) -> None:
    """Writes the vocabularies and the weights of a fitted features + linear classifier pair."""
    vocabularies = {**features.vocabularies(), "classes": [str(c) for c in classifier.classes_]}
    (directory / "vocabularies.json").write_text(json.dumps(vocabularies, ensure_ascii=False), encoding="utf-8")
    np.savez(directory / "weights.npz", **features.weights(), coef=classifier.coef_, intercept=classifier.intercept_)


def load_linear_model(directory: Any, features: NgramFeatures, classifier: Any) -> None:
    """Restores what `save_linear_model` wrote into unfitted `features` and `classifier`."""
    vocabularies = json.loads((directory / "vocabularies.json").read_text(encoding="utf-8"))
    weights = np.load(directory / "weights.npz", allow_pickle=False)
    features.restore(vocabularies, weights)
    classifier.classes_ = np.array(vocabularies["classes"])
    # Fortran order makes coef_.T contiguous, so scikit-learn does not copy the whole weight matrix on every
    # message (about 3 ms each; bench/results.md, "Making it fast").
    classifier.coef_ = np.asfortranarray(weights["coef"])
    classifier.intercept_ = weights["intercept"]


def linear_classifier(config: dict[str, Any]) -> LogisticRegression:
    """The logistic regression both components fit on these features.

    Balanced class weights: the rarer topics (most safety topics among them) count as much as the common ones.
    """
    return LogisticRegression(C=config["C"], max_iter=config["max_iter"], class_weight="balanced", random_state=7)


class LinearTextComponent(GraphComponent, IntentClassifier):
    """What the topic classifier and the safety detector share: n-gram features of the canonical text, a
    logistic regression fitted on them with one label per training example, stored without pickle."""

    # C is the logistic regression's inverse regularisation strength.
    NGRAM_DEFAULTS: dict[str, Any] = {
        "word_ngrams": [1, 2],
        "char_ngrams": [2, 5],
        "char_min_df": 2,
        "C": 10.0,
        "max_iter": 300,
    }

    @classmethod
    def required_components(cls) -> list[type]:
        return [Tokenizer]

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.features = NgramFeatures(config["word_ngrams"], config["char_ngrams"], config["char_min_df"])
        self.classifier = linear_classifier(config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LinearTextComponent":
        return cls(config, model_storage, resource)

    def label(self, intent: str) -> str:
        """What this component learns for a training example of `intent`."""
        return intent

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        texts = [canonical_text(e) for e in examples]
        self.classifier.fit(self.features.fit(texts).transform(texts), [self.label(e.get(INTENT)) for e in examples])
        self.persist()
        return self._resource

    def trained(self) -> bool:
        return hasattr(self.classifier, "classes_")

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            save_linear_model(directory, self.features, self.classifier)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearTextComponent":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                load_linear_model(directory, component.features, component.classifier)
        except ValueError:
            pass  # nothing was trained for this resource
        return component
