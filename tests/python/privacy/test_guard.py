"""The input guard (safe_harbour.privacy.guard) on its own: what is refused, what is replaced, what is kept.

The tests marked "Item n" come from issue 10; each detector also has its own position tests
(test_guard_<detector>.py)."""

import base64

import pytest

from safe_harbour import settings
from safe_harbour.channels.incoming import prepare_message, valid_sender
from safe_harbour.privacy.guard import LONG_MESSAGE_NOTICE, OFFER_IMAGE_PAYLOAD, guard_message
from safe_harbour.privacy.payloads import clean_metadata, clean_payload
from safe_harbour.privacy.personal_data import scrub
from safe_harbour.privacy.shape import normalise

PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


# Images, files and links with nothing else to read: the turn becomes /offer_image -------------------------


@pytest.mark.parametrize(
    "text",
    [
        PNG_B64,
        "here it is " + PNG_B64,
        "data:image/png;base64," + PNG_B64,
        "data:,hello",
        "DATA:image/jpeg;base64,/9j/4AAQSkZJRgABAQ",
        "/9j/4AAQSkZJRgABAQEASABIAAD",
        "look at this https://imgur.com/a/xyz",
        "http://example.com",
        "ftp://files.example.org/x",
        "file:///home/me/photo.jpg",
        "www.example.com",
        "see example.com/page",
        "bit.ly/3abcd",
        "t.co/xyz",
        "imgur.com",
        "https://wa.me/123",
        "//cdn.example.net/a.png",
        "photo.jpg",
        "IMG_2034.HEIC",
        r"C:\Users\someone\Pictures\a.png",
        "/storage/emulated/0/DCIM/Camera",
        "192.168.1.20",
        "10.0.0.1:8080/x",
        "h\u200bttps://evil.example/x",  # a zero-width space does not hide a link
        "ｈｔｔｐｓ://example.com/x",  # full-width letters are normalised first
        "شوفhttps://example.com/x",
        "شوف الصورة https://i.imgur.com/abc.png",
        "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IHN0cmluZw==",
    ],
)
def test_a_turn_that_is_only_an_image_file_or_link_is_refused(text):
    guarded = guard_message(text, {"language": "en"})
    assert guarded.refused
    assert guarded.text == OFFER_IMAGE_PAYLOAD


@pytest.mark.parametrize(
    "metadata, payload",
    [
        ({"attachment": {"type": "image", "payload": {"src": "x"}}}, None),
        ({"image": "abc"}, None),
        ({"files": [{"name": "a"}]}, None),
        ({"custom": {"deep": {"link": "https://example.com/x"}}}, None),
        ({"note": PNG_B64}, None),
        ({}, {"attachment": {"url": "https://example.com/a.jpg"}}),
        ({}, {"image": PNG_B64}),
        ({}, {"photoUrl": "x"}),
        ({}, {"anything": "see https://example.com/x"}),
        ({}, {"blob": "x" * 50_000}),
    ],
)
def test_attachments_anywhere_in_the_payload_are_refused(metadata, payload):
    guarded = guard_message("hello", metadata, payload)
    assert guarded.refused and guarded.text == OFFER_IMAGE_PAYLOAD


def test_a_message_that_is_an_object_with_an_attachment_is_refused():
    guarded = guard_message({"attachment": {"type": "image", "url": "https://x.example/a.png"}}, {})
    assert guarded.refused and not guarded.not_text


def test_the_refusal_keeps_the_language_of_the_words_around_the_link():
    assert guard_message("شوف الصورة https://i.imgur.com/abc.png", {"language": "en"}).metadata["language"] == "ar"
    assert guard_message("look at this picture https://i.imgur.com/abc.png", {}).metadata["language"] == "en"
    # No words at all: the widget's hint stays (and the conversation's language otherwise).
    assert guard_message(PNG_B64, {"language": "ar"}).metadata["language"] == "ar"


