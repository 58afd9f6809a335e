"""Links, IP addresses, file names and paths, found in the undisguised copy of a message.

A word is a domain only when the public suffix list says its ending is one (tldextract's bundled snapshot,
never fetched), so "scared.he" stays a typo. Kept as text: the addresses the assistant itself recommends
(the directory's services, the answers' own text), a platform's bare domain ("instagram.com" names the
platform, as "instagram" does), and two everyday words joined by a full stop where the second is also a
country ending ("scared.so", "home.it"; but "t.me" is a link).
"""

import functools
import ipaddress
import re

import yaml

from safe_harbour import settings
from safe_harbour.privacy import public_suffixes
from safe_harbour.privacy.disguises import undisguised
from safe_harbour.privacy.spans import FILE, LINK, Span
from safe_harbour.text.platforms import PLATFORMS

MEDIA_EXTENSIONS = (
    "jpg jpeg jpe jfif png gif webp heic heif avif bmp tif tiff svg dng cr2 nef psd "
    "mp4 m4v mov avi mkv webm wmv flv 3gp 3g2 mpg mpeg "
    "mp3 m4a wav ogg opus aac amr "
    "pdf doc docx xls xlsx ppt pptx odt rtf txt csv "
    "zip rar 7z gz tgz apk ipa exe dmg"
).split()

