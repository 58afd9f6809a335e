"""The safety phrases: they find what they should, in every language, and never contradict the training data."""

import pytest
import yaml

from safe_harbour.nlu.safety_lexicon import safety_topic_in
from safe_harbour.settings import PROJECT_ROOT  # noqa: E402
from safe_harbour.topics import registry


@pytest.mark.parametrize(
    "text, topic",
    [
        ("my daughter keeps saying she wants to die since the photos got out", "crisis_self_harm"),
        ("he said everyone would be better off without him", "crisis_self_harm"),
        ("she took a lot of pills last night", "crisis_self_harm"),
        ("he swallowed like 20 of his dads tablets", "crisis_self_harm"),
        ("she has been cutting again since the pictures went round", "crisis_self_harm"),
        ("im scared he will do something to himself", "crisis_self_harm"),
        ("خايفة بنتي تعمل في نفسها حاجة", "crisis_self_harm"),
        ("khayfe t3mel b 7alha shi", "crisis_self_harm"),
        ("💊💊", "crisis_self_harm"),
        ("بنتي بتقول عايزة تموت", "crisis_self_harm"),
        ("ابني قال بدو يقتل حالو", "crisis_self_harm"),
        ("ما بدي عيش بعد هالفضيحة", "crisis_self_harm"),
        ("bnti 2alet bdha tmoot", "crisis_self_harm"),
        ("he is blackmailing my son for money", "sextortion"),
        ("she has to send a video or he will show everyone", "sextortion"),
        ("واحد بيبتز بنتي", "sextortion"),
        ("يهددها ينشر الصور اذا ما دفعت", "sextortion"),
        ("where can i find nude pics of young girls", "perpetrator_seeking"),
        ("is there an app to undress a photo", "perpetrator_seeking"),
        # The crisis outranks the threat when both are present.
        ("he is blackmailing her and now she wants to die", "crisis_self_harm"),
    ],
)
def test_finds_the_safety_topic(text, topic):
    assert safety_topic_in(text) == topic


@pytest.mark.parametrize(
    "text",
    [
        "I could kill him for what he did",
        "i am dying of embarrassment",
        "he took 2 tablets for his headache",
        "he is thinking of ending it with his girlfriend",
        "nobody is blackmailing her, she just wants it gone",
        "someone used an app to undress my daughter's photo",
        "how do I warn my kids about sextortion",
        "مين بيتعاقب، اللي صنع الصورة ولا اللي نشرها",
        "how do i remove the picture from instagram",
    ],
)
def test_ordinary_messages_are_left_to_the_classifier(text):
    assert safety_topic_in(text) is None


def test_no_training_example_is_pulled_into_a_higher_safety_topic():
    conflicts = []
    for path in PROJECT_ROOT.glob("data/*/nlu.*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block["examples"].splitlines():
                example = line.strip()[2:]
                found = safety_topic_in(example)
                if found and registry.load().rank(found) < registry.load().rank(block["intent"]):
                    conflicts.append((block["intent"], found, example))
    assert conflicts == []


def test_every_phrase_family_has_an_english_and_an_arabic_variant():
    lexicon = yaml.safe_load((PROJECT_ROOT / "lexicons" / "safety.yml").read_text(encoding="utf-8"))
    one_sided = [
        f"{topic}/{name}"
        for topic, families in lexicon["topics"].items()
        for name, variants in families.items()
        if not ({"en", "ar"} <= set(variants) or "any" in variants)
    ]
    assert one_sided == [], "families with one language only (write the other language's variant)"


@pytest.mark.parametrize("text", ["is blackmail illegal here", "was blackmail ever reported at her school"])
def test_questions_about_the_law_are_not_a_threat(text):
    assert safety_topic_in(text) is None
