"""Phone numbers: a broad rule for runs of digits (local, international, spaced, dashed, in Arabic-Indic
digits, with a letter o for a zero), and Google's libphonenumber for formatted and international numbers of
every region the directory covers. Ages, years, dates, amounts of money and the directory's own helpline
numbers are not phone numbers."""

import functools
import itertools
import re

import phonenumbers

from safe_harbour.privacy.disguises import zeros_for_letters
from safe_harbour.privacy.spans import PHONE, Span

_DIGIT = r"[0-9\u0660-\u0669\u06F0-\u06F9]"
_DIGIT_RUN = re.compile(
    # Groups after the first may not run into a letter, nor into a domain: "116111 3ayez" is a short code and an
    # Arabizi word, "116111 2511.ma" a short code and a site.
    rf"(?<![0-9\u0660-\u0669\u06F0-\u06F9+])\+?\(?{_DIGIT}+"
    rf"(?:[ \u00a0\-.()]{{1,3}}{_DIGIT}+(?![^\W\d_]|\.[^\W\d_]))*\)?"
)
_ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_CURRENCY_BEFORE = re.compile(
    r"(?:[$€£¥₹]|\b(?:usd|eur|gbp|aed|sar|egp|qar|kwd|jod|bhd|omr|rs|dhs?)|ريال|درهم|جنيه|دينار|دولار)\s*$",
    re.I,
)
_CURRENCY_AFTER = re.compile(
    r"^(?:[$€£¥₹](?!\s*\d)|\s*(?:(?:k|m|bn|usd|eur|gbp|aed|sar|egp|qar|kwd|jod|bhd|omr|dollars?|pounds?|"
    r"euros?|dirhams?|riyals?|rials?|dinars?|bucks|quid|gift\s?cards?)\b|ريال|درهم|دراهم|جنيه|دينار|دولار|"
    r"ليرة|الف|ألف|مليون))",
    re.I,
)
_DATE = re.compile(r"\d{4}[-.]\d{1,2}[-.]\d{1,2}|\d{1,2}[-.]\d{1,2}[-.](?:\d{2}|\d{4})")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*(?:[.,]\d{1,2})?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_AREA_CODE = re.compile(r"\(\d+\)")


def find(text: str) -> list[Span]:
    copy = zeros_for_letters(text)
    phones = [(m.start(), m.end()) for m in _DIGIT_RUN.finditer(copy.text) if _is_phone(copy.text, m.start(), m.end())]
    # libphonenumber reads formatted numbers the digit-run rule misses or cuts short ("050–123–4567"): asked
    # only when digits are left outside what that rule found, so most messages cost nothing more.
    covered = {i for start, end in phones for i in range(start, end)}
    if sum(c.isdigit() for i, c in enumerate(copy.text) if i not in covered) >= 4:
        phones += [(start, end) for start, end in _library_numbers(copy.text) if _is_phone(copy.text, start, end)]
    return [copy.span(start, end, PHONE) for start, end in phones]


# libphonenumber reads at most this many numbers per region and message, so a message of hundreds of
# numbers costs no more than one of a few.
_LIBRARY_MATCHES = 10


def _library_numbers(text: str) -> set[tuple[int, int]]:
    """Valid numbers of the directory's regions, as libphonenumber reads them (formatted, international)."""
    return {
        (match.start, match.end)
        for region in directory_regions()
        for match in itertools.islice(
            phonenumbers.PhoneNumberMatcher(
                text, region, leniency=phonenumbers.Leniency.VALID, max_tries=_LIBRARY_MATCHES
            ),
            _LIBRARY_MATCHES,
        )
    }


def _digits(text: str) -> str:
    return "".join(c for c in text.translate(_ASCII_DIGITS) if c.isdigit())


@functools.lru_cache(maxsize=1)
def _directory() -> tuple[frozenset[str], frozenset[str]]:
    """The directory's helpline and emergency numbers (digits only) and its country codes."""
    numbers: set[str] = set()
    regions: set[str] = set()
    try:
        from safe_harbour.directory.hotlines import read_files

        for data in read_files().values():
            if not isinstance(data, dict):
                continue
            if isinstance(data.get("country"), str) and len(data["country"]) == 2:
                regions.add(data["country"].upper())
            emergency = data.get("emergency_number")
            if isinstance(emergency, dict) and emergency.get("number"):
                numbers.add(str(emergency["number"]))
            for service in data.get("services") or []:
                if isinstance(service, dict) and service.get("phone"):
                    numbers.add(str(service["phone"]))
    except Exception:  # the directory is optional here: without it, long hotline numbers are scrubbed
        pass
    hotlines = frozenset(d for d in (_digits(n) for n in numbers) if len(d) >= 3)
    return hotlines, frozenset(regions)


def hotline_numbers() -> frozenset[str]:
    """Public helpline and emergency numbers (digits only) from the country directory: never scrubbed."""
    return _directory()[0]


def directory_regions() -> frozenset[str]:
    """The regions (ISO country codes) the directory covers, for libphonenumber."""
    return _directory()[1]


def _helpline_and_a_small_number(span: str) -> bool:
    """ "call 000 2019", "2019 000", "999 3 times": a helpline number next to one year or count (not more:
    "(000) 100 100" is a phone number)."""
    groups = re.findall(r"\d+", span)

    def small(group: str) -> bool:
        return bool(re.fullmatch(r"[1-9]\d{0,2}", group) or _YEAR.fullmatch(group))

    return len(groups) >= 2 and (
        ("".join(groups[:-1]) in hotline_numbers() and small(groups[-1]))
        or (small(groups[0]) and "".join(groups[1:]) in hotline_numbers())
    )


def _is_phone(text: str, start: int, end: int) -> bool:
    span = text[start:end].translate(_ASCII_DIGITS)
    digits = _digits(span)
    if len(digits) < 7:
        return False  # ages, years, short codes such as 988 or 116111
    core = span.strip(" ()-.\u00a0")
    if digits in hotline_numbers() or (not core.startswith("+") and _helpline_and_a_small_number(core)):
        return False
    if _DATE.fullmatch(core):
        return False
    if not core.startswith("0") and _THOUSANDS.fullmatch(core):
        return False
    groups = re.findall(r"\d+", core)
    # Years in a row ("2019 2020 2021"), unless the first is an area code in brackets: "(1900) 1900 1900".
    if all(_YEAR.fullmatch(g) for g in groups) and not _AREA_CODE.match(span.lstrip()):
        return False
    # An amount of money: one group of digits, or thousands in groups of three, next to a currency.
    amount_shaped = not core.startswith("0") and (
        len(groups) == 1 or bool(re.fullmatch(r"[1-9]\d{0,2}(?: \d{3})+", core))
    )
    before = text[max(0, start - 12) : start]
    after = text[end : end + 16]
    if (
        amount_shaped
        and not span.lstrip().startswith("+")
        and (_CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(after))
    ):
        return False
    return True