_TRAILING = ".,;:!?)]}>\"'`«»“”‘’…*|،؛؟"
_SCHEME = re.compile(r"(?<![a-z0-9+.-])(?:[a-z][a-z0-9+.-]{0,30}://|(?:https?|ftp|file|content|blob):/)\S*", re.I)
_WWW = re.compile(r"(?<![a-z0-9])www\d{0,3}\.[a-z0-9-]\S*", re.I)
_PROTOCOL_RELATIVE = re.compile(r"(?:(?<=^)|(?<=[\s(\[<\"']))//[a-z0-9-]+\.[a-z]\S*", re.I)
_LABEL = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)"
_HOST = re.compile(
    rf"(?:(?P<at>@)|(?<![a-z0-9_.@-]))(?P<host>(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}}))\.?"
    r"(?P<port>:\d{1,5})?(?P<rest>[/?#]\S*)?(?![a-z0-9-])",
    re.I,
)
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.]*\d)(?::\d{1,5})?(?:[/?#]\S*)?")
_IPV6 = re.compile(r"\[?(?<![0-9a-f:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![0-9a-f:])\]?(?::\d{1,5})?", re.I)
_MEDIA_FILE = re.compile(
    # Not followed by more of a host name: "www.psd.gov.jo" is a site, "plan.psd" a file.
    r"(?<![^\s/\\.(\[\"'])[^\s/\\.]{1,255}\.(?:" + "|".join(MEDIA_EXTENSIONS) + r")(?![a-z0-9]|\.[a-z0-9])",
    re.I,
)
_PATH = re.compile(r"(?<![\w.:/\\~-])(?:[a-z]:[\\/]|\\\\|~/|/[^\s/]+/[^\s/]+)\S*", re.I)
# "/r/teenagers" names a community, as "instagram" names a platform: text, not a path.
_COMMUNITY = re.compile(r"/?r/\w+/?", re.I)


def find(text: str) -> list[Span]:
    """Spans of links and IP addresses (LINK) and of media file names and paths (FILE)."""
    copy = undisguised(text)
    spans = [copy.span(start, end, kind) for start, end, kind in _find_in(copy.text)]
    return [span for span in spans if not _spaced_bare_domain(text[span.start : span.end])]


def recommended_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names an address the assistant itself recommends ("2511.ma", "hotline.ie/report"):
    other detectors leave those characters alone (a year before "2511.ma" is not a phone number)."""
    return [
        match.span() for match in _ADDRESS_IN_TEXT.finditer(text) if _recommended(match.group(1), match.group(2) or "")
    ]


def _spaced_bare_domain(link: str) -> bool:
    """ "red dot in", "scared .help": a domain made of words and spaces needs a path, a port or a query to be
    a link ("evil dot com/abc", "evil .com/abc")."""
    return bool(re.search(r"\s", link)) and not re.search(r"[/?#:]|%3a|%2f", link, re.I)


def _find_in(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for pattern in (_SCHEME, _WWW, _PROTOCOL_RELATIVE):
        for match in pattern.finditer(text):
            end = _trim(text, match.end(), match.start())
            link = text[match.start() : end]
            if not link.lower().startswith("mailto:") and not _recommended_link(link):
                spans.append((match.start(), end, LINK))
    for match in _HOST.finditer(text):
        if _is_link(match):
            start = match.start("host")
            spans.append((start, _trim(text, match.end(), start), LINK))
    for match in _IPV4.finditer(text):
        if _is_ipv4(match.group().split(":")[0].split("/")[0]):
            spans.append((match.start(), _trim(text, match.end(), match.start()), LINK))
    for match in _IPV6.finditer(text):
        if _is_ipv6(match.group()):
            spans.append((match.start(), match.end(), LINK))
    for match in _MEDIA_FILE.finditer(text):
        spans.append((match.start(), match.end(), FILE))
    for match in _PATH.finditer(text):
        if not _COMMUNITY.fullmatch(match.group().rstrip(_TRAILING)):
            spans.append((match.start(), _trim(text, match.end(), match.start()), FILE))
    return spans


def _trim(text: str, end: int, start: int) -> int:
    """The end of a link without the punctuation that closes the sentence around it."""
    while end > start + 1 and text[end - 1] in _TRAILING:
        end -= 1
    return end


def _is_link(match: "re.Match") -> bool:
    host = match.group("host").lower()
    if re.fullmatch(r"[\d.]+", host):
        return False  # "1.5", "3.14": numbers (IPv4 addresses have their own rule)
    parts = public_suffixes.split(host)
    if not parts.suffix or not parts.domain:
        return False  # "scared.he", "e.g", "node.js": not an ending in the public suffix list
    rest = (match.group("rest") or "").rstrip(_TRAILING)
    located = bool(match.group("port") or rest.strip("/"))
    if match.group("at"):
        return located  # an e-mail address (its own detector) unless a path or port follows it
    if _recommended(host, rest):
        return False
    if not located and not parts.subdomain:
        if parts.domain in _platform_names():
            return False
        if parts.suffix in public_suffixes.WORD_ENDINGS and _is_word(parts.domain):
            return False
    return True


def _is_word(word: str) -> bool:
    """Letters only ("scared", "advice", "I"); of single letters only "a" and "I" (so "t.me" is a link)."""
    return word.isalpha() and (len(word) > 1 or word in ("a", "i"))


def is_site_domain(host: str) -> bool:
    """A registrable domain with a real ending that is not also an everyday word ("hotmail.fr", not
    "home.it")."""
    parts = public_suffixes.split(host)
    return bool(parts.domain and parts.suffix and parts.suffix not in public_suffixes.WORD_ENDINGS)


def _is_ipv4(candidate: str) -> bool:
    """A dotted IPv4 address (not a phone number written with dots: every part at most 255, no leading 0)."""
    parts = candidate.split(".")
    return all(int(p) <= 255 and (p == "0" or not p.startswith("0")) for p in parts)


def _is_ipv6(candidate: str) -> bool:
    address = re.sub(r"^\[|\](?::\d+)?$", "", candidate)
    if address.count(":") < 2 or not re.search(r"[0-9a-f]", address, re.I):
        return False
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return False
    return True


def _address_key(host: str, path: str = "") -> str:
    host = host.lower().rstrip(".")
    host = host[4:] if host.startswith("www.") else host
    path = path.split("#")[0].rstrip(_TRAILING).rstrip("/").lower()
    return host + path


def _recommended_link(link: str) -> bool:
    """A link with a scheme or "www." to an address the assistant recommends ("https://hotline.ie/report")."""
    host, _, rest = re.sub(r"^[a-z][a-z0-9+.-]*:/*", "", link, flags=re.I).partition("/")
    return _recommended(host.split(":")[0], "/" + rest if rest else "")


def _recommended(host: str, rest: str) -> bool:
    """The address is one the assistant recommends: the host itself, or exactly one of its known pages."""
    return _address_key(host, rest) in recommended_addresses()


_ADDRESS_IN_TEXT = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})(/[^\s)»\"'،,]*)?", re.I)


@functools.lru_cache(maxsize=1)
def recommended_addresses() -> frozenset[str]:
    """Hosts and pages the assistant sends families to: the directory's services (`web`) and the addresses
    written in the answers' text (data/*/responses.yml). Each host is allowed bare, each page exactly."""
    texts: list[str] = []
    try:
        from safe_harbour.directory.hotlines import read_files

        for data in read_files().values():
            for service in (data or {}).get("services") or []:
                if isinstance(service, dict) and isinstance(service.get("web"), str):
                    texts.append(service["web"])
    except Exception:  # the directory is optional here: without it, its addresses are removed like any link
        pass
    for path in sorted(settings.PROJECT_ROOT.glob("data/*/responses.yml")):
        try:
            responses = yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
        except (OSError, yaml.YAMLError, AttributeError):
            continue
        texts.extend(
            v["text"]
            for variations in responses.values()
            for v in variations or []
            if isinstance(v, dict) and isinstance(v.get("text"), str)
        )
    addresses = set()
    for match in _ADDRESS_IN_TEXT.finditer("\n".join(texts)):
        host, url_path = match.group(1), match.group(2) or ""
        if public_suffixes.split(host).suffix:
            addresses.add(_address_key(host))
            addresses.add(_address_key(host, url_path))
    return frozenset(addresses)


@functools.lru_cache(maxsize=1)
def _platform_names() -> frozenset[str]:
    """One-word platform names of the triage list (safe_harbour.text.platforms.PLATFORMS)."""
    return frozenset(name for names in PLATFORMS.values() for name in names["latin"] if name.isalpha())


def warm_up() -> int | None:
    """Read the suffix list and the recommended addresses now rather than on the first message."""
    public_suffixes.split("example.com")
    _platform_names()
    return len(recommended_addresses())
