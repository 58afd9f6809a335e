"""The input guard: what a user's message may contain before the model, the tracker store or a log sees it.

`guard_message(text, metadata, payload)` returns a `Guarded` message:

1. Shape: invisible, control, bidi-override and zero-width characters are removed, the text is NFKC-normalised
   (full-width digits and letters become ordinary ones), whitespace is tidied.
2. Images, files and links are never accepted: `data:` URIs, base64 blobs, links of any kind (with a scheme,
   `www.`, a domain with a path, short-link / image-hosting / file-sharing domains, IP addresses), file names
   and paths with a media or document extension, and attachments in any other field of the payload or
   metadata. The whole turn then becomes the payload `/offer_image` (no model guess); nothing of the
   original text is kept, except the language it was written in.
3. Personal data is replaced by typed placeholders: [email], [handle], [phone], [address], [name].
   Ages, years, dates, amounts of money and hotline numbers are not phone numbers.
4. Size: the text is cut to settings.MAX_MESSAGE_CHARS, with a short bilingual notice for the user.
5. Button payloads (`/intent{"entity": "value"}`) pass only for intents and entities of the domain; anything
   else starting with "/" is treated as ordinary text.
6. Metadata keeps only small, known keys (language, locale, country) with well-formed values.

Nothing here logs or stores anything; the module has no Rasa imports, so it is cheap to test.
"""
import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, FrozenSet, Iterable, List, Optional, Set, Text, Tuple

import yaml

from safe_harbour import settings

OFFER_IMAGE_PAYLOAD = "/offer_image"

# Reasons a message was changed. They name classes of input only, never content, so they may be logged.
IMAGE, LINK, FILE, BLOB, ATTACHMENT = "image", "link", "file", "blob", "attachment"
EMAIL, HANDLE, PHONE, ADDRESS, NAME = "email", "handle", "phone", "address", "name"
TOO_LONG, PAYLOAD = "too_long", "payload"

LONG_MESSAGE_NOTICE = (
    "Your message was long, so I read only the first {limit} characters.\n"
    "كانت رسالتك طويلة، فقرأتُ أول {limit} حرف فقط."
)
RATE_LIMITED_MESSAGE = (
    "You're sending messages faster than I can read them. Please wait a few seconds, then try again. "
    "I'm still here.\n"
    "أنت ترسل الرسائل أسرع مما أستطيع قراءتها. انتظر بضع ثوانٍ ثم حاول مرة أخرى. ما زلت هنا."
)


@dataclass
class Guarded:
    """What is left of a message after the guard."""

    text: Text
    metadata: Dict[Text, Any] = field(default_factory=dict)
    # The turn is an image, file or link offer: `text` is the `/offer_image` payload.
    refused: bool = False
    # Classes of input that were removed or replaced (see the constants above): safe to log.
    removed: FrozenSet[Text] = frozenset()
    # Short messages for the user, sent before the assistant's answer (e.g. the message was cut).
    notices: List[Text] = field(default_factory=list)
    # The text was not a string (and held no attachment): a channel may answer 400.
    not_text: bool = False


# ---------------------------------------------------------------------------------------------------------
# 1. Shape
# ---------------------------------------------------------------------------------------------------------


def _invisible_class() -> Text:
    """A regex class of every control (Cc), format (Cf) and surrogate (Cs) character except \\n and \\t,
    plus invisible fillers and the variation selectors that can smuggle hidden bytes."""
    points = set()
    for start, end in ((0, 0x30000), (0xE0000, 0xE1000)):
        for cp in range(start, end):
            if unicodedata.category(chr(cp)) in ("Cc", "Cf", "Cs") and cp not in (0x09, 0x0A):
                points.add(cp)
    points.update({0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x034F, 0x180B, 0x180C, 0x180D, 0x180F})
    points.update(range(0xE0100, 0xE01F0))  # variation selectors supplement
    points.update(range(0xFE00, 0xFE0E))  # variation selectors 1-14 (15 and 16 choose emoji style: kept)
    ranges, run_start, previous = [], None, None
    for cp in sorted(points):
        if run_start is None:
            run_start = previous = cp
        elif cp == previous + 1:
            previous = cp
        else:
            ranges.append((run_start, previous))
            run_start = previous = cp
    ranges.append((run_start, previous))

    def esc(cp: int) -> Text:
        return f"\\U{cp:08x}"

    return "[" + "".join(esc(a) if a == b else f"{esc(a)}-{esc(b)}" for a, b in ranges) + "]"


