"""Property-based tests (hypothesis) of the input guard: links, data URIs, blobs and phone numbers never
leak, whatever text surrounds them; clean text passes unchanged; any input is handled without error."""
import base64
import re
import unicodedata

from hypothesis import HealthCheck, assume, given, settings as hsettings, strategies as st

from safe_harbour import settings
from safe_harbour.privacy.guard import OFFER_IMAGE_PAYLOAD, guard_message
from safe_harbour.privacy.phones import hotline_numbers

PROPERTY_SETTINGS = hsettings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Clean text: ordinary words in English, Arabic and Arabizi, ages, years, small amounts and short codes.
EN_WORDS = ("my daughter son child photo picture fake image someone app school teacher police report "
            "help please what do we how can I he she they it was is sent threatened money scared worried "
            "online account message phone number friend yesterday today week removed deleted shared "
            "website platform hotline advice talk safe private keep store").split()
AR_WORDS = ("بنتي ابني صورة مفبركة واحد يهدد ينشر صورها فلوس المدرسة الشرطة ساعدني كيف احذف الموقع "
            "خايفة قلقان رسالة حساب امس اليوم اسبوع بلاغ خط مساعدة نصيحة").split()
ARABIZI_WORDS = "bnti ebni sora fake wa7ed bihadded 3ayez a3mel eh ma3lesh mesh 3aref".split()
NUMBERS = ["14", "13", "9", "١٤", "١٣", "2019", "2023", "$500", "100", "988", "116111", "3"]
WORDS = st.sampled_from(EN_WORDS + AR_WORDS + ARABIZI_WORDS)
PUNCT = st.sampled_from(["", "", "", ",", ".", "?", "!", "،", "؟"])


@st.composite
def clean_text(draw):
    """Words with punctuation, and numbers that are never next to another number."""
    tokens = []
    for _ in range(draw(st.integers(1, 30))):
        if tokens and not tokens[-1][0].isdigit() and not tokens[-1].startswith("$") and \
                not tokens[-1][0] in "١٤٣" and draw(st.booleans()) and draw(st.booleans()):
            tokens.append(draw(st.sampled_from(NUMBERS)))
        else:
            tokens.append(draw(WORDS) + draw(PUNCT))
    return " ".join(tokens)


@st.composite
def urls(draw):
    label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
    tld = draw(st.sampled_from(["com", "org", "net", "io", "co.uk", "ae", "xyz", "ly"]))
    host = ".".join(draw(st.lists(label, min_size=1, max_size=3))) + "." + tld
    path = "/".join(draw(st.lists(st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~%",
                                          min_size=1, max_size=10), min_size=0, max_size=4)))
    ext = draw(st.sampled_from(["", "", ".png", ".jpg", ".pdf", ".mp4", ".html"]))
    form = draw(st.sampled_from(["scheme", "www", "path", "short"]))
    if form == "scheme":
        scheme = draw(st.sampled_from(["http", "https", "HTTPS", "ftp", "file", "hxxp"]))
        return f"{scheme}://{host}/{path}{ext}"
    if form == "www":
        return f"www.{host}/{path}{ext}"
    if form == "short":
        return draw(st.sampled_from(["bit.ly", "t.co", "tinyurl.com", "goo.gl", "is.gd", "ow.ly"])) + "/" + \
            (path or "x")
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
        str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789"))


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


@PROPERTY_SETTINGS
@given(clean_text(), st.one_of(urls(), data_uris(), blobs()), st.integers(0, 40),
       st.sampled_from(["", "(", "\"", "شوف", "\u200b", "\u202e"]))
def test_links_data_uris_and_blobs_never_leak(text, item, at, glue):
    guarded = guard_message(_insert(text, item, at, glue), {})
    assert guarded.refused
    assert guarded.text == OFFER_IMAGE_PAYLOAD


@PROPERTY_SETTINGS
@given(clean_text(), phone_numbers(), st.integers(0, 40), st.sampled_from(["", "tel: ", "رقمي ", "call "]))
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
