"""The words of the assistant's own training examples, per language: a word the model learnt from ("scared",
"suicidal", "it", "خايفة") is never taken for a name or the start of an e-mail address.

A word counts only when it occurs more than once: a rare dialect word can also be a first name (Tunisian "زيد",
"more", is the name Zaid), and when in doubt the guard removes rather than keeps."""

import functools
import re
from collections import Counter

import yaml

from safe_harbour import settings
from safe_harbour.text.arabic import normalize_letters

MIN_OCCURRENCES = 2


@functools.cache
def training_vocabulary(language: str) -> frozenset[str]:
    """The words of data/*/nlu.<language>.yml seen at least MIN_OCCURRENCES times, lower case, Arabic letters
    unified."""
    words: Counter = Counter()
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
    return frozenset(word for word, count in words.items() if count >= MIN_OCCURRENCES)


def is_known_word(word: str, language: str) -> bool:
    """The word occurs in the training examples of `language` ("en", "ar", "ar-latn")."""
    word = re.sub(r"['’]s$", "", word.lower()).strip("'’-")  # "Instagram's" is "instagram"
    return normalize_letters(word) in training_vocabulary(language)