_INVISIBLE = re.compile(_invisible_class())
_HSPACE = re.compile(r"[^\S\n]+")
_MANY_NEWLINES = re.compile(r"\n\s*\n(?:\s*\n)+")


def normalise(text: Text) -> Text:
    """Remove invisible and control characters, NFKC-normalise and tidy whitespace."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.replace("\t", " ")
    text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)  # NFKC never adds them, but cheap insurance
    text = _HSPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


# ---------------------------------------------------------------------------------------------------------
# 2. Images, files and links
# ---------------------------------------------------------------------------------------------------------

# Short-link, image-hosting and file-sharing domains: refused even without a path after them.
MEDIA_DOMAINS = frozenset(
    """
    bit.ly t.co tinyurl.com goo.gl ow.ly is.gd buff.ly rebrand.ly cutt.ly shorturl.at t.ly rb.gy tiny.cc
    s.id v.gd bl.ink short.io lnkd.in fb.me wa.me t.me youtu.be amzn.to on.soundcloud.com shorte.st adf.ly
    imgur.com i.imgur.com imgbb.com ibb.co postimg.cc postimages.org imageshack.com tinypic.com
    photobucket.com flickr.com flic.kr imgbox.com pixhost.to prnt.sc gyazo.com lightshot.com
    snipboard.io imgflip.com 500px.com pinimg.com i.redd.it v.redd.it preview.redd.it giphy.com
    drive.google.com docs.google.com photos.google.com photos.app.goo.gl dropbox.com dl.dropboxusercontent.com
    db.tt onedrive.live.com 1drv.ms icloud.com mega.nz mega.co.nz mediafire.com wetransfer.com we.tl
    sendspace.com zippyshare.com box.com app.box.com pcloud.com sync.com file.io gofile.io anonfiles.com
    catbox.moe litter.catbox.moe pixeldrain.com transfer.sh 4shared.com filebin.net uploadfiles.io
    cdn.discordapp.com media.discordapp.net telegra.ph
    """.split()
)
MEDIA_EXTENSIONS = (
    "jpg jpeg jpe jfif png gif webp heic heif avif bmp tif tiff svg dng cr2 nef psd "
    "mp4 m4v mov avi mkv webm wmv flv 3gp 3g2 mpg mpeg "
    "mp3 m4a wav ogg opus aac amr "
    "pdf doc docx xls xlsx ppt pptx odt rtf txt csv "
    "zip rar 7z gz tgz apk ipa exe dmg"
).split()

_PUNCT = "()[]{}<>\"'`«»“”‘’.,;:!?،؛؟…*|"
_DATA_URI = re.compile(r"data:[a-z0-9!#$&^_.+-]*(?:/[a-z0-9!#$&^_.+-]*)?(?:;[^\s,;]*)*,", re.I)
_SCHEME = re.compile(r"(?<![a-z0-9+.-])(?:[a-z][a-z0-9+.-]{0,30}://|(?:https?|ftp|file|content|blob):/)", re.I)
_WWW = re.compile(r"(?<![a-z0-9])www\d{0,3}\.[a-z0-9-]", re.I)
_PROTOCOL_RELATIVE = re.compile(r"(?:^|[\s(\[<\"'])//[a-z0-9-]+\.[a-z]", re.I)
_DOMAIN = r"(?:[a-z0-9-]{1,63}\.)+[a-z][a-z0-9-]{1,62}"
_DOMAIN_WITH_PATH = re.compile(rf"(?<![a-z0-9.@_-]){_DOMAIN}\.?(?::\d{{1,5}})?[/\\]", re.I)
_BARE_DOMAIN = re.compile(rf"(?<![a-z0-9.@_-])({_DOMAIN})(?![a-z0-9-])", re.I)
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]*\d)")
_IPV6 = re.compile(r"(?<![0-9a-f:])(?:[0-9a-f]{1,4}:){3,7}[0-9a-f]{1,4}(?![0-9a-f:])", re.I)
_MEDIA_FILE = re.compile(
    r"(?<![^\s/\\.])[^\s/\\.]{1,255}\.(?:" + "|".join(MEDIA_EXTENSIONS) + r")(?![a-z0-9])", re.I
)
_PATH = re.compile(r"(?:^|[\s(\[<\"'])(?:[a-z]:\\|\\\\|~/|/[^\s/]+/[^\s/]+)", re.I)
_B64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_B64URL_RUN = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
_B64_MAGIC = ("iVBORw0KGgo", "/9j/", "R0lGOD", "UklGR", "JVBERi0", "UEsDB", "AAAAIGZ0eXA", "AAAAGGZ0eXA",
              "AAAAHGZ0eXA", "Qk0", "SUkq", "TU0AKg")


def _is_blob(run: Text) -> bool:
    """True for a run of base64 characters that is not a word: long, or mixed like encoded bytes."""
    if any(run.startswith(magic) for magic in _B64_MAGIC) and len(run) >= 12:
        return True
    has_digit = any(c.isdigit() for c in run)
    has_upper = any(c.isupper() for c in run)
    has_lower = any(c.islower() for c in run)
    if len(run) >= 40 and (has_digit or "+" in run or "/" in run or run.endswith("=") or (has_upper and has_lower)):
        return True
    return len(run) >= 16 and has_digit and has_upper and has_lower and "-" not in run and "_" not in run


def _media_spans(text: Text) -> List[Tuple[int, int, Text]]:
    """Spans (start, end, kind) of images, files, links and blobs in normalised text."""
    spans: List[Tuple[int, int, Text]] = []
    for token_match in re.finditer(r"\S+", text):
        token, start = token_match.group(), token_match.start()
        kind = _token_kind(token)
        if kind:
            spans.append((start, token_match.end(), kind))
    return spans


def _token_kind(token: Text) -> Optional[Text]:
    """The media class of one whitespace-separated token, or None for ordinary words."""
    if _DATA_URI.search(token) or token.lower().startswith("data:image"):
        return IMAGE
    if "@" in token and "/" not in token and EMAIL_RE.search(token):
        return None  # an e-mail address: scrubbed as [email], not a link
    if _SCHEME.search(token) and not token.lower().startswith("mailto:"):
        return LINK
    if _WWW.search(token) or _PROTOCOL_RELATIVE.search(token):
        return LINK
    if _DOMAIN_WITH_PATH.search(token) and not _looks_like_decimal_path(token):
        return LINK
    for match in _BARE_DOMAIN.finditer(token):
        if _known_media_domain(match.group(1)):
            return LINK
    if any(_is_ip(m.group()) for m in _IPV4.finditer(token)) or _IPV6.search(token):
        return LINK
    if _MEDIA_FILE.search(token) or _PATH.search(token):
        return FILE
    for run in _B64_RUN.findall(token) + _B64URL_RUN.findall(token):
        if _is_blob(run):
            return BLOB
    return None


def _is_ip(candidate: Text) -> bool:
    """A dotted IPv4 address (not a phone number written with dots: every part at most 255, no leading 0)."""
    parts = candidate.split(".")
    return all(int(p) <= 255 and (p == "0" or not p.startswith("0")) for p in parts)


def _looks_like_decimal_path(token: Text) -> bool:
    """'1.5/10' or 'v1.2/3' are numbers, not domains (a TLD never has digits only)."""
    return bool(re.fullmatch(r"[\W\d.]*\d+\.\d+/\d+[\W\d]*", token))


def _known_media_domain(domain: Text) -> bool:
    parts = domain.lower().rstrip(".").split(".")[-4:]
    return any(".".join(parts[i:]) in MEDIA_DOMAINS for i in range(len(parts) - 1))


_ATTACHMENT_WORDS = frozenset(
    """attach attachment attachments file files filename filedata image images img imgs photo photos picture
    pictures pic pics media upload uploads video videos audio voice blob blobs document documents doc docs
    base64 sticker stickers gif gifs thumbnail thumb url urls uri href src link links screenshot screenshots
    """.split()
)


def _is_attachment_key(key: Text) -> bool:
    """"attachment", "imageUrl", "file_data", "photos"... (split on case changes and separators)."""
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", key).lower()
    return any(word in _ATTACHMENT_WORDS for word in re.split(r"[^a-z0-9]+", words) if word)


_MAX_WALK = 2000


def _payload_has_media(value: Any) -> bool:
    """True if any field of a payload (bounded walk) is an attachment or holds an image, file or link."""
    stack: List[Tuple[Any, Optional[Text]]] = [(value, None)]
    seen = 0
    while stack:
        item, key = stack.pop()
        seen += 1
        if seen > _MAX_WALK:
            return True  # a huge, deeply nested payload is not a chat message
        if key is not None and _is_attachment_key(key) and item not in (None, "", [], {}, False, 0):
            return True
        if isinstance(item, dict):
            stack.extend((v, str(k)) for k, v in item.items())
            stack.extend((k, None) for k in item.keys() if isinstance(k, str))
        elif isinstance(item, (list, tuple)):
            stack.extend((v, None) for v in item)
        elif isinstance(item, str):
            if len(item) > 4 * settings.MAX_MESSAGE_CHARS or _media_spans(normalise(item)):
                return True  # a very long string in another field is a blob, not a chat message
    return False


# ---------------------------------------------------------------------------------------------------------
# 3. Personal data
# ---------------------------------------------------------------------------------------------------------

EMAIL_RE = re.compile(r"(?<![\w.+-])(?:mailto:)?[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+", re.I)
_EMAIL_SPELLED = re.compile(
    r"(?<![\w.+-])[\w.+-]{1,64}\s*(?:\(at\)|\[at\]|\{at\}|\sat\s)\s*[\w-]{1,63}"
    r"\s*(?:\(dot\)|\[dot\]|\{dot\}|\sdot\s|\.)\s*(?:com|net|org|edu|gov|co|uk|ae|sa|eg|info|me|io)\b",
    re.I,
)
_HANDLE = re.compile(r"(?<![\w@/])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_HANDLE_INTRO = re.compile(
    r"\b(?:insta(?:gram)?|ig|snap(?:chat)?|tik\s?tok|twitter|discord|telegram|kik|roblox|fortnite|steam|"
    r"psn|xbox|user\s?name|handle|gamer\s?tag|(account))(?:\s+(?:name|id|account|handle|user\s?name))?"
    r"\s*(?:is|was|:|=|-)\s*([A-Za-z0-9_.]*[A-Za-z0-9_])",
    re.I,
)
_HANDLE_STOP = {
    "a", "an", "the", "not", "private", "public", "gone", "deleted", "blocked", "fake", "new", "hacked",
    "closed", "this", "that", "it", "his", "her", "my", "called", "named", "still", "banned", "suspended",
    "locked", "stolen", "reported", "compromised", "taken", "open", "empty", "down", "now", "also", "under",
    "in", "on", "at", "run", "being", "been", "used", "using", "full", "there", "here", "so", "very", "really",
    "real", "and", "or", "but", "by", "from", "with", "for", "of", "to", "is", "was", "all", "someone",
    "something", "just", "only", "same", "different", "anonymous", "unknown", "hidden", "gone", "removed",
}


def _keep_handle(match: "re.Match") -> bool:
    value = match.group(2)
    if value.lower() in _HANDLE_STOP or value.isdigit() or len(value) < 2:
        return False
    # The bare word "account" is common ("the account was ..."): only a handle-looking value counts.
    return not match.group(1) or bool(re.search(r"[0-9_.]", value))

_DIGIT = r"[0-9\u0660-\u0669\u06F0-\u06F9]"
_PHONE = re.compile(
    # Groups after the first may not run into a letter: "116111 3ayez" is a short code and an Arabizi word.
    rf"(?<![0-9\u0660-\u0669\u06F0-\u06F9+])\+?\(?{_DIGIT}+(?:[ \u00a0\-.()]{{1,3}}{_DIGIT}+(?![^\W\d_]))*\)?"
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


@functools.lru_cache(maxsize=1)
def hotline_numbers() -> FrozenSet[Text]:
    """Public helpline and emergency numbers (digits only) from the country directory: never scrubbed."""
    numbers: Set[Text] = set()
    try:
        from safe_harbour.directory.store import read_files

        for data in read_files().values():
            if not isinstance(data, dict):
                continue
            emergency = data.get("emergency_number")
            if isinstance(emergency, dict) and emergency.get("number"):
                numbers.add(str(emergency["number"]))
            for service in data.get("services") or []:
                if isinstance(service, dict) and service.get("phone"):
                    numbers.add(str(service["phone"]))
    except Exception:  # the directory is optional here: without it, long hotline numbers are scrubbed
        pass
    return frozenset(d for d in ("".join(c for c in n if c.isdigit()) for n in numbers) if len(d) >= 3)


def _is_phone(match: "re.Match", text: Text) -> bool:
    span = match.group().translate(_ASCII_DIGITS)
    digits = "".join(c for c in span if c.isdigit())
    if len(digits) < 7:
        return False  # ages, years, short codes such as 988 or 116111
    core = span.strip(" ()-.\u00a0")
    if digits in hotline_numbers():
        return False
    if _DATE.fullmatch(core):
        return False
    if not core.startswith("0") and _THOUSANDS.fullmatch(core):
        return False
    groups = re.findall(r"\d+", core)
    if all(_YEAR.fullmatch(g) for g in groups):
        return False
    # An amount of money: one group of digits, or thousands in groups of three, next to a currency.
    amount_shaped = not core.startswith("0") and (
        len(groups) == 1 or bool(re.fullmatch(r"[1-9]\d{0,2}(?: \d{3})+", core)))
    before = text[max(0, match.start() - 12): match.start()]
    after = text[match.end(): match.end() + 16]
    if amount_shaped and not span.lstrip().startswith("+") and (
            _CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.search(after)):
        return False
    return True


_EN_STREET_TYPES = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|close|court|ct|place|pl|crescent|"
    r"terrace|square|sq|parkway|pkwy|highway|hwy|gardens|grove|mews|row"
)
_ADDRESS_STOP = {"and", "the", "is", "on", "in", "of", "to", "a", "an", "my", "her", "his", "years", "year",
                 "old", "yo", "y", "months", "days", "hours", "minutes", "times", "people", "kids",
                 "children", "photos", "pictures", "images", "messages", "texts", "but", "or", "with",
                 "for", "from", "at", "by", "this", "that", "it", "was", "were", "are", "be", "all", "one"}
_EN_STREET = re.compile(
    rf"(?<![\w-])\d{{1,5}}[a-z]?,?\s+((?:[A-Za-z'’.-]+\s+){{1,4}})(?:{_EN_STREET_TYPES})\b\.?", re.I
)
_ADDRESS_INTRO = re.compile(
    r"\b(?:(?:my|our|his|her|their|the)\s+(?:home\s+|house\s+|street\s+)?address\s*(?:is|:)?|"
    r"(?:i|we|he|she|they)\s+(?:live|lives|living|stay|stays)\s+at|address\s*:)\s*([^.\n!?؟،;]{2,80})",
    re.I,
)
_AR_ADDRESS_INTRO = re.compile(
    r"(?:عنواني|عنوانى|عنواننا|عنوانه|عنوانها|العنوان|عنوان\s+(?:البيت|المنزل|السكن))(?:\s*(?:هو|هي|:))?"
    r"\s*([^.\n!?؟،;]{2,80})"
)
_AR_STREET = re.compile(
    r"(?<![\w])(?:شارع|ش\.|حارة|زقاق|عمارة|بناية|فيلا|بلوك)\s+"
    r"(?:[^\s.،,!?؟;]+\s*){1,3}"
)
_ARABIZI_ADDRESS = re.compile(r"\b(?:3enwan[iy]|3nwan[iy]|3onwan[iy]|share3|shar3|3emara|3mara)\s+"
                              r"(?:[^\s.,!?;]+\s*){1,3}", re.I)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")

_NAME_INTRO_ANY = re.compile(
    r"\b(?:(?:my|her|his|their|our|your|the\s+\w+'?s|(?:my\s+)?(?:son|daughter|child|kid|boy|girl)'?s)\s+"
    r"(?:full\s+|first\s+|last\s+|real\s+|sur|family\s+|middle\s+)?name\s*(?:is|'s|was|:|=|-)|"
    r"name\s*:|"
    r"(?:ana\s+)?(?:esmi|esmy|ismi|ismy|esmii|esmo|esmu|ismo|ismuh|esmaha|esmha|esmaa|ismaha|esmoh)|"
    r"esm\s+(?:ibni|ebni|binti|benti|bnti|walad[iy]|ebnti|ibnti|tefl[iy]))\s+",
    re.I,
)
_NAME_INTRO_CAPITAL = re.compile(
    r"\b(?:named|call\s+me|(?:boy|girl|man|woman|guy|person|someone|somebody|kid|child|teen|teenager|"
    r"friend|classmate|student|teacher|user|account|profile|he's|she's|he\s+is|she\s+is|i\s+am|i'm|im|"
    r"who\s+is|who's|was|is)\s+called)\s+",
    re.I,
)
_AR_NAME_INTRO = re.compile(
    r"(?:(?:انا|أنا|وانا|وأنا)\s+)?(?:و?اسمي|و?إسمي|و?أسمي|و?اسمى|و?اسمه|و?اسمها|و?إسمه|و?إسمها|و?اسمو|"
    r"اسم\s+(?:ابني|ابنتي|إبني|ابنى|بنتي|بنتى|ولدي|ولدى|طفلي|طفلتي|الولد|البنت|الشخص|الرجل|الشاب|المبتز)|"
    r"يدعى|تدعى|يُدعى|تُدعى|يسمى|تسمى)(?:\s+(?:هو|هي|هى))?\s+"
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]{0,39}")
_NAME_STOP_EN = {
    "and", "i", "im", "i'm", "my", "me", "is", "am", "are", "was", "the", "a", "an", "from", "in", "on", "at",
    "of", "to", "but", "so", "not", "with", "we", "he", "she", "they", "it", "his", "her", "their", "our",
    "you", "your", "this", "that", "who", "which", "and", "or", "because", "aged", "age", "years", "year",
    "old", "yo", "please", "help", "if", "when", "what", "how", "why", "ok", "okay", "thanks", "thank",
    "hi", "hello", "also", "just", "really", "only", "here", "there", "no", "yes", "by", "for", "as", "then",
    "wa", "w", "ana", "w2na", "we2na", "anaa", "men", "min", "fe", "fi", "f", "ya", "bas", "w3omri",
    "3omri", "omri", "3omry", "sana", "snin", "sneen", "name", "names", "him", "them", "us", "cant", "can't",
    "don't", "dont", "never", "something", "someone", "anything", "nothing", "everything", "stuff", "things",
    "police", "everyone", "people", "somebody", "anybody", "nobody",
}
_NAME_STOP_AR = {
    "و", "وانا", "وأنا", "انا", "أنا", "هو", "هي", "من", "في", "فى", "عمري", "وعمري", "عمره", "وعمره",
    "عمرها", "وعمرها", "عندي", "وعندي", "بس", "لكن", "ولكن", "يا", "وهو", "وهي", "عن", "على", "الى",
    "إلى", "مع", "سنة", "سنه", "عام", "اللي", "الي", "التي", "الذي", "اسمي", "اسمه", "اسمها", "ممكن",
    "لو", "اذا", "إذا", "شكرا", "مرحبا", "السلام", "ما", "مش", "لا", "نعم", "ايوه", "وبنتي", "وابني",
    "بنتي", "ابني", "ولدي", "بنت", "ولد", "طفلي", "طفلتي", "فيه", "فيها", "واحد", "وحدة", "حد", "شخص", "احد",
    "أحد", "عندنا", "بدي", "بدنا", "عايز", "عايزة", "عاوز", "محتاج", "محتاجة", "ابغى", "أبغى", "ابي", "اريد",
    "أريد", "هذا", "هذه", "هذي", "ده", "دي", "كان", "كانت", "صار", "صارت", "حصل", "بيهدد", "يهدد", "تهدد",
    "هددني", "يبتزني", "يبتز", "نشر", "ينشر", "بعت", "ارسل", "أرسل", "صورة", "صور", "صورتي", "صورها", "صوره",
    "ساعدني", "ساعدوني", "مساعدة", "كيف", "ليش", "لماذا", "متى", "وين", "أين", "شو", "ايش", "إيش", "ايه", "إيه",
    "عشان", "علشان", "لأن", "لان", "بعد", "قبل", "الآن", "الان", "هلق", "دلوقتي", "اليوم", "امس", "أمس",
    "خايف", "خايفة", "قلقان", "قلقانة", "حاسس", "حاسة", "مرة", "كمان", "برضه", "ايضا", "أيضا", "بدون",
}


def _arabic_stop(word: Text) -> bool:
    """An Arabic word that ends a name: a common word, or "و" (and) joined to one ("وفي", "وعمري")."""
    return word in _NAME_STOP_AR or (word.startswith("و") and word[1:] in _NAME_STOP_AR)


def _name_span(text: Text, start: int, capital_only: bool, max_words: int) -> Optional[Tuple[int, int]]:
    """The span of the name that starts at `start`: up to `max_words` words, stopping at a stop word,
    punctuation or a digit. Latin names: after a capitalised first word only capitalised words follow
    ("Sara Ahmed"); a name typed in lower case is at most two words ("sara ahmed"). Introducers such as
    "named" need a capital (or Arabic letters) to start with."""
    position, end, words, first_capital = start, None, 0, None
    while words < max_words:
        match = _NAME_WORD.match(text, position)
        if not match:
            break
        word = match.group()
        lowered = word.lower().strip("'’-")
        if lowered in _NAME_STOP_EN or _arabic_stop(word):
            break
        arabic = _is_arabic(word[0])
        if capital_only and not (word[0].isupper() or arabic):
            break
        if not arabic:
            if first_capital is None:
                first_capital = word[0].isupper()
            elif first_capital and not word[0].isupper():
                break
            elif not first_capital and words >= 2:
                break
        end, words = match.end(), words + 1
        gap = re.match(r"[ \u00a0]+", text[end:end + 3])
        if not gap:
            break
        position = end + gap.end()
    return (start, end) if end else None


def _is_arabic(char: Text) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


Replacement = Tuple[int, int, Text]


def _apply(text: Text, replacements: Iterable[Replacement]) -> Text:
    """Replace non-overlapping spans (the first of overlapping ones wins)."""
    out, last = [], 0
    for start, end, placeholder in sorted(replacements, key=lambda r: (r[0], -r[1])):
        if start < last:
            continue
        out.append(text[last:start])
        out.append(placeholder)
        last = end
    out.append(text[last:])
    return "".join(out)


def _sub(pattern: "re.Pattern", text: Text, placeholder: Text, found: Set[Text], kind: Text,
         group: int = 0, keep=lambda m: True) -> Text:
    replacements = []
    for match in pattern.finditer(text):
        if keep(match):
            replacements.append((match.start(group), match.end(group), placeholder))
    if replacements:
        found.add(kind)
        text = _apply(text, replacements)
    return text


def scrub(text: Text) -> Tuple[Text, FrozenSet[Text]]:
    """Replace personal data by placeholders; returns the text and the classes replaced."""
    found: Set[Text] = set()
    text = _sub(EMAIL_RE, text, "[email]", found, EMAIL)
    text = _sub(_EMAIL_SPELLED, text, "[email]", found, EMAIL)
    text = _sub(_HANDLE, text, "[handle]", found, HANDLE)
    text = _sub(_HANDLE_INTRO, text, "[handle]", found, HANDLE, group=2, keep=_keep_handle)
    text = _sub(_PHONE, text, "[phone]", found, PHONE, keep=lambda m: _is_phone(m, text))
    text = _sub(_EN_STREET, text, "[address]", found, ADDRESS,
                keep=lambda m: not any(w.lower() in _ADDRESS_STOP for w in m.group(1).split()))
    text = _sub(_ADDRESS_INTRO, text, "[address]", found, ADDRESS, group=1, keep=_keep_address)
    text = _sub(_AR_ADDRESS_INTRO, text, "[address]", found, ADDRESS, group=1,
                keep=lambda m: not m.group(1).strip().startswith("["))
    text = _sub(_AR_STREET, text, "[address]", found, ADDRESS)
    text = _sub(_ARABIZI_ADDRESS, text, "[address]", found, ADDRESS)
    text = _sub(_POSTCODE, text, "[address]", found, ADDRESS)
    replacements = []
    for pattern, capital_only, max_words in ((_NAME_INTRO_ANY, False, 3), (_NAME_INTRO_CAPITAL, True, 3),
                                             (_AR_NAME_INTRO, False, 3)):
        for match in pattern.finditer(text):
            span = _name_span(text, match.end(), capital_only, max_words)
            if span:
                replacements.append((span[0], span[1], "[name]"))
    if replacements:
        found.add(NAME)
        text = _apply(text, replacements)
    return text, frozenset(found)


def _keep_address(match: "re.Match") -> bool:
    """'my address is ...' always; 'I live at ...' only with a number, a capital or a street word."""
    value = match.group(1).strip()
    if not value or value.startswith("["):
        return False
    if "address" in match.group(0).lower():
        return True
    return bool(re.search(rf"\d|\b[A-Z]|\b(?:{_EN_STREET_TYPES})\b", value, re.I))


# ---------------------------------------------------------------------------------------------------------
# 4-6. Size, payloads, metadata
# ---------------------------------------------------------------------------------------------------------


def cut(text: Text, limit: int) -> Text:
    """The first `limit` characters, ending at a space when one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = max(head.rfind(" "), head.rfind("\n"))
    return (head[:space] if space > limit * 0.8 else head).rstrip()


