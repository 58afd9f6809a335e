"""Every answer exists in every language, carries its sources, and renders nothing but text and buttons."""

import datetime
import re

import pytest
import yaml

from safe_harbour.evaluation.sets import topic_ids
from safe_harbour.settings import PROJECT_ROOT

LANGUAGES = yaml.safe_load((PROJECT_ROOT / "lexicons" / "languages.yml").read_text(encoding="utf-8"))["languages"]
DEFAULT_LANGUAGE = "en"  # the variation without a condition
ARABIC = re.compile(r"[\u0600-\u06FF]")
FACTUAL_AREAS = ("situations", "guidance", "safety")


def load_responses():
    responses = {}
    for path in sorted(PROJECT_ROOT.glob("data/*/responses.yml")):
        for name, variations in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            responses[name] = (path.parent.name, variations)
    return responses


RESPONSES = load_responses()


def language_of(variation):
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return condition["value"]
    return DEFAULT_LANGUAGE


@pytest.mark.parametrize("topic", topic_ids())
def test_every_topic_is_an_intent_with_an_answer(topic):
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    assert topic in domain["intents"]
    assert f"utter_{topic}" in RESPONSES


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_exists_once_per_language(name):
    _, variations = RESPONSES[name]
    languages = [language_of(v) for v in variations]
    assert sorted(languages) == sorted(LANGUAGES), f"{name}: {languages}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_variations_match_each_other(name):
    _, variations = RESPONSES[name]
    payloads = {tuple(b["payload"] for b in v.get("buttons") or []) for v in variations}
    assert len(payloads) == 1, f"{name}: the languages offer different buttons"
    sources = {repr(v.get("metadata", {}).get("sources")) for v in variations}
    assert len(sources) == 1, f"{name}: the languages cite different sources"
    for variation in variations:
        has_arabic = bool(ARABIC.search(variation["text"]))
        assert has_arabic == (language_of(variation) == "ar"), f"{name}: text in the wrong script"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_answers_are_text_and_buttons_only(name):
    _, variations = RESPONSES[name]
    for variation in variations:
        assert not {"image", "attachment", "custom", "elements"} & set(variation), name
        assert "<" not in variation["text"] and ">" not in variation["text"], f"{name}: markup in text"
        for button in variation.get("buttons") or []:
            assert button["payload"].startswith("/"), f"{name}: a button must send an intent payload"


@pytest.mark.parametrize("name", sorted(n for n, (area, _) in RESPONSES.items() if area in FACTUAL_AREAS))
def test_factual_answers_carry_sources_and_a_review_date(name):
    _, variations = RESPONSES[name]
    for variation in variations:
        metadata = variation.get("metadata") or {}
        assert metadata.get("sources"), f"{name}: no sources"
        for source in metadata["sources"]:
            assert source["title"] and source["url"].startswith(("https://", "http://"))
        reviewed = datetime.date.fromisoformat(str(metadata["reviewed"]))
        assert reviewed <= datetime.date.today()


@pytest.mark.parametrize(
    "name",
    sorted(n for n, (area, _) in RESPONSES.items() if area in FACTUAL_AREAS and n != "utter_perpetrator_seeking"),
)
def test_a_person_is_offered_after_situations_guidance_and_safety(name):
    _, variations = RESPONSES[name]
    assert any(b["payload"] == "/request_human" for b in variations[0].get("buttons") or []), name


def test_the_deterrence_answer_offers_nothing_useful():
    _, variations = RESPONSES["utter_perpetrator_seeking"]
    for variation in variations:
        assert not variation.get("buttons")
        assert "stopitnow" in variation["text"].lower().replace(" ", "")


# --- issue 11: what a family in the Arab states is told ---------------------------------------------------------
ARABIC_CALQUES = [
    "ورطة",
    "لا يستطيع ولن",
    "بالكلمات بما",
    "مدة عدد",
    "حدود هذه الخدمات بصراحة",
    "عمرك 18 عامًا أو أكثر في الصورة",
    "تصرّف الآن",
    "خطوط الطفل",
    "هل يمكنك قوله بكلمات أخرى",
]


def text_of(name, language):
    return next(v["text"] for v in RESPONSES[name][1] if language_of(v) == language)


def test_no_arabic_calques_are_left():
    for name, (_, variations) in RESPONSES.items():
        for variation in variations:
            for calque in ARABIC_CALQUES:
                assert calque not in variation["text"], f"{name}: {calque}"


