"""Property-based tests (hypothesis) of the input guard: links, data URIs, blobs and phone numbers never
leak, whatever text surrounds them; clean text passes unchanged; any input is handled without error.
Then issue 10's classes in English and Arabic (disguised links beside a crisis, images in chunks, e-mail
addresses glued to links, personal data the old guard missed) and the over-blocking cases (the addresses
the assistant recommends, the directory's helpline numbers as written there, ordinary typos)."""

import base64
import re
import unicodedata

from hypothesis import HealthCheck, assume, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from safe_harbour import settings
from safe_harbour.directory.hotlines import read_files
from safe_harbour.privacy import links, public_suffixes
from safe_harbour.privacy.guard import OFFER_IMAGE_PAYLOAD, guard_message
from safe_harbour.privacy.phones import hotline_numbers
from safe_harbour.privacy.spans import PLACEHOLDERS

# 300 examples, or more when the profile asks for more (HYPOTHESIS_PROFILE=explore, conftest.py).
PROPERTY_SETTINGS = hsettings(
    max_examples=max(300, hsettings.default.max_examples), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Clean text: ordinary words in English, Arabic and Arabizi, ages, years, small amounts and short codes.
EN_WORDS = (
    "my daughter son child photo picture fake image someone app school teacher police report "
    "help please what do we how can I he she they it was is sent threatened money scared worried "
    "online account message phone number friend yesterday today week removed deleted shared "
    "website platform hotline advice talk safe private keep store"
).split()
AR_WORDS = (
    "بنتي ابني صورة مفبركة واحد يهدد ينشر صورها فلوس المدرسة الشرطة ساعدني كيف احذف الموقع "
    "خايفة قلقان رسالة حساب امس اليوم اسبوع بلاغ خط مساعدة نصيحة"
).split()
ARABIZI_WORDS = "bnti ebni sora fake wa7ed bihadded 3ayez a3mel eh ma3lesh mesh 3aref".split()
NUMBERS = ["14", "13", "9", "١٤", "١٣", "2019", "2023", "$500", "100", "988", "116111", "3"]
WORDS = st.sampled_from(EN_WORDS + AR_WORDS + ARABIZI_WORDS)
PUNCT = st.sampled_from(["", "", "", ",", ".", "?", "!", "،", "؟"])


@st.composite
def clean_text(draw):
    """Words with punctuation, and numbers that are never next to another number."""
    tokens = []
    for _ in range(draw(st.integers(1, 30))):
        if (
            tokens
            and not tokens[-1][0].isdigit()
            and not tokens[-1].startswith("$")
            and tokens[-1][0] not in "١٤٣"
            and draw(st.booleans())
            and draw(st.booleans())
        ):
            tokens.append(draw(st.sampled_from(NUMBERS)))
        else:
            tokens.append(draw(WORDS) + draw(PUNCT))
    return " ".join(tokens)


@st.composite
def urls(draw):
    label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
    tld = draw(st.sampled_from(["com", "org", "net", "io", "co.uk", "ae", "xyz", "ly"]))
    host = ".".join(draw(st.lists(label, min_size=1, max_size=3))) + "." + tld
    path = "/".join(
        draw(
            st.lists(
                st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~%", min_size=1, max_size=10),
                min_size=0,
                max_size=4,
            )
        )
    )
    ext = draw(st.sampled_from(["", "", ".png", ".jpg", ".pdf", ".mp4", ".html"]))
    form = draw(st.sampled_from(["scheme", "www", "path", "short"]))
    if form == "scheme":
        scheme = draw(st.sampled_from(["http", "https", "HTTPS", "ftp", "file", "hxxp"]))
        return f"{scheme}://{host}/{path}{ext}"
    if form == "www":
        return f"www.{host}/{path}{ext}"
    if form == "short":
        return (
            draw(st.sampled_from(["bit.ly", "t.co", "tinyurl.com", "goo.gl", "is.gd", "ow.ly"])) + "/" + (path or "x")
        )
    return f"{host}/{path or 'x'}{ext}"


@st.composite
def data_uris(draw):
    mime = draw(st.sampled_from(["image/png", "image/jpeg", "application/pdf", "text/plain", "", "video/mp4"]))
    payload = base64.b64encode(draw(st.binary(min_size=0, max_size=300))).decode()
    b64 = draw(st.sampled_from([";base64", ";charset=utf-8;base64", ""]))
    return f"data:{mime}{b64},{payload}"


@st.composite
def blobs(draw):
    raw = draw(st.binary(min_size=32, max_size=600))
    encoded = draw(st.sampled_from([base64.b64encode, base64.urlsafe_b64encode]))(raw).decode()
    assume(len(set(encoded)) >= 8)  # real files are not runs of one letter ("AAAA...")
    return encoded


# The directory's numbers as the directory writes them ("0800 1111", "1-800-843-5678").
DIRECTORY_NUMBERS = sorted(
    {
        str(service["phone"])
        for data in read_files().values()
        for service in (data or {}).get("services") or []
        if isinstance(service, dict) and service.get("phone") and re.fullmatch(r"[0-9 +().-]+", str(service["phone"]))
    }
)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@st.composite
def phone_numbers(draw):
    """Phone numbers in international and local forms, spaced, dashed or dotted, in three digit scripts."""
    digits = st.text("0123456789", min_size=3, max_size=4)
    groups = draw(st.lists(digits, min_size=3, max_size=4))
    if draw(st.booleans()):
        country = str(draw(st.integers(1, 999)))
        prefix = draw(st.sampled_from(["+", "00"])) + country + draw(st.sampled_from([" ", "-", ""]))
    else:
        prefix = "0"
    separator = draw(st.sampled_from([" ", "-", ".", "", " - "]))
    number = prefix + separator.join(groups)
    if draw(st.booleans()) and prefix == "0":
        number = f"({groups[0]}) " + " ".join(groups[1:])
    number = number.translate(draw(st.sampled_from([{}, ARABIC_INDIC, PERSIAN])))
    assume(_digits(number) not in hotline_numbers())
    return number


def _digits(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isdigit()).translate(
        str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
    )


def _insert(text: str, item: str, at: int, glue: str) -> str:
    words = text.split(" ")
    at = at % (len(words) + 1)
    return " ".join(words[:at] + [glue + item] + words[at:])


@PROPERTY_SETTINGS
@given(clean_text())
def test_clean_text_passes_unchanged(text):
    guarded = guard_message(text, {})
    assert guarded.text == text
    assert not guarded.refused and not guarded.removed


def _secret(item: str) -> str:
    """The part of a link, data URI or blob that must never reach the model: a data URI's payload, otherwise
    the longest run of letters and digits."""
    if item.startswith("data:"):
        return item.partition(",")[2]
    runs = sorted(re.findall(r"[A-Za-z0-9]{4,}", item), key=len, reverse=True)
    return runs[0] if runs else item


_PLACEHOLDER = re.compile("|".join(re.escape(placeholder) for placeholder in PLACEHOLDERS.values()))


def _left(guarded) -> str:
    """The guarded text without its placeholders: a path "ink" is not left in "[link]", nor "mail" in "[email]"."""
    return _PLACEHOLDER.sub(" ", guarded.text)


def _removed_everywhere(guarded, item: str) -> bool:
    secret = _secret(item)
    return guarded.refused or len(secret) < 4 or secret not in _left(guarded)


@PROPERTY_SETTINGS
@given(
    clean_text(),
    st.one_of(urls(), data_uris(), blobs()),
    st.integers(0, 40),
    st.sampled_from(["", "(", '"', "شوف", "\u200b", "\u202e"]),
)
def test_links_data_uris_and_blobs_never_leak(text, item, at, glue):
    guarded = guard_message(_insert(text, item, at, glue), {})
    assert guarded.refused or guarded.notices_after, "the family is told the link was not opened"
    assert _removed_everywhere(guarded, item)
    assert guarded.refused or re.search(r"\[(link|file|image|blob)\]", guarded.text)


@PROPERTY_SETTINGS
@given(clean_text(), phone_numbers(), st.integers(0, 40), st.sampled_from(["", "tel: ", "رقمي ", "call "]))
@example("my", "(1900) 1900 1900", 0, "")  # an area code in brackets: not a list of years
def test_phone_numbers_never_leak(text, number, at, lead):
    guarded = guard_message(_insert(text, lead + number, at, ""), {})
    assert not guarded.refused
    assert _digits(number) not in _digits(guarded.text)
    assert "[phone]" in guarded.text


@PROPERTY_SETTINGS
@given(st.text(max_size=3000), st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=4))
def test_any_input_is_handled_and_bounded(text, metadata):
    guarded = guard_message(text, metadata)
    assert len(guarded.text) <= settings.MAX_MESSAGE_CHARS
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]", guarded.text)
    assert set(guarded.metadata) <= {"language", "locale", "country"}
    if guarded.refused:
        assert guarded.text == OFFER_IMAGE_PAYLOAD


