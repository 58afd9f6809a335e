"""Position tests of the link detector (safe_harbour.privacy.links): (text, what it covers)."""

import pytest

from guard_cases import found
from safe_harbour.privacy import links


@pytest.mark.parametrize(
    "text, expected",
    [
        ("see https://evil.example/x now", [("https://evil.example/x", "link")]),
        ("see https://evil.example/x.", [("https://evil.example/x", "link")]),
        ("(www.evil.com)", [("www.evil.com", "link")]),
        ("he sent evil.com/abc", [("evil.com/abc", "link")]),
        ("he sent example[.]com/pic", [("example[.]com/pic", "link")]),
        ("he sent evil(.)com/abc", [("evil(.)com/abc", "link")]),
        ("he sent evil dot com/abc", [("evil dot com/abc", "link")]),
        ("he sent evil .com/abc", [("evil .com/abc", "link")]),
        ("he sent evil\u3002com/abc", [("evil\u3002com/abc", "link")]),
        ("he sent hxxps[:]//evil[.]com ok", [("hxxps[:]//evil[.]com", "link")]),
        ("he sent https%3A%2F%2Fevil.com ok", [("https%3A%2F%2Fevil.com", "link")]),
        ("he sent https:\\\\evil.com ok", [("https:\\\\evil.com", "link")]),
        ("evil.com:8080 and evil.com?x=1", [("evil.com:8080", "link"), ("evil.com?x=1", "link")]),
        ("join discord.gg/abc", [("discord.gg/abc", "link")]),
        ("xn--80ak6aa92e.com", [("xn--80ak6aa92e.com", "link")]),
        ("at [2001:db8::1] or fe80::1", [("[2001:db8::1]", "link"), ("fe80::1", "link")]),
        ("الصور على evil.com", [("evil.com", "link")]),
        ("it's on drive.google.com", [("drive.google.com", "link")]),
        ("t.me", [("t.me", "link")]),
        ("192.168.1.20:80", [("192.168.1.20:80", "link")]),
        ("the photo.jpg and IMG_2034.HEIC", [("photo.jpg", "file"), ("IMG_2034.HEIC", "file")]),
        ("in /storage/emulated/0/DCIM", [("/storage/emulated/0/DCIM", "file")]),
        ("a@b.co,www.imgur.com", [("www.imgur.com", "link")]),
        ("a@evil.com/x", [("evil.com/x", "link")]),
    ],
)
def test_links_files_and_paths_are_found_where_they_are(text, expected):
    assert found(links.find, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "I was scared.he/she said",
        "I'm scared.what now",
        "it was home.it was",
        "so.it happened",
        "I.my",
        "she saw it on /r/teenagers",
        "and/or 24/7 1.5/10",
        "e.g. node.js i.e.",
        "red dot in the photo",
        "I was scared .help me",
        "my. report",
        "a@b.co",
        "report.cybertip.org/",
        "takeitdown.ncmec.org",
        "https://hotline.ie/report",
        "www.iwf.org.uk/report",
        "instagram.com",
        "it happened on tiktok.com",
        "12:30:45",
        "version 1.2.3.4.5",
    ],
)
def test_typos_and_recommended_addresses_are_not_links(text):
    assert found(links.find, text) == []


def test_a_page_of_a_recommended_site_that_the_assistant_does_not_give_is_a_link():
    assert found(links.find, "takeitdown.ncmec.org/some/page") == [("takeitdown.ncmec.org/some/page", "link")]


def test_the_recommended_addresses_come_from_the_directory_and_the_answers():
    addresses = links.recommended_addresses()
    assert {"report.cybertip.org", "takeitdown.ncmec.org", "hotline.ie/report", "stopncii.org"} <= addresses
    assert not any("imgur" in a or "google" in a for a in addresses)