def test_the_retention_period_is_counted_with_the_right_arabic_noun():
    # "{n} يومًا" is right for 11-99 days; the content guide says to reword if the period leaves that range.
    from safe_harbour import settings

    assert 11 <= settings.RETENTION_DAYS <= 99
    for name in ("utter_greet", "utter_privacy_anonymity"):
        assert "{retention_days} يومًا" in text_of(name, "ar")


def test_the_child_hears_no_blame_and_no_legal_promise():
    english, arabic = text_of("utter_child_user", "en"), text_of("utter_child_user", "ar")
    assert "not in trouble" not in english and "did something wrong" not in english
    assert "even if you took the picture yourself" in english and "حتى لو كنت أنت من التقط الصورة" in arabic
    # a confidential route comes before telling the family
    assert english.index("child helpline") < english.index("adult you trust")
    assert arabic.index("خط مساعدة الأطفال") < arabic.index("شخصًا كبيرًا تثق به")


@pytest.mark.parametrize("name", ["utter_child_user", "utter_talk_to_child", "utter_report_police"])
def test_a_child_afraid_of_the_family_is_offered_a_confidential_route(name):
    assert re.search(r"afraid of how (the|your|someone in the)? ?famil", text_of(name, "en"))
    assert "ردّة فعل" in text_of(name, "ar") and "سري" in text_of(name, "ar")


def test_privacy_says_what_is_really_removed():
    english, arabic = text_of("utter_privacy_anonymity", "en"), text_of("utter_privacy_anonymity", "ar")
    assert "names before anything is saved" not in english
    assert "please don't type people's names" in english and "ألّا تكتب أسماء أشخاص" in arabic


def test_the_most_critical_crisis_sentence_is_clear_and_the_same_in_both_languages():
    first_en = text_of("utter_crisis_self_harm", "en").splitlines()[0]
    first_ar = text_of("utter_crisis_self_harm", "ar").splitlines()[0]
    assert (
        first_en == "If someone may hurt themselves now, call your country's emergency number now and stay with them."
    )
    assert first_ar == "إن كان أحدٌ قد يؤذي نفسه الآن، فاتصل برقم الطوارئ في بلدك فورًا وابقَ معه."


def test_the_crisis_answer_has_palestine_106_and_no_unconfirmed_morocco_hours():
    for language in ("en", "ar"):
        text = text_of("utter_crisis_self_harm", language)
        assert "106" in text
        assert re.search(r"2511 \((phone hours unconfirmed|ساعات العمل الهاتفي غير مؤكدة)\)", text)
    sources = RESPONSES["utter_crisis_self_harm"][1][0]["metadata"]["phone_sources"]
    assert any(s["number"] == "106" and "palpolice.ps" in s["url"] for s in sources)


def test_slips_are_corrected():
    hotline = text_of("utter_report_hotline", "en")
    assert "esafety.gov.au, for adults" not in hotline and "parent of a child under 16" in hotline
    assert "most Arab countries" not in hotline and "in any Arab state" in hotline
    assert "معظم البلدان العربية" not in text_of("utter_report_hotline", "ar")
    legal = text_of("utter_legal_status", "en")
    assert "UNICEF has said this" not in legal and "UNICEF has called on states" in legal
    assert "دعت اليونيسف الدول" in text_of("utter_legal_status", "ar")


def test_the_thin_answers_say_more():
    legal = text_of("utter_legal_status", "en")
    assert "Could you or your child get into trouble?" in legal and "keeping or sending a copy" in legal
    assert "I can't promise a legal outcome" in legal
    peer = text_of("utter_peer_school_incident", "en")
    assert "If your own child made or shared the images" in peer and "proportionate" in peer
    assert "إن كان طفلك هو من صنع الصور" in text_of("utter_peer_school_incident", "ar")
    for name in ("utter_parent_support", "utter_own_thoughts", "utter_talk_to_child"):
        assert "Which country are you in?" in text_of(name, "en"), name
        assert "في أي بلد أنت؟" in text_of(name, "ar"), name


def test_the_content_guide_records_how_the_reader_is_addressed_in_arabic():
    guide = (PROJECT_ROOT / "data" / "CONTENT-GUIDE.md").read_text(encoding="utf-8")
    assert "## Addressing the reader in Arabic" in guide and "masculine singular" in guide
