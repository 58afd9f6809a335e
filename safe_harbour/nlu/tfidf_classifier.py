"""Intent classifier: TF-IDF word and character n-grams with a logistic regression.

Why not DIET: on our ~6,000 bilingual examples Rasa's default pipeline (DIET + TED) trained for 44 minutes
into a 124 MB model and read the dev set less well in every language (bench/results.md); a smaller DIET
configuration still took 12 minutes and did no better on Arabic. Sublinear TF-IDF over the
tokenizer's canonical forms (Arabic normalised, prefixes stemmed) reads dialects, Arabizi and typos well,
trains in under a minute and answers in about a millisecond.

The model is stored as plain JSON and NumPy arrays (no pickle), so loading a model runs no code.
"""
import json
from typing import Any, Dict, List, Text, Type

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

_RANKING_LENGTH = 10


def canonical_text(message: Message) -> Text:
    """The message as the tokenizer read it: canonical word forms separated by spaces."""
    return " ".join(token.text for token in message.get(TEXT_TOKENS) or [])


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
        self.word_vectorizer = TfidfVectorizer(
            analyzer="word", ngram_range=tuple(config["word_ngrams"]), sublinear_tf=True,
            token_pattern=r"\S+", lowercase=False,
        )
        self.char_vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), sublinear_tf=True,
            min_df=config["char_min_df"], lowercase=False,
        )
        self.classifier = LogisticRegression(
            C=config["C"], max_iter=config["max_iter"], class_weight="balanced", random_state=7,
        )

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def _features(self, texts: List[Text]):
        return hstack([self.word_vectorizer.transform(texts), self.char_vectorizer.transform(texts)]).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        texts = [canonical_text(e) for e in examples]
        self.word_vectorizer.fit(texts)
        self.char_vectorizer.fit(texts)
        self.classifier.fit(self._features(texts), [e.get(INTENT) for e in examples])
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if not hasattr(self.classifier, "classes_"):
            return messages  # untrained (e.g. an NLU-less model)
        probabilities = self.classifier.predict_proba(self._features([canonical_text(m) for m in messages]))
        for message, row in zip(messages, probabilities):
            order = np.argsort(-row)[:_RANKING_LENGTH]
            ranking = [{"name": str(self.classifier.classes_[i]), "confidence": float(row[i])} for i in order]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            vocabularies = {
                "word": {k: int(v) for k, v in self.word_vectorizer.vocabulary_.items()},
                "char": {k: int(v) for k, v in self.char_vectorizer.vocabulary_.items()},
                "classes": [str(c) for c in self.classifier.classes_],
            }
            (directory / "vocabularies.json").write_text(json.dumps(vocabularies, ensure_ascii=False), encoding="utf-8")
            np.savez(directory / "weights.npz", word_idf=self.word_vectorizer.idf_, char_idf=self.char_vectorizer.idf_,
                     coef=self.classifier.coef_, intercept=self.classifier.intercept_)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "TfidfIntentClassifier":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                vocabularies = json.loads((directory / "vocabularies.json").read_text(encoding="utf-8"))
                weights = np.load(directory / "weights.npz", allow_pickle=False)
                component.word_vectorizer.vocabulary_ = vocabularies["word"]
                component.word_vectorizer.idf_ = weights["word_idf"]
                component.char_vectorizer.vocabulary_ = vocabularies["char"]
                component.char_vectorizer.idf_ = weights["char_idf"]
                component.classifier.classes_ = np.array(vocabularies["classes"])
                # Fortran order makes coef_.T contiguous, so scikit-learn does not copy the whole weight
                # matrix on every message (about 3 ms each; bench/results.md, "Making it fast").
                component.classifier.coef_ = np.asfortranarray(weights["coef"])
                component.classifier.intercept_ = weights["intercept"]
        except ValueError:
            pass  # nothing was trained for this resource
        return component