# Issue 10: each class the guard used to miss, in English and Arabic, and what it must not throw away ------

CRISIS = st.sampled_from(
    [
        "my son says he wants to kill himself",
        "my daughter wants to die",
        "he will post the pics tonight",
        "ابني يريد ان ينتحر",
        "بنتي بدها تموت",
        "رح ينشر الصور الليلة",
    ]
)
HOST = st.from_regex(r"[a-z]{3,10}\.(com|net|org|xyz|io|gg|co\.uk|ae|sa)", fullmatch=True).filter(
    lambda host: links._address_key(host) not in links.recommended_addresses()
)


@st.composite
def disguised_links(draw):
    """A link written the ways people hide one: other full stops, [.], (.), " dot ", hxxp, %xx, backslashes."""
    name, suffix = draw(HOST).split(".", 1)
    dot = draw(st.sampled_from([".", "[.]", "(.)", " dot ", " .", "\u3002", "\uff61", "\u06d4", "\u066b", "[dot]"]))
    path = draw(st.from_regex(r"[a-z0-9]{3,8}", fullmatch=True))
    scheme = draw(st.sampled_from(["", "https://", "hxxps[:]//", "https%3A%2F%2F", "https:\\\\", "http://"]))
    after = draw(st.sampled_from(["/" + path, ":8080/" + path, "?id=" + path, "/" + path + ".png"]))
    return f"{scheme}{name}{dot}{suffix}{after}", path


