"""The "Prepare my report" templates (widget/static/report-templates.json): the four documents, each in every
language with the same fields, its sources and review date, the research's safe wording; the answers that
offer the form; and the police routes the server gives the form (official entries only)."""

import datetime
import json
import re

import pytest
import yaml

from handoff_helpers import unofficial_numbers_in
from safe_harbour.channels.web import report_routes
from safe_harbour.directory import countries
from safe_harbour.directory.hotlines import emergency_number, official_services
from safe_harbour.settings import PROJECT_ROOT  # noqa: E402

TEMPLATES = json.loads((PROJECT_ROOT / "widget" / "static" / "report-templates.json").read_text(encoding="utf-8"))[
    "templates"
]
BY_ID = {t["id"]: t for t in TEMPLATES}
LANGUAGES = yaml.safe_load((PROJECT_ROOT / "lexicons" / "languages.yml").read_text(encoding="utf-8"))["languages"]
ARABIC = re.compile(r"[\u0600-\u06FF]")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
COMPUTED = {"date", "police_route"}  # filled in by report-form.js, not typed
# The answers that offer "Prepare my report", and the document each opens.
OFFERED_BY = {"utter_remove_content": "takedown", "utter_report_police": "police", "utter_school_involvement": "school"}


def texts_of(words):
    yield words["title"]
    yield words["intro"]
    yield words["body"]
    yield from words["clauses"].values()
    for field in words["fields"]:
        yield field["label"]
        yield field["hint"]


def test_the_four_documents_of_the_issue_are_there():
    assert list(BY_ID) == ["takedown", "police", "school", "evidence"]


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t["id"])
def test_every_template_has_every_language_with_the_same_fields(template):
    assert set(LANGUAGES) <= set(template)
    shapes = {lang: [(f["id"], f.get("type"), f.get("lines")) for f in template[lang]["fields"]] for lang in LANGUAGES}
    assert len({repr(shape) for shape in shapes.values()}) == 1, shapes
    for lang in LANGUAGES:
        words = template[lang]
        assert set(words["clauses"]) == set(template["clauses"])
        fields = {f["id"] for f in words["fields"] if f.get("type") != "country"}
        used = set(PLACEHOLDER.findall(words["body"]))
        assert used <= fields | COMPUTED | set(template["clauses"]), f"{lang}: unknown placeholders {used - fields}"
        assert fields <= used, f"{lang}: fields never used in the document: {fields - used}"
        assert "date" in used
        for text in texts_of(words):
            assert bool(ARABIC.search(text)) == (lang == "ar"), f"{template['id']} {lang}: wrong script in {text!r}"
            assert "<" not in text and ">" not in text


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t["id"])
def test_every_template_carries_its_sources_and_review_date(template):
    assert template["sources"]
    for source in template["sources"]:
        assert source["title"] and source["url"].startswith("https://")
    assert datetime.date.fromisoformat(template["reviewed"]) <= datetime.date.today()


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t["id"])
def test_templates_give_no_number_the_directory_does_not_mark_official(template):
    for lang in LANGUAGES:
        for text in texts_of(template[lang]):
            assert unofficial_numbers_in(text) == [], f"{template['id']} {lang}: {text!r}"


def test_the_evidence_checklist_keeps_the_research_safe_wording():
    # Record the messages, names and links; never copy or screenshot the picture; block, don't delete.
    english = BY_ID["evidence"]["en"]["body"]
    for words in (
        "Usernames",
        "Addresses",
        "Dates and times",
        "Demands for money",
        "screenshot the image itself",
        "never of the picture",
        "block instead",
    ):
        assert words in english, words
    arabic = BY_ID["evidence"]["ar"]["body"]
    for words in (
        "أسماء المستخدمين",
        "عناوين",
        "التواريخ والأوقات",
        "طلبات المال",
        "ولا تلتقط لها لقطة شاشة",
        "لا للصورة أبدًا",
        "واكتفِ بالحظر",
    ):
        assert words in arabic, words


def test_the_takedown_request_cites_the_us_48_hour_rule_only_for_the_us():
    takedown = BY_ID["takedown"]
    assert takedown["clauses"] == {"us_law": {"country": "US"}}
    assert "48 hours" in takedown["en"]["clauses"]["us_law"] and "TAKE IT DOWN" in takedown["en"]["clauses"]["us_law"]
    assert "48 ساعة" in takedown["ar"]["clauses"]["us_law"] and "TAKE IT DOWN" in takedown["ar"]["clauses"]["us_law"]
    assert any("digitalpolicyalert.org" in s["url"] for s in takedown["sources"])
    for lang in LANGUAGES:
        assert "{us_law}" in takedown[lang]["body"]


def test_the_police_report_ends_with_the_countrys_route():
    for lang in LANGUAGES:
        assert BY_ID["police"][lang]["body"].rstrip().endswith("{police_route}")


def load_responses():
    responses = {}
    for path in sorted(PROJECT_ROOT.glob("data/*/responses.yml")):
        responses.update(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return responses


def test_the_removal_police_and_school_answers_offer_the_form_in_both_languages():
    responses = load_responses()
    offered = {}
    for name, variations in responses.items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                match = re.fullmatch(r"/prepare_report:([a-z_]+)", button["payload"])
                if match:
                    offered.setdefault(name, []).append((match.group(1), button["title"]))
    assert {name: sorted({t for t, _ in items}) for name, items in offered.items()} == {
        name: [template] for name, template in OFFERED_BY.items()
    }
    for name, items in offered.items():
        assert sorted(title for _, title in items) == sorted(["Prepare my report", "جهّز بلاغي"]), name


def test_the_police_routes_are_the_directorys_official_entries():
    routes = {c["code"]: c for c in report_routes()["countries"]}
    assert sorted(routes) == countries()
    for code, country in routes.items():
        checked = bool(official_services(code, ["police_cyber"], include_world=False) or emergency_number(code))
        for lang in LANGUAGES:
            route = country["route"][lang]
            assert country["name"][lang] in route["text"]
            assert bool(route.get("sources")) == checked, f"{code} {lang}"
            assert unofficial_numbers_in(route["text"]) == [], f"{code} {lang}"
