"""Helpers shared by the handoff tests: a throw-away PostgreSQL schema, and the official-number check."""
import contextlib
import os
import re
import uuid
from typing import Iterator, List, Set

import pytest

from safe_harbour.directory import store

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def postgres_schema() -> Iterator[str]:
    """A database URL whose tables all land in a new, unique schema, dropped (with everything in it) after."""
    import sqlalchemy as sa

    engine = sa.create_engine(POSTGRES_URL, future=True)
    try:
        with engine.begin() as conn:
            schema = "sh_test_" + uuid.uuid4().hex[:12]
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    except Exception as error:  # pragma: no cover - only without a PostgreSQL server
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES_URL}: {error}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


# Official numbers ---------------------------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# A run of digits with spaces, dashes or dots inside, optionally a leading "+", optionally a word in capitals
# spelled on a keypad (1-800-THE-LOST, 1.888.PREVENT).
_PHONE_LIKE = re.compile(r"(?<![\w.+])\+?\d(?:[\d \-.]*\d)?(?:[-.][A-Z]{2,})*(?![\w])")
# Numbers that are ages, durations, counts or hours, not phone numbers: said by the words around them.
_NOT_A_PHONE_AFTER = re.compile(
    r"^\s*(?:/7|%|years?|yrs?|days?|hours?|minutes?|weeks?|months?|or over|or more|عام|عامًا|عاما|سنة|سنوات|"
    r"يوم|يومًا|أيام|ساعة|ساعات|دقيقة|أسبوع|شهر|أو أكثر)"
)
_NOT_A_PHONE_BEFORE = re.compile(
    r"(?:under|over|aged?|ages|about|within|dans|سن|دون|عمرك|عمره|عمرها|من|إلى|الى|حوالي|خلال)\s*$", re.I
)


def normalise_number(number: str) -> str:
    return re.sub(r"[\s\-.+\u200e\u200f]", "", number.translate(_DIGITS)).upper()


def phone_like_numbers(text: str) -> List[str]:
    """Every phone-like number in a text (at least two digits), ages and durations left out."""
    text = (text or "").translate(_DIGITS).replace("\u200e", "").replace("\u200f", "")
    found = []
    for match in _PHONE_LIKE.finditer(text):
        number = match.group(0).strip()
        if sum(ch.isdigit() for ch in number) < 2 and not re.search(r"[A-Z]", number):
            continue
        if _NOT_A_PHONE_AFTER.match(text[match.end():]) or _NOT_A_PHONE_BEFORE.search(text[:match.start()]):
            continue
        if re.fullmatch(r"\d{1,2}-\d{1,2}", number):  # an age range ("ages 5-25")
            continue
        found.append(number)
    return found


def official_numbers() -> Set[str]:
    """Every number the directory marks official: service phones, text-message numbers, emergency numbers."""
    numbers = set()
    for entry in store.load().values():
        emergency = entry.get("emergency_number")
        if emergency and emergency.get("status") == store.OFFICIAL:
            numbers.add(normalise_number(str(emergency["number"])))
        for service in entry.get("services") or []:
            if service.get("status") != store.OFFICIAL:
                continue
            if service.get("phone"):
                numbers.add(normalise_number(str(service["phone"])))
            for text in (service.get("text") or {}).values():
                numbers.update(normalise_number(n) for n in phone_like_numbers(text))
    return numbers


def unofficial_numbers_in(text: str) -> List[str]:
    official = official_numbers()
    return [n for n in phone_like_numbers(text) if normalise_number(n) not in official]
