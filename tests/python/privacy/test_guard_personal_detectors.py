"""Position tests of the personal-data detectors (emails, phones, handles, addresses, names): one table each."""

import pytest

from guard_cases import found
from safe_harbour.privacy import addresses, emails, handles, names, phones


@pytest.mark.parametrize(
    "text, expected",
    [
        ("mail jane.doe+x@gmail.com now", ["jane.doe+x@gmail.com"]),
        ("mailto:someone@example.org", ["mailto:someone@example.org"]),
        ("write to sara at hotmail dot fr", ["sara at hotmail dot fr"]),
        ("sara @ gmail . com", ["sara @ gmail . com"]),
        ("jane (at) example (dot) com ok", ["jane (at) example (dot) com"]),
        ("a@b.co,www.imgur.com", ["a@b.co"]),
        ("I reported it at hotline.ie/report", []),
        ("we were at school.it was", []),
    ],
)
def test_emails(text, expected):
    assert [covered for covered, _ in found(emails.find, text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("call me on +44 20 7946 0958 now", ["+44 20 7946 0958"]),
        ("call 05o 123 4567", ["05o 123 4567"]),
        ("O501234567", ["O501234567"]),
        ("رقمي ٠٥٠١٢٣٤٥٦٧", ["٠٥٠١٢٣٤٥٦٧"]),
        ("+1 (202) 555-0143", ["+1 (202) 555-0143"]),
        ("my (1900) 1900 1900", ["(1900) 1900 1900"]),  # groups shaped like years, but an area code in brackets
        ("my number +974 5555 1234.", ["+974 5555 1234"]),
        ("Childline on 0800 1111", []),
        ("call 1-800-843-5678", []),
        ("call 000 2019", []),
        ("he wants $5000 or 1,000,000", []),
        ("on 12.05.2023 and in 2019-2020", []),
        ("in 2019 2020 2021 he sent them", []),
    ],
)
def test_phones(text, expected):
    assert [covered for covered, _ in found(phones.find, text)] == expected


def test_phonenumbers_adds_formatted_numbers_for_the_directorys_regions():
    assert {"AE", "SA", "EG", "GB", "US", "QA"} <= phones.directory_regions()
    assert "08001111" in phones.hotline_numbers()
    # En dashes are not among the digit-run rule's separators; libphonenumber reads them.
    assert found(phones.find, "call 050–123–4567 now") == [("050–123–4567", "phone")]
    assert found(phones.find, "+44 (20) 7946–0958") == [("+44 (20) 7946–0958", "phone")]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("his insta @evil.one ok", ["@evil.one"]),
        ("his snap is badguy_99", ["badguy_99"]),
        ("add me on snap sarahhh22", ["sarahhh22"]),
        ("on instagram as leo.2011", ["leo.2011"]),
        ("u/sara_99 posted it", ["u/sara_99"]),
        ("the account was hacked", []),
        ("she found it on snap yesterday", []),
        ("on instagram as well", []),
        ("account 2511.ma", []),
    ],
)
def test_handles(text, expected):
    assert [covered for covered, _ in found(handles.find, text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I live at 12 Baker Street", ["12 Baker Street"]),
        ("we live at 5 Rose Lane, London", ["5 Rose Lane"]),
        ("my address is 221b baker street", ["221b baker street"]),
        ("he lives on Maple Drive", ["Maple Drive"]),
        ("flat 3, 10 King's Road", ["flat 3", "10 King's Road"]),
        ("the postcode is NW1 6XE", ["NW1 6XE"]),
        ("عنواني حي النزهة", ["حي النزهة"]),
        ("I found it on my way home", []),
    ],
)
def test_addresses(text, expected):
    assert [covered for covered, _ in found(addresses.find, text)] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my name is Sara and", ["Sara"]),
        ("I'm Sarah", ["Sarah"]),
        ("hi, this is Sarah Jones.", ["Sarah Jones"]),
        ("my son Adam is 12", ["Adam"]),
        ("my son adam is 12", ["adam"]),
        ("my daughter Layla, 13", ["Layla"]),
        ("a boy named Ahmed sent it", ["Ahmed"]),
        ("انا سارة من دبي", ["سارة"]),
        ("بنتي ليلى عمرها ١٣", ["ليلى"]),
        ("اسمي سارة وعمري ٣٥", ["سارة"]),
        ("ana esmi mona w bnti", ["mona"]),
        ("I'm Scared", []),
        ("this is Instagram's fault", []),
        ("انا خايفة من اللي صار", []),
        ("بنتي a3mel eh", []),
        ("my son is 12", []),
    ],
)
def test_names(text, expected):
    assert [covered for covered, _ in found(names.find, text)] == expected
