"""The custom NLU components, on real English, Arabic and Arabizi input."""

import pytest
from rasa.shared.nlu.constants import INTENT, TEXT, TEXT_TOKENS
from rasa.shared.nlu.training_data.message import Message

from safe_harbour.nlu.fallback import SafetyFirstFallback
from safe_harbour.nlu.tokenizer import BilingualTokenizer
from safe_harbour.topics import registry


@pytest.fixture
def tokenizer():
    return BilingualTokenizer(BilingualTokenizer.get_default_config())


def tokens_of(tokenizer, text):
    return tokenizer.tokenize(Message(data={TEXT: text}), TEXT)


def test_arabic_words_are_normalised_and_keep_their_offsets(tokenizer):
    text = "وبنتي عمرها ١٤ سنة"
    tokens = tokens_of(tokenizer, text)
    texts = [t.text for t in tokens]
    assert texts[:2] == ["وبنتي", "بنتي"]  # the whole word, then its stem, over the same span
    assert "14" in texts and "سنه" in texts
    for token in tokens:
        assert text[token.start : token.end].strip()  # offsets point into the original text
    assert tokens[0].start == tokens[1].start == 0


def test_elongation_and_case_are_folded(tokenizer):
    assert [t.text for t in tokens_of(tokenizer, "PLEEEASE helppp")] == ["please", "help"]
    assert [t.text for t in tokens_of(tokenizer, "ساعدوووني")] == ["ساعدوني"]


def test_arabizi_digits_are_kept(tokenizer):
    assert [t.text for t in tokens_of(tokenizer, "ana 3ayez a3mel eh")] == ["ana", "3ayez", "a3mel", "eh"]


def classified(intent, confidence, text="some words"):
    message = Message(data={TEXT: text, INTENT: {"name": intent, "confidence": confidence}})
    message.set(TEXT_TOKENS, BilingualTokenizer(BilingualTokenizer.get_default_config()).tokenize(message, TEXT))
    return message


@pytest.fixture
def fallback():
    return SafetyFirstFallback({"threshold": 0.4, "fallback_intent": "out_of_scope"})


def test_uncertain_guess_becomes_out_of_scope(fallback):
    message = fallback.process([classified("remove_content", 0.2)])[0]
    assert message.get(INTENT)["name"] == "out_of_scope"


def test_confident_guess_is_kept(fallback):
    assert fallback.process([classified("remove_content", 0.9)])[0].get(INTENT)["name"] == "remove_content"


@pytest.mark.parametrize("topic", registry.load().safety_topics())
def test_uncertain_safety_topic_is_never_hidden(fallback, topic):
    # Every topic marked `safety: true` in topics/registry.yml, with no list of its own in config.yml.
    assert fallback.process([classified(topic, 0.1)])[0].get(INTENT)["name"] == topic


def test_a_message_without_words_asks_to_rephrase(fallback):
    for text in ["???", "💔💔", "..."]:
        assert fallback.process([classified("greet", 0.9, text)])[0].get(INTENT)["name"] == "nlu_fallback"


def test_placeholders_of_scrubbed_personal_data_are_not_read(tokenizer):
    texts = [t.text for t in tokens_of(tokenizer, "my name is [name] call [phone] my daughter")]
    assert texts == ["my", "name", "is", "call", "my", "daughter"]