@PROPERTY_SETTINGS
@given(CRISIS, disguised_links(), st.booleans())
@example("my son says he wants to kill himself", ("aaa.com/ink", "ink"), False)  # "ink" is in "[link]"
def test_a_disguised_link_is_replaced_and_the_crisis_kept(crisis, link_and_path, link_first):
    link, path = link_and_path
    text = f"{link} {crisis}" if link_first else f"{crisis} {link}"
    guarded = guard_message(text, {})
    assert not guarded.refused
    assert crisis in guarded.text, "the words around the link are read"
    assert path not in _left(guarded).replace(crisis, "")
    assert "[link]" in guarded.text and guarded.notices_after


PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


@PROPERTY_SETTINGS
@given(
    st.binary(min_size=24, max_size=200),
    st.sampled_from(["b64", "hex"]),
    st.integers(4, 16),
    st.sampled_from([" ", "\n", "  ", " \n"]),
    st.sampled_from(["", "here ", "شوف ", "data :image/png;base64 , "]),
)
def test_an_image_in_chunks_never_passes(tail, encoding, size, separator, lead):
    """Base64 in chunks of 4 characters or more (the issue's were 12 and 15), hex in any chunks (bytes: 2)."""
    size = 2 if encoding == "hex" and size == 4 else size
    raw = PNG + tail
    encoded = base64.b64encode(raw).decode() if encoding == "b64" else raw.hex()
    text = lead + separator.join(encoded[i : i + size] for i in range(0, len(encoded), size))
    guarded = guard_message(text, {})
    squeezed = re.sub(r"\s", "", guarded.text)
    assert encoded[:24] not in squeezed and encoded[-24:] not in squeezed


@PROPERTY_SETTINGS
@given(
    st.from_regex(r"[a-z]{1,8}@[a-z]{2,8}\.(com|org|co)", fullmatch=True),
    st.sampled_from([",", ";", ""]),
    st.sampled_from(["www.imgur.com", "i.imgur.com/abcd", "t.me", "t.me/abcd", "10.0.0.1:8080", "pic.jpg"]),
)
def test_an_email_address_never_hides_the_link_glued_to_it(email, glue, link):
    guarded = guard_message(f"{email}{glue}{link}", {})
    assert email not in guarded.text
    assert _secret(link) not in _left(guarded)