# Item 1 (issue 10): a link no longer throws the message away --------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("someone posted it https://imgur.com/a/xyz", "someone posted it [link]"),
        (
            "my son says he wants to kill himself, the man sent evil.example.com/p/123",
            "my son says he wants to kill himself, the man sent [link]",
        ),
        (
            "he will post the pics tonight, he sent bit.ly/3abcd, my son wants to kill himself",
            "he will post the pics tonight, he sent [link], my son wants to kill himself",
        ),
        ("the file is report.pdf and he wants money", "the file is [file] and he wants money"),
        ("it's on drive.google.com and he is threatening us", "it's on [link] and he is threatening us"),
        ("ابني يريد ان ينتحر والرابط https://evil.example/x", "ابني يريد ان ينتحر والرابط [link]"),
        ("بنتي بتقول بدها تموت، هو بعتلي evil.com/pic", "بنتي بتقول بدها تموت، هو بعتلي [link]"),
    ],
)
def test_only_the_link_is_replaced_and_the_words_are_read(text, expected):
    guarded = guard_message(text, {})
    assert not guarded.refused
    assert guarded.text == expected


def test_the_family_is_told_after_the_answer_that_links_are_not_opened_in_their_language():
    english = guard_message("he is threatening my son, he sent https://evil.example/x", {"language": "ar"})
    arabic = guard_message("واحد يهدد ابني وبعت https://evil.example/x", {"language": "en"})
    assert english.notices_after and "link" in english.notices_after[0]
    assert arabic.notices_after and "الروابط" in arabic.notices_after[0]
    assert not english.notices and not guard_message("he is threatening my son", {}).notices_after


@pytest.mark.parametrize(
    "text",
    [
        "I already reported on report.cybertip.org/ ... he will post the pics tonight ... he wants to kill himself",
        "I was scared.he/she said she would post them",
        "I'm scared.what do I do?",
        "she saw it on /r/teenagers",
        "I used takeitdown.ncmec.org/ yesterday",
        "I reported it at hotline.ie/report",
        "we called 116111 and used www.iwf.org.uk/report",
        "it happened on instagram.com and I reported it to stopncii.org",
        "and/or 24/7 1.5/10",
        "that's weird:/ hmm",
        "COVID-19 vaccination",
        "the .jpg file",
        "red dot in the photo",
        "هل تحفظون الصور؟",
    ],
)
def test_typos_communities_and_the_addresses_the_assistant_recommends_are_kept(text):
    guarded = guard_message(text, {})
    assert not guarded.refused
    assert guarded.text == text and not guarded.removed


# Item 2: an e-mail address does not switch off the other checks for its word ----------------------------


@pytest.mark.parametrize(
    "text, secret",
    [
        ("a@b.co,www.imgur.com", "imgur"),
        ("a@b.co,i.imgur.com", "imgur"),
        ("a@b.co,photo.jpg", "photo"),
        ("a@b.co,C:\\pics\\a.png", "pics"),
        ("a@b.co,10.0.0.1:8080", "10.0.0.1"),
        ("a@b.co,t.me", "t.me"),
        ("a@b.co,t.me/evil", "t.me"),
        ("write to a@b.co/x.png", "x.png"),
        ("a@evil.com/pics/1.jpg", "pics"),
    ],
)
def test_an_email_address_does_not_hide_a_link_in_the_same_word(text, secret):
    guarded = guard_message(text, {})
    assert secret not in guarded.text
    assert "link" in guarded.removed or "file" in guarded.removed


# Item 3: an image cut into chunks, in hex, or behind a spaced data URI ----------------------------------

PNG_BYTES = base64.b64decode(PNG_B64)


@pytest.mark.parametrize(
    "text",
    [
        " ".join(PNG_B64[i : i + 12] for i in range(0, len(PNG_B64), 12)),
        "\n".join(PNG_B64[i : i + 15] for i in range(0, len(PNG_B64), 15)),
        "here " + " ".join(PNG_B64[i : i + 12] for i in range(0, len(PNG_B64), 12)),
        PNG_BYTES.hex(),
        " ".join(PNG_BYTES.hex()[i : i + 8] for i in range(0, len(PNG_BYTES.hex()), 8)),
        " ".join(PNG_BYTES.hex()[i : i + 2] for i in range(0, len(PNG_BYTES.hex()), 2)),
        "data :image/png;base64 , " + PNG_B64,
        "data : image/png ; base64 , " + " ".join(PNG_B64[i : i + 12] for i in range(0, len(PNG_B64), 12)),
    ],
)
def test_an_image_in_chunks_or_hex_never_passes(text):
    guarded = guard_message(text, {})
    assert guarded.refused and guarded.text == OFFER_IMAGE_PAYLOAD
    for i in range(0, len(PNG_B64) - 12, 12):
        assert PNG_B64[i : i + 12] not in guarded.text


