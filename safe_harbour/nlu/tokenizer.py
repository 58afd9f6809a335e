"""A whitespace tokenizer that gives the featurizers one canonical spelling of each word."""

import re
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from safe_harbour.privacy.spans import PLACEHOLDERS
from safe_harbour.text.arabic import word_forms

# "ساعدوووني", "pleeease", "helppp": a letter typed three or more times stands for one.
_ELONGATION = re.compile(r"(\D)\1{2,}")
# What the input guard put in place of links and personal data ([link], [phone], ...): it says nothing about
# the topic, so the model does not see it (a message full of placeholders is not a privacy question).
_PLACEHOLDER = re.compile(r"\[(" + "|".join(re.escape(kind) for kind in PLACEHOLDERS) + r")\]")


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False)
class BilingualTokenizer(WhitespaceTokenizer):
    """Whitespace tokens, lower-cased, de-elongated and Arabic-normalised.

    An Arabic word with an attached prefix (و ب ل ف ال ...) yields two tokens over the same span: the whole
    word and its stem, so "وبنتي" shares features with "بنتي" while a word that merely starts with one of
    those letters keeps its own token too. Offsets always point into the original text.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return WhitespaceTokenizer.get_default_config()

    def tokenize(self, message: Message, attribute: str) -> list[Token]:
        text = message.get(attribute) or ""
        placeholders = [m.span(1) for m in _PLACEHOLDER.finditer(text)]
        tokens = []
        for token in super().tokenize(message, attribute):
            if (token.start, token.end) in placeholders:
                continue
            word = _ELONGATION.sub(r"\1", token.text.lower())
            for form in word_forms(word):
                tokens.append(Token(form, token.start, token.end, lemma=form))
        return tokens
