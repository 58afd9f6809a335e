"""The pieces every detector shares: spans and their merging, the copies detectors search, and the public
suffix list read from the package's own snapshot with no network."""

import socket

import pytest

from safe_harbour.privacy.disguises import squeezed, undisguised, zeros_for_letters
from safe_harbour.privacy.spans import Span, apply_spans, merge


def test_overlapping_spans_become_one_of_the_more_serious_kind_and_contained_ones_take_the_outer_kind():
    assert merge([Span(0, 6, "email"), Span(2, 12, "link")]) == [Span(0, 12, "link")]
    assert merge([Span(0, 20, "email"), Span(8, 20, "link")]) == [Span(0, 20, "email")]
    assert merge([Span(0, 3, "name"), Span(5, 8, "phone")]) == [Span(0, 3, "name"), Span(5, 8, "phone")]
    assert (
        apply_spans("call 0501234567 or see evil.com/x", [Span(5, 15, "phone"), Span(23, 33, "link")])
        == "call [phone] or see [link]"
    )


@pytest.mark.parametrize(
    "text, copy",
    [
        ("evil[.]com", "evil.com"),
        ("evil dot com", "evil.com"),
        ("evil .com", "evil.com"),
        # A dot then a space ends a sentence; a space then a dot joins a real ending (the link detector then
        # still wants a path: "scared .help" stays text).
        ("my. report", "my. report"),
        ("scared .help", "scared.help"),
        ("scared .he", "scared .he"),
        ("hxxps[:]//x", "https://x"),
        ("https%3A%2F%2Fx", "https://x"),
        ("a\\b", "a/b"),
        ("sara @ gmail . com", "sara@gmail.com"),
        ("jane (at) x (dot) com", "jane@x.com"),
        ("@handle", "@handle"),
    ],
)
def test_the_undisguised_copy(text, copy):
    assert undisguised(text).text == copy


def test_a_span_in_a_copy_maps_back_to_the_original_characters():
    copy = undisguised("see evil[.]com/x now")
    start = copy.text.index("evil")
    assert copy.span(start, start + len("evil.com/x"), "link") == Span(4, 16, "link")
    chunks = squeezed("ab cd\nef")
    assert chunks.text == "abcdef" and chunks.span(1, 5, "blob") == Span(1, 7, "blob")
    assert zeros_for_letters("05o 12").text == "050 12"


def test_the_public_suffix_list_is_read_from_the_bundled_snapshot_without_network(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise AssertionError("the guard tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setenv("HOME", str(tmp_path))  # nothing may be cached in the home folder either
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "cache"))
    import importlib

    from safe_harbour.privacy import public_suffixes

    fresh = importlib.reload(public_suffixes)
    assert fresh.split("report.cybertip.org").suffix == "org"
    assert fresh.split("x.co.uk").suffix == "co.uk"
    assert fresh.split("scared.he").suffix == ""
    assert fresh.is_suffix("com") and not fresh.is_suffix("js")
    assert not any(tmp_path.rglob("*"))