def test_an_image_in_chunks_beside_a_crisis_is_removed_and_the_crisis_kept():
    chunks = " ".join(PNG_B64[i : i + 12] for i in range(0, len(PNG_B64), 12))
    guarded = guard_message(f"he posted this {chunks} and my daughter wants to die", {})
    assert guarded.text == "he posted this [image] and my daughter wants to die"


def test_a_long_image_beside_a_few_words_does_not_make_the_message_long():
    image = "data:image/png;base64," + PNG_B64 * 40
    guarded = guard_message(f"my son wants to kill himself {image}", {})
    assert guarded.text == "my son wants to kill himself [image]" and not guarded.notices


# Item 4: disguised links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "example[.]com/pic",
        "evil(.)com/abc",
        "evil dot com/abc",
        "evil .com/abc",
        "evil[dot]com/abc",
        "evil\u3002com/abc",
        "evil\uff61com/abc",
        "evil\u06d4com/abc",
        "evil\u066bcom/abc",
        "hxxps[:]//evil[.]com",
        "hxxp://evil.com/x",
        "https%3A%2F%2Fevil.com",
        "https:\\\\evil.com",
        "evil.com:8080",
        "evil.com?id=5",
        "discord.gg/abcd",
        "chat.whatsapp.com/AbCdEf",
        "xn--80ak6aa92e.com",
        "[2001:db8::1]",
        "fe80::1",
        "2001:db8:85a3::8a2e:370:7334",
        "evil.xyz",
    ],
)
def test_disguised_links_are_replaced(link):
    guarded = guard_message(f"he sent {link} to my son", {})
    assert guarded.text == "he sent [link] to my son", guarded.text
    assert "link" in guarded.removed


def test_a_bare_domain_inside_arabic_text_is_replaced():
    assert guard_message("نشر الصور على evil.com وهددنا", {}).text == "نشر الصور على [link] وهددنا"
    assert guard_message("نشر الصور علىevil.net وهددنا", {}).text == "نشر الصور على[link] وهددنا"