@functools.lru_cache(maxsize=1)
def domain_vocabulary() -> Tuple[FrozenSet[Text], FrozenSet[Text]]:
    """Intent and entity names of the domain (domain.yml), for validating button payloads."""
    try:
        with open(settings.PROJECT_ROOT / "domain.yml", encoding="utf-8") as f:
            domain = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError):
        return frozenset(), frozenset()

    def names(items: Any) -> FrozenSet[Text]:
        out = set()
        for item in items or []:
            out.update(item.keys() if isinstance(item, dict) else [item])
        return frozenset(str(x) for x in out)

    return names(domain.get("intents")), names(domain.get("entities"))


_PAYLOAD = re.compile(r"/([A-Za-z_][A-Za-z0-9_]{0,63})(\{.{0,500}\})?", re.S)
_ENTITY_VALUE = re.compile(r"[\w .,'’-]{1,40}")


def clean_payload(text: Text) -> Optional[Text]:
    """A button payload rebuilt from known parts, or None when `text` is not a valid payload."""
    match = _PAYLOAD.fullmatch(text)
    intents, entities = domain_vocabulary()
    if not match or match.group(1) not in intents:
        return None
    payload = "/" + match.group(1)
    if match.group(2):
        try:
            values = json.loads(match.group(2))
        except ValueError:
            values = None
        if isinstance(values, dict):
            kept = {}
            for key, value in values.items():
                if key in entities and isinstance(value, str) and _ENTITY_VALUE.fullmatch(value):
                    clean_value, _ = scrub(normalise(value))
                    kept[key] = clean_value
            if kept:
                payload += json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    return payload


