"""Check the country directory files.

    python -m safe_harbour.directory.validate              # directory/countries of this project
    python -m safe_harbour.directory.validate --dir PATH   # another folder (used by the tests)

Prints every schema error, then the entries whose ``page_seen`` date is older than 180 days, then every
entry whose ``checked_live`` date is empty (read only in a stored copy of a page: it must be re-checked on
the live page before a helpline deploys), then the result of the content check (what families would be
shown), then a summary. Exits 1 if there is any error or any content problem; the lists do not fail.

Dates: ``page_seen`` is the date of the copy of the page the fact was read on (the copy's own date when it
shows one, otherwise the day it was read); ``checked_live`` is the day someone opened the live official page
and saw the same fact (null until then). They are kept apart so a date never claims more than was done.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from safe_harbour.directory.hotlines import DEFAULT_DIRECTORY, KINDS, STATUSES, WORLD
from safe_harbour.text.arabic import ARABIC_LETTER, normalize_letters

STALE_AFTER_DAYS = 180

TOP_KEYS = {"country", "name", "emergency_number", "names", "services"}
EMERGENCY_KEYS = {"number", "status", "source", "page_seen", "checked_live"}
NAMES_KEYS = {"en", "ar", "ar-latn"}
SERVICE_KEYS = {
    "id",
    "kind",
    "name",
    "handles",
    "audience",
    "web",
    "phone",
    "text",
    "hours",
    "languages",
    "source",
    "status",
    "page_seen",
    "checked_live",
}
BILINGUAL = ("en", "ar")

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_SERVICE_ID = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_URL = re.compile(r"^https://[^\s/]+\.[^\s/]+(/\S*)?$")
# Digits, spaces, + - . ( ) and upper-case letters for vanity numbers (1-800-THE-LOST); at least 2 digits.
_PHONE = re.compile(r"^\+?[0-9A-Z][0-9A-Z .\-()]*[0-9A-Z]$|^[0-9]{2,}$")
_LATIN_LETTER = re.compile(r"[A-Za-z]")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    not_live: list[str] = field(default_factory=list)  # entries with no checked_live date, official ones first
    hidden: list[str] = field(default_factory=list)  # official entries never shown: no way to reach them
    countries: int = 0
    services: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})

    @property
    def ok(self) -> bool:
        return not self.errors


def looks_like_phone(value) -> bool:
    if not isinstance(value, str):
        return False
    value = value.strip()
    digits = sum(ch.isdigit() for ch in value)
    letters = sum(ch.isalpha() for ch in value)
    return bool(_PHONE.match(value)) and digits >= 2 and letters <= 10


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


class _Checker:
    def __init__(self, report: Report, today: dt.date):
        self.report = report
        self.today = today

    def error(self, where: str, message: str) -> None:
        self.report.errors.append(f"{where}: {message}")

    def bilingual(self, where: str, value, required: bool = True) -> None:
        if value is None and not required:
            return
        if not isinstance(value, dict) or set(value) != set(BILINGUAL):
            self.error(where, "must be a mapping with exactly the keys en and ar")
            return
        for lang in BILINGUAL:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                self.error(where, f"'{lang}' text is missing or empty")
        if (
            isinstance(value.get("ar"), str)
            and value["ar"].strip()
            and not ARABIC_LETTER.search(normalize_letters(value["ar"]))
        ):
            self.error(where, "'ar' text contains no Arabic letters")

    def url(self, where: str, value, required: bool) -> None:
        if value is None:
            if required:
                self.error(where, "an https source URL is required")
            return
        if not isinstance(value, str) or not _URL.match(value.strip()):
            self.error(where, f"not an https URL: {value!r}")

    def dates(self, where: str, entry: dict, label: str, status) -> None:
        """``page_seen`` is required; ``checked_live`` is null or a date on or after it; neither in the future."""
        seen = _as_date(entry.get("page_seen"))
        if seen is None:
            self.error(where, f"'page_seen' must be a date YYYY-MM-DD, got {entry.get('page_seen')!r}")
        elif seen > self.today:
            self.error(where, f"'page_seen' date {seen} is in the future")
        live_value = entry.get("checked_live")
        live = _as_date(live_value)
        if live_value is not None and live is None:
            self.error(where, f"'checked_live' must be null or a date YYYY-MM-DD, got {live_value!r}")
        elif live is not None and live > self.today:
            self.error(where, f"'checked_live' date {live} is in the future")
        elif live is not None and seen is not None and live < seen:
            self.error(where, f"'checked_live' date {live} is before 'page_seen' {seen}")
        last = live or seen
        if last is not None and last <= self.today and (self.today - last).days > STALE_AFTER_DAYS:
            self.report.stale.append(f"{label} (last seen {last}, {(self.today - last).days} days ago)")
        if live_value is None:
            official = "[official] " if status == "official" else ""
            self.report.not_live.append(
                f"{official}{label.replace(' (official)', '')}: page seen {seen}, not checked live"
            )

    def status(self, where: str, value) -> None:
        if value not in STATUSES:
            self.error(where, f"status must be one of {', '.join(STATUSES)}, got {value!r}")


def _check_keys(checker: _Checker, where: str, keys: set, expected: set) -> None:
    """Report the keys a mapping lacks and the keys it should not have."""
    if missing := expected - keys:
        checker.error(where, f"missing keys: {', '.join(sorted(missing))}")
    if extra := keys - expected:
        checker.error(where, f"unknown keys: {', '.join(sorted(extra))}")


def _check_file(path: Path, data, checker: _Checker, seen_ids: dict[str, str], seen_names: dict[str, str]) -> None:
    where = path.name
    if not isinstance(data, dict):
        checker.error(where, "file must contain a mapping")
        return
    _check_keys(checker, where, set(data), TOP_KEYS)

    code = data.get("country")
    is_world = code == WORLD
    if not isinstance(code, str) or not (is_world or _COUNTRY_CODE.match(code)):
        checker.error(where, f"country must be an ISO 3166-1 alpha-2 code or WORLD, got {code!r}")
        code = str(code)
    expected_file = "world.yml" if is_world else f"{code.lower()}.yml"
    if path.name != expected_file:
        checker.error(where, f"file for country {code} must be named {expected_file}")

    checker.bilingual(f"{where}: name", data.get("name"))

    emergency = data.get("emergency_number")
    if emergency is not None:
        ewhere = f"{where}: emergency_number"
        if not isinstance(emergency, dict) or set(emergency) != EMERGENCY_KEYS:
            checker.error(ewhere, f"must be null or have exactly the keys {', '.join(sorted(EMERGENCY_KEYS))}")
        else:
            number = emergency.get("number")
            if not looks_like_phone(number):
                checker.error(ewhere, f"number does not look like a phone number: {number!r}")
            checker.status(ewhere, emergency.get("status"))
            checker.url(ewhere, emergency.get("source"), required=True)
            checker.dates(ewhere, emergency, f"{code} emergency number {number}", emergency.get("status"))

    names = data.get("names")
    nwhere = f"{where}: names"
    if not isinstance(names, dict) or set(names) != NAMES_KEYS:
        checker.error(nwhere, "must have exactly the keys en, ar, ar-latn")
    else:
        for lang in sorted(NAMES_KEYS):
            values = names.get(lang)
            if not isinstance(values, list):
                checker.error(f"{nwhere}.{lang}", "must be a list (may be empty)")
                continue
            if not values and not is_world:
                checker.error(f"{nwhere}.{lang}", "must not be empty for a country")
            for value in values:
                if not isinstance(value, str) or not value.strip():
                    checker.error(f"{nwhere}.{lang}", f"empty or non-text name {value!r}")
                    continue
                arabic = bool(ARABIC_LETTER.search(normalize_letters(value)))
                if lang == "ar" and not arabic:
                    checker.error(f"{nwhere}.ar", f"{value!r} has no Arabic letters")
                if lang != "ar" and (arabic or not _LATIN_LETTER.search(_fold(value))):
                    checker.error(f"{nwhere}.{lang}", f"{value!r} must be written in Latin letters")
                key = _fold(value)
                owner = seen_names.setdefault(key, code)
                if owner != code:
                    checker.error(f"{nwhere}.{lang}", f"{value!r} is also listed for {owner}")

    services = data.get("services")
    if not isinstance(services, list):
        checker.error(f"{where}: services", "must be a list")
        return
    checker.report.countries += 0 if is_world else 1
    for position, service in enumerate(services):
        _check_service(where, code, position, service, checker, seen_ids)


def _fold(value: str) -> str:
    value = normalize_letters(unicodedata.normalize("NFKC", value))
    value = "".join(ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
    return " ".join(value.lower().replace(".", " ").split())


def _check_service(where, code, position, service, checker: _Checker, seen_ids: dict[str, str]) -> None:
    swhere = f"{where}: services[{position}]"
    if not isinstance(service, dict):
        checker.error(swhere, "must be a mapping")
        return
    sid = service.get("id")
    if isinstance(sid, str):
        swhere = f"{where}: {sid}"
    _check_keys(checker, swhere, set(service), SERVICE_KEYS)

    prefix = "world_" if code == WORLD else f"{str(code).lower()}_"
    if not isinstance(sid, str) or not _SERVICE_ID.match(sid):
        checker.error(swhere, f"id must be lower_snake_case, got {sid!r}")
    else:
        if not sid.startswith(prefix):
            checker.error(swhere, f"id must start with {prefix!r}")
        if sid in seen_ids:
            checker.error(swhere, f"duplicate id (also in {seen_ids[sid]})")
        seen_ids[sid] = where

    kind = service.get("kind")
    if kind not in KINDS:
        checker.error(swhere, f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    checker.bilingual(f"{swhere}: name", service.get("name"))
    checker.bilingual(f"{swhere}: handles", service.get("handles"))
    # Whom the service is for, in one short note shown beside it (official entries are shown, so they need one).
    checker.bilingual(f"{swhere}: audience", service.get("audience"), required=service.get("status") == "official")
    checker.bilingual(f"{swhere}: hours", service.get("hours"), required=False)

    text = service.get("text")
    if text is not None:
        if isinstance(text, dict):
            checker.bilingual(f"{swhere}: text", text)
        elif not isinstance(text, str) or not text.strip():
            checker.error(swhere, "text must be null, a string or an {en, ar} mapping")

    checker.url(f"{swhere}: web", service.get("web"), required=False)
    checker.url(f"{swhere}: source", service.get("source"), required=True)

    phone = service.get("phone")
    if phone is not None and not isinstance(phone, str):
        checker.error(swhere, f"phone must be a quoted string or null, got {phone!r}")
    status = service.get("status")
    checker.status(swhere, status)
    if status == "official":
        if phone is not None and not looks_like_phone(phone):
            checker.error(swhere, f"phone on an official entry does not look like a phone number: {phone!r}")
        if phone is None and service.get("web") is None and text is None:
            checker.report.hidden.append(f"{sid}: official, but no phone, text or web to reach it, so never shown")

    languages = service.get("languages")
    if not isinstance(languages, list) or not languages:
        checker.error(swhere, "languages must be a non-empty list of language codes")
    else:
        for lang in languages:
            if not isinstance(lang, str) or not _LANGUAGE.match(lang):
                checker.error(swhere, f"bad language code {lang!r}")

    checker.dates(swhere, service, f"{sid} ({status})", status)
    checker.report.services += 1
    if status in checker.report.by_status:
        checker.report.by_status[status] += 1


def validate(directory=None, today: dt.date | None = None) -> Report:
    """Check every *.yml file in the folder (default: the project's directory/countries)."""
    folder = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    report = Report()
    checker = _Checker(report, today or dt.date.today())
    paths = sorted(folder.glob("*.yml"))
    if not paths:
        checker.error(str(folder), "no *.yml files found")
    if paths and not (folder / "world.yml").exists():
        checker.error(str(folder), "world.yml (the worldwide fallback) is missing")
    seen_ids: dict[str, str] = {}
    seen_names: dict[str, str] = {}
    for path in paths:
        try:
            with path.open(encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            checker.error(path.name, f"YAML syntax error: {exc}")
            continue
        _check_file(path, data, checker, seen_ids, seen_names)
    return report


def shown_problems(directory=None) -> list[str]:
    """The content check: every answer the assistant can build from the directory (each country and none, each
    topic, both languages) may show only services that are official, have a source, a way to reach them (phone,
    text or web) and a note on whom they are for; an emergency number shown must be official with a source."""
    from safe_harbour.directory import hotlines
    from safe_harbour.directory.render import PURPOSES, services_answer

    problems = set()
    data = hotlines.load(directory)
    by_id = {s["id"]: s for entry in data.values() for s in entry.get("services") or []}
    for code in sorted(hotlines.countries(directory)) + [None]:
        for purpose in sorted(PURPOSES):
            for language in ("en", "ar"):
                answer = services_answer(code, purpose, language, directory=directory)
                if not answer:
                    continue
                for sid in answer["services"]:
                    service = by_id[sid]
                    if service.get("status") != "official" or not service.get("source"):
                        problems.add(f"{sid}: shown but not official with a source")
                    if not (service.get("phone") or service.get("text") or service.get("web")):
                        problems.add(f"{sid}: shown but has no phone, text or web")
                    if not ((service.get("audience") or {}).get(language)):
                        problems.add(f"{sid}: shown without a note on whom it is for ({language})")
                number = answer.get("emergency")
                if number and code:  # only a country's answer gives an emergency number
                    emergency = data[code]["emergency_number"]
                    if emergency.get("status") != "official" or not emergency.get("source"):
                        problems.add(f"{code} emergency number {number}: shown but not official with a source")
    return sorted(problems)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Check the country directory of hotlines.")
    parser.add_argument("--dir", default=None, help="folder of country files (default: directory/countries)")
    args = parser.parse_args(argv)
    report = validate(args.dir)
    for line in report.errors:
        print(f"ERROR {line}")
    problems = shown_problems(args.dir) if report.ok else []
    for line in problems:
        print(f"CONTENT {line}")
    if report.stale:
        print(f"\nWARNING: {len(report.stale)} entries last seen more than {STALE_AFTER_DAYS} days ago:")
        for line in report.stale:
            print(f"  - {line}")
    if report.hidden:
        print(f"\nNOT SHOWN: {len(report.hidden)} official entries with no way to reach them:")
        for line in report.hidden:
            print(f"  - {line}")
    if report.not_live:
        shown = sum(1 for line in report.not_live if line.startswith("[official]"))
        print(
            f"\nNOT CHECKED LIVE: {len(report.not_live)} entries ({shown} official) were read "
            "only in a stored copy of a page. Check each on the live page and fill in checked_live before a "
            "helpline deploys:"
        )
        for line in sorted(report.not_live, key=lambda line: not line.startswith("[official]")):
            print(f"  - {line}")
    counts = ", ".join(f"{status}: {report.by_status[status]}" for status in STATUSES)
    print(
        f"\n{report.countries} countries (+ worldwide), {report.services} services ({counts}); "
        f"{len(report.errors)} errors, {len(problems)} content problems, {len(report.stale)} stale, "
        f"{len(report.not_live)} not checked live"
    )
    return 1 if report.errors or problems else 0


if __name__ == "__main__":
    sys.exit(main())