# Personal data: typed placeholders ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("call me on +44 20 7946 0958", "call me on [phone]"),
        ("my number is 050-123-4567", "my number is [phone]"),
        ("(555) 123-4567", "[phone]"),
        ("+971501234567", "[phone]"),
        ("00971 50 123 4567", "[phone]"),
        ("رقمي ٠٥٠١٢٣٤٥٦٧", "رقمي [phone]"),
        ("رقمي ٠٥٠ ١٢٣ ٤٥٦٧", "رقمي [phone]"),
        ("رقمي ۰۵۰۱۲۳۴۵۶۷", "رقمي [phone]"),
        ("رقمي٠٥٠١٢٣٤٥٦٧", "رقمي[phone]"),
        ("０５０１２３４５６７", "[phone]"),
        ("050.123.4567", "[phone]"),
        ("0\u200b5\u200b0\u200b1\u200b2\u200b3\u200b4\u200b5\u200b6\u200b7", "[phone]"),
    ],
)
def test_phone_numbers_are_scrubbed(text, expected):
    assert guard_message(text, {}).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "my daughter is 14",
        "بنتي عمرها ١٤ سنة",
        "she is 14 and he is 15",
        "it started in 2019",
        "between 2019 and 2023",
        "in 2019-2020",
        "on 2023-05-12",
        "on 12.05.2023",
        "he wants $5000",
        "he asked for 1,000,000",
        "he asked for 1.000.000 dollars",
        "he wants 2500000 dollars",
        "يطلب ٥٠٠٠ دولار",
        "call 988",
        "text 686868",
        "call 116111",
        "Childline on 0800 1111",
        "Kids Helpline 1800 55 1800",
        "she is 13 years old",
        "3 times",
    ],
)
def test_ages_years_amounts_and_hotlines_are_not_phone_numbers(text):
    assert guard_message(text, {}).text == text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("email me at jane.doe+x@gmail.com", "email me at [email]"),
        ("mailto:someone@example.org", "[email]"),
        ("jane (at) example (dot) com", "[email]"),
        ("بريدي someone@example.org", "بريدي [email]"),
        ("his insta @evil.one", "his insta [handle]"),
        ("his snap is badguy_99", "his snap is [handle]"),
        ("his account is john_smith.99", "his account is [handle]"),
        ("the account was hacked", "the account was hacked"),
        ("my tiktok was banned", "my tiktok was banned"),
        ("I live at 12 Baker Street", "I live at [address]"),
        ("we live at 5 Rose Lane, London", "we live at [address], London"),
        ("my address is 221b baker street", "my address is [address]"),
        ("the postcode is NW1 6XE", "the postcode is [address]"),
        ("ساكنين في شارع الملك فهد، الرياض", "ساكنين في [address]، الرياض"),
        ("عنواني حي النزهة", "عنواني [address]"),
        ("my daughter is 14 and lives on the way", "my daughter is 14 and lives on the way"),
        ("my name is Sara and my daughter is 14", "my name is [name] and my daughter is 14"),
        ("my name is sara ahmed i need help", "my name is [name] i need help"),
        ("my daughter's name is Layla", "my daughter's name is [name]"),
        ("name: Omar", "name: [name]"),
        ("a boy named Ahmed sent it", "a boy named [name] sent it"),
        ("a boy called Ahmed sent it, I called Childline", "a boy called [name] sent it, I called Childline"),
        ("my name is not important", "my name is not important"),
        ("اسمي سارة وعمري ٣٥ سنة", "اسمي [name] وعمري ٣٥ سنة"),
        ("انا اسمي محمد احمد من مصر", "انا اسمي [name] من مصر"),
        ("اسمي سمير وفي واحد بيهدد بنتي", "اسمي [name] وفي واحد بيهدد بنتي"),
        ("اسم بنتي ليلى و عمرها 14", "اسم بنتي [name] و عمرها 14"),
        ("ana esmi mona w bnti 3omrha 13", "ana esmi [name] w bnti 3omrha 13"),
        ("esmi Karim", "esmi [name]"),
    ],
)
def test_personal_data_gets_typed_placeholders(text, expected):
    assert guard_message(text, {}).text == expected


# Item 5: personal data that used to pass ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I'm Sarah and my daughter is 14", "I'm [name] and my daughter is 14"),
        ("hi, this is Sarah", "hi, this is [name]"),
        ("my son Adam is 12", "my son [name] is 12"),
        ("my son adam is 12", "my son [name] is 12"),
        ("my daughter Layla, 13, is scared", "my daughter [name], 13, is scared"),
        ("انا سارة من دبي", "انا [name] من دبي"),
        ("بنتي ليلى عمرها ١٣", "بنتي [name] عمرها ١٣"),
        ("add me on snap sarahhh22", "add me on snap [handle]"),
        ("she is on instagram as leo.2011", "she is on instagram as [handle]"),
        ("write to sara at hotmail dot fr", "write to [email]"),
        ("sara @ gmail . com", "[email]"),
        ("sara[at]gmail[dot]com", "[email]"),
        ("he lives on Maple Drive", "he lives on [address]"),
        ("we are in flat 3, 10 King's Road", "we are in [address], [address]"),
        ("call 05o 123 4567", "call [phone]"),
        ("O501234567", "[phone]"),
        ("my number is +974 5555 1234", "my number is [phone]"),
        ("call 050–123–4567 now", "call [phone] now"),
    ],
)
def test_personal_data_that_used_to_pass_is_replaced(text, expected):
    assert guard_message(text, {}).text == expected


@pytest.mark.parametrize(
    "text",
    [
        "I'm Scared and I don't know what to do",
        "I'm Suicidal",
        "this is Instagram's fault",
        "my son is 12",
        "my daughter, 13, is scared",
        "انا خايفة من اللي صار",
        "she found it on snap yesterday",
        "it is on instagram as well",
        "we were at school.it was awful",
    ],
)
def test_feelings_ages_and_platforms_are_not_taken_for_personal_data(text):
    guarded = guard_message(text, {})
    assert guarded.text == text and not guarded.removed


