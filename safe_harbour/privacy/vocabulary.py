"""The words of the assistant's own training examples, per language: a word the model learnt from ("scared",
"suicidal", "it", "خايفة") is never taken for a name or the start of an e-mail address."""
import functools
import re
from typing import FrozenSet, Text

import yaml

from safe_harbour import settings
from safe_harbour.text.arabic import normalize_letters


@functools.lru_cache(maxsize=None)
def training_vocabulary(language: Text) -> FrozenSet[Text]:
    """Every word of data/*/nlu.<language>.yml, lower case, Arabic letters unified."""
    words = set()
    for path in sorted(settings.PROJECT_ROOT.glob(f"data/*/nlu.{language}.yml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        for block in data.get("nlu") or []:
            examples = block.get("examples") if isinstance(block, dict) else None
            if isinstance(examples, str):
                # Words with a letter; Arabizi words may start with a digit ("3ayez").
                words.update(normalize_letters(w) for w in re.findall(r"\d*[^\W\d_][\w'’]*", examples.lower()))
    return frozenset(words)


def is_known_word(word: Text, language: Text) -> bool:
    """The word occurs in the training examples of `language` ("en", "ar", "ar-latn")."""
    word = re.sub(r"['’]s$", "", word.lower()).strip("'’-")  # "Instagram's" is "instagram"
    return normalize_letters(word) in training_vocabulary(language)
