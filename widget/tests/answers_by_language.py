"""Prints, as JSON, every answer the assistant can give with the language it is written in, for the widget's
language test (widget/tests/language.test.mjs): the written responses (data/*/responses.yml, both
variations, the handoff messages among them), the directory answers for every country, and the bilingual
notices (language null: they must not switch the widget). Run from the project root with the project's
Python."""

import json
import pathlib

import yaml

from safe_harbour.directory import countries
from safe_harbour.directory.render import services_answer
from safe_harbour.privacy.guard import LONG_MESSAGE_NOTICE, RATE_LIMITED_MESSAGE

DIRECTORY_INTENTS = (
    "report_hotline",
    "report_police",
    "crisis_self_harm",
    "immediate_danger",
    "inform_country",
    "request_human",
)


def written_responses():
    for path in sorted(pathlib.Path("data").glob("*/responses.yml")):
        for name, variations in (yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}).items():
            for variation in variations:
                arabic = any(
                    c.get("name") == "language" and c.get("value") == "ar" for c in variation.get("condition") or []
                )
                yield {
                    "source": name,
                    "language": "ar" if arabic else "en",
                    "text": variation.get("text") or "",
                    "buttons": [{"title": b["title"], "payload": b["payload"]} for b in variation.get("buttons") or []],
                }


def action_answers():
    for language in ("en", "ar"):
        for code in [None, *sorted(countries())]:
            for intent in DIRECTORY_INTENTS:
                answer = services_answer(code, intent, language, locale_guess=False, list_world_when_unknown=True)
                if answer:
                    yield {"source": f"directory {code} {intent}", "language": language, "text": answer["text"]}


def bilingual_notices():
    yield {"source": "rate limit", "language": None, "text": RATE_LIMITED_MESSAGE}
    yield {"source": "long message", "language": None, "text": LONG_MESSAGE_NOTICE.format(limit=2000)}


if __name__ == "__main__":
    print(json.dumps([*written_responses(), *action_answers(), *bilingual_notices()], ensure_ascii=False))