def test_scrub_reports_classes_not_content():
    text, found = scrub("my name is Sara, call 0501234567 or mail s@x.org, @sara99")
    assert found == {"name", "phone", "email", "handle"}
    assert "Sara" not in text and "0501234567" not in text and "s@x.org" not in text


# Shape and size -----------------------------------------------------------------------------------------


def test_invisible_bidi_and_control_characters_are_removed():
    text = "he\u202ello\u200b wo\u2066rld\x00\x07\ufeff \u200d\U000e0041"
    assert normalise(text) == "hello world"
    assert guard_message("a\r\n\r\n\r\n\r\nb\t c", {}).text == "a\n\nb c"


def test_lone_surrogates_are_removed():
    assert guard_message("abc\ud800def", {}).text == "abcdef"


def test_long_messages_are_cut_with_a_bilingual_notice():
    limit = settings.MAX_MESSAGE_CHARS
    guarded = guard_message("word " * limit, {})
    assert len(guarded.text) <= limit
    assert guarded.notices == [LONG_MESSAGE_NOTICE.format(limit=f"{limit:,}")]
    assert "too_long" in guarded.removed
    assert not guard_message("word " * 10, {}).notices


def test_a_phone_number_across_the_cut_is_not_left_half_visible():
    limit = settings.MAX_MESSAGE_CHARS
    text = "a" * (limit - 5) + " 0501234567 and more"
    guarded = guard_message(text, {})
    assert "05012" not in guarded.text and "050" not in guarded.text[-10:]


def test_a_huge_message_is_cheap_and_cut():
    guarded = guard_message("hello " * 200_000, {})
    assert len(guarded.text) <= settings.MAX_MESSAGE_CHARS and guarded.notices


# Payloads and metadata ----------------------------------------------------------------------------------


def test_button_payloads_pass_only_for_known_intents_and_entities():
    assert clean_payload("/preserve_evidence") == "/preserve_evidence"
    assert clean_payload('/switch_language{"language":"ar"}') == '/switch_language{"language":"ar"}'
    assert (
        clean_payload('/switch_language{"language":"ar","phone":"0501234567"}') == '/switch_language{"language":"ar"}'
    )
    assert clean_payload("/no_such_intent") is None
    assert clean_payload("/greet extra words") is None
    assert guard_message("/no_such_intent call 0501234567", {}).text == "no_such_intent call [phone]"
    assert guard_message("/offer_image", {}).text == "/offer_image"


def test_only_small_known_metadata_keys_are_kept():
    assert clean_metadata(
        {"language": "ar", "locale": "ar-EG", "country": "EG", "ip": "1.2.3.4", "user": {"name": "x"}}
    ) == {"language": "ar", "locale": "ar-EG", "country": "EG"}
    assert clean_metadata({"language": "x" * 50, "locale": "<script>", "country": "Egypt"}) == {}
    assert clean_metadata(["language"]) == {}
    assert guard_message("hi", {"language": "en", "trackingId": "abc"}).metadata == {"language": "en"}


def test_non_text_messages_are_flagged():
    assert guard_message(5, {}).not_text
    assert guard_message(None, {}).not_text
    assert guard_message(["a"], {}).not_text


@pytest.mark.parametrize(
    "sender, ok",
    [
        ("0123456789abcdef0123456789abcdef", True),
        ("test-sender_1", True),
        ("a", True),
        ("jane@example.org", False),
        ("0501234567", False),
        ("has space", False),
        ("", False),
        ("x" * 129, False),
        (5, False),
        (None, False),
        ("اسم", False),
    ],
)
def test_conversation_ids_must_be_opaque(sender, ok):
    assert valid_sender(sender) is ok


def test_prepare_message_is_the_guard():
    prepared = prepare_message("my name is Sara https://example.com/x", {"language": "en", "x": 1})
    assert prepared.text == "my name is [name] [link]" and prepared.metadata == {"language": "en"}
    assert prepare_message("https://example.com/x", {"language": "en"}).text == "/offer_image"


def test_a_year_before_a_recommended_address_is_not_read_as_a_phone_number():
    # Found by the property test: "2019 2511" looked like a phone number and took half of "2511.ma".
    assert guard_message("my 2019 2511.ma my my my").text == "my 2019 2511.ma my my my"