KNOWN_METADATA = {
    "language": re.compile(r"[a-z]{2,3}"),
    "locale": re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}"),
    "country": re.compile(r"[A-Za-z]{2}"),
}


def clean_metadata(metadata: Any) -> Dict[Text, Text]:
    """Only small, known metadata keys with well-formed values; everything else is dropped."""
    if not isinstance(metadata, dict):
        return {}
    kept = {}
    for key, pattern in KNOWN_METADATA.items():
        value = metadata.get(key)
        if isinstance(value, str) and len(value) <= 24 and pattern.fullmatch(value):
            kept[key] = value
    return kept


def _detect_language(text: Text) -> Optional[Text]:
    try:
        from safe_harbour.text.language import detect_language

        return detect_language(text)
    except Exception:
        return None


def guard_message(text: Any, metadata: Any = None, payload: Any = None) -> Guarded:
    """Turn raw client input into the message Rasa is allowed to see (see the module docstring).

    `payload` is everything else the client sent with the message (other fields of the request body or
    socket.io event); it is only inspected for attachments, never passed on.
    """
    limit = settings.MAX_MESSAGE_CHARS
    kept_metadata = clean_metadata(metadata)
    removed: Set[Text] = set()

    extra_metadata = (
        {k: v for k, v in metadata.items() if k not in kept_metadata} if isinstance(metadata, dict) else {}
    )
    attachment = _payload_has_media(extra_metadata) or _payload_has_media(payload)
    not_text = not isinstance(text, str)
    if not_text:
        if text is not None and _payload_has_media(text):
            attachment = True
        text = ""
    if attachment:
        removed.add(ATTACHMENT)

    # Only the part that could be kept is read closely: the rest is dropped unread, so a huge message
    # costs no more than a long one. (Invisible characters may shrink the head, hence the margin.)
    raw_length = len(text)
    text = normalise(text[: 8 * limit])
    text = cut(text, 4 * limit)
    too_long = len(text) > limit or raw_length > 8 * limit
    spans = _media_spans(text)
    if spans or attachment:
        removed.update(kind for _, _, kind in spans)
        rest = _apply(text, [(s, e, " ") for s, e, _ in spans])
        rest, _ = scrub(cut(normalise(rest), limit))
        language = _detect_language(rest)
        if language:
            kept_metadata["language"] = language
        return Guarded(OFFER_IMAGE_PAYLOAD, kept_metadata, refused=True, removed=frozenset(removed))

    if text.startswith("/"):
        payload_text = clean_payload(text)
        if payload_text is not None:
            if payload_text != text:
                removed.add(PAYLOAD)
            return Guarded(payload_text, kept_metadata, removed=frozenset(removed))
        removed.add(PAYLOAD)
        text = text.lstrip("/ ")

    notices = []
    if too_long:
        removed.add(TOO_LONG)
        notices.append(LONG_MESSAGE_NOTICE.format(limit=f"{limit:,}"))
    # Scrubbed before the cut, so a phone number across the cut is not left half-visible.
    text, found = scrub(text)
    removed.update(found)
    text = cut(text, limit)
    return Guarded(text, kept_metadata, removed=frozenset(removed), notices=notices,
                   not_text=not_text and not attachment)