NAMES_EN = st.sampled_from(["Sarah", "Layla", "Adam", "Zayd", "Maryam", "Noor", "Leo"])
NAMES_AR = st.sampled_from(["سارة", "ليلى", "يوسف", "زيد", "مريم", "نورة"])


@st.composite
def personal_data(draw):
    """(message, secret): a name, handle, spelled e-mail, address or phone in a way the old guard missed."""
    name, arabic = draw(NAMES_EN), draw(NAMES_AR)
    age = draw(st.integers(8, 17))
    handle = draw(st.from_regex(r"[a-z]{4,8}(_|\.)?[0-9]{2,4}", fullmatch=True))
    local = draw(st.from_regex(r"[a-z]{4,8}", fullmatch=True))
    digits = "05" + "".join(draw(st.sampled_from("0123456789")) for _ in range(8))
    return draw(
        st.sampled_from(
            [
                (f"I'm {name} and I need help", name),
                (f"hi, this is {name}", name),
                (f"my son {name} is {age}", name),
                (f"my daughter {name}, {age}, is scared", name),
                (f"انا {arabic} من دبي", arabic),
                (f"بنتي {arabic} عمرها {age}", arabic),
                (f"add me on snap {handle}", handle),
                (f"he is on instagram as {handle}", handle),
                (f"write to {local} at hotmail dot fr", local),
                (f"{local} @ gmail . com", local),
                (f"{local}[at]gmail[dot]com", local),
                (f"he lives on {name} Drive", name),
                (f"call {digits.replace('0', 'o', 1)}", digits[2:]),
                (f"رقمي {digits[:3]}o{digits[4:]}", digits[4:]),
            ]
        )
    )


@PROPERTY_SETTINGS
@given(clean_text(), personal_data(), st.integers(0, 40))
def test_personal_data_the_old_guard_missed_never_leaks(text, case, at):
    message, secret = case
    guarded = guard_message(_insert(text, message, at, ""), {})
    assert secret not in _left(guarded)
    assert not guarded.refused


# Over-blocking: what the assistant recommends, the directory's numbers and ordinary typos are kept ---------


@PROPERTY_SETTINGS
@given(
    clean_text(),
    st.sampled_from(sorted(links.recommended_addresses())),
    st.sampled_from(["", "https://", "www."]),
    st.sampled_from(["", "/"]),
    st.integers(0, 40),
)
def test_the_addresses_the_assistant_recommends_are_kept(text, address, prefix, slash, at):
    if prefix == "www." and address.startswith("www."):
        prefix = ""
    message = _insert(text, prefix + address + slash, at, "")
    guarded = guard_message(message, {})
    assert guarded.text == message and not guarded.removed


@PROPERTY_SETTINGS
@given(
    clean_text(),
    st.sampled_from(sorted(hotline_numbers()) + DIRECTORY_NUMBERS),
    st.integers(0, 40),
    st.sampled_from(["call ", "اتصل على ", "text ", "dial "]),
)
@example("my daughter daughter, 14", "988", 0, "call ")  # a training word after "my daughter" is no name
def test_the_directorys_helpline_numbers_are_kept(text, number, at, lead):
    """Beside words, ages and years (two helpline numbers in a row are read as one phone number)."""
    message = _insert(text, lead + number + ",", at, "")
    guarded = guard_message(message, {})
    assert guarded.text == message and "phone" not in guarded.removed


TYPO_WORDS = st.sampled_from(EN_WORDS + ["he", "she", "what", "then", "and", "but", "they", "we", "i"])


@PROPERTY_SETTINGS
@given(clean_text(), TYPO_WORDS, TYPO_WORDS, st.integers(0, 40))
def test_two_words_joined_by_a_full_stop_stay_text_unless_the_second_is_a_domain_ending(text, left, right, at):
    typo = f"{left}.{right}"
    message = _insert(text, typo, at, "")
    guarded = guard_message(message, {})
    if not public_suffixes.is_suffix(right) or right in public_suffixes.WORD_ENDINGS:
        assert typo in guarded.text and "link" not in guarded.removed
