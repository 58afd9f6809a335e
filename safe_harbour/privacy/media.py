"""Images and other encoded files typed or pasted into a message: `data:` URIs, base64 and hex.

A file may come whole, glued to a word, or cut into short chunks separated by spaces or new lines; the chunks
are read together (with the whitespace between them removed) and the whole run is one span.
"""

import re

from safe_harbour.privacy.spans import BLOB, IMAGE, Span

# How image, PDF and archive files begin, in base64 and in hex (PNG, JPEG, GIF, WebP/RIFF, PDF, ZIP, MP4/HEIC,
# BMP, TIFF).
_B64_MAGIC = (
    "iVBORw0KGgo",
    "/9j/",
    "R0lGOD",
    "UklGR",
    "JVBERi0",
    "UEsDB",
    "AAAAIGZ0eXA",
    "AAAAGGZ0eXA",
    "AAAAHGZ0eXA",
    "Qk0",
    "SUkq",
    "TU0AKg",
)
_HEX_MAGIC = ("89504e47", "ffd8ff", "47494638", "52494646", "25504446", "504b0304", "424d", "49492a00", "4d4d002a")
_HEX_FTYP = re.compile(r"0{6}[0-9a-f]{2}66747970")  # ....ftyp: MP4, MOV, HEIC

_DATA_URI = re.compile(
    r"(?<![a-z0-9])data\s*:\s*(?:[a-z0-9!#$&^_.+-]*\s*(?:/\s*[a-z0-9!#$&^_.+-]*)?\s*(?:;\s*[^\s,;]*\s*)*,|image\b)",
    re.I,
)
_TOKEN = re.compile(r"\S+")
_B64_RUN = re.compile(r"[A-Za-z0-9+/]{16,}={0,2}")
_B64URL_RUN = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
_B64_CHUNK = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_HEX_CHUNK = re.compile(r"(?:(?:\\x|0x)?[0-9a-f]{2,})+", re.I)


def find(text: str) -> list[Span]:
    spans = _data_uris(text)
    tokens = list(_TOKEN.finditer(text))
    for token in tokens:
        for run in list(_B64_RUN.finditer(token.group())) + list(_B64URL_RUN.finditer(token.group())):
            kind = _blob_kind(run.group())
            if kind:
                spans.append(Span(token.start() + run.start(), token.start() + run.end(), kind))
    spans += _chunked(tokens, _looks_encoded, _blob_kind)
    spans += _chunked(tokens, lambda t: bool(_HEX_CHUNK.fullmatch(t)), _hex_kind)
    return spans


def _data_uris(text: str) -> list[Span]:
    """A `data:` URI with what follows it: its payload, even when cut into chunks."""
    spans = []
    for match in _DATA_URI.finditer(text):
        end = match.end()
        for token in _TOKEN.finditer(text, end):
            glued = token.start() == end
            if not (
                glued
                or _looks_encoded(token.group())
                or (token.start() == match.end() + 1 and _B64_CHUNK.fullmatch(token.group()))
            ):
                break
            end = token.end()
        spans.append(Span(match.start(), end, IMAGE))
    return spans


def _chunked(tokens: list["re.Match"], is_chunk, kind_of) -> list[Span]:
    """Runs of chunk-like tokens, read as one string with the whitespace removed."""
    spans: list[Span] = []
    run: list[re.Match] = []
    for token in tokens + [None]:
        if token is not None and (is_chunk(token.group()) or _same_size_chunk(run, token.group())):
            run.append(token)
            continue
        if run:
            kind = kind_of("".join(t.group() for t in run))
            if kind:
                spans.append(Span(run[0].start(), run[-1].end(), kind))
        run = []
    return spans


def _same_size_chunk(run: list["re.Match"], token: str) -> bool:
    """Encoded files are cut into chunks of one size: a word-shaped chunk ("Rw", "abcd") inside such a run is
    part of it."""
    return (
        len(run) >= 2
        and len(token) == len(run[-1].group()) == len(run[-2].group())
        and bool(_B64_CHUNK.fullmatch(token) or _HEX_CHUNK.fullmatch(token))
    )


def _looks_encoded(token: str) -> bool:
    """A chunk of base64 rather than a word: base64 characters only, and not shaped like a word or a number
    ("hello", "Sarah", "NHS", "2019")."""
    if not _B64_CHUNK.fullmatch(token):
        return False
    if token.endswith("="):
        return True  # base64 padding: the last chunk of an encoded file
    letters = token.strip("=")
    if letters.isalpha() and (letters.islower() or letters.istitle() or (letters.isupper() and len(letters) <= 5)):
        return False
    if len(token) < 4:  # "iV", "0K": a short chunk needs a digit or a capital inside
        return any(c.isdigit() for c in token) or any(c.isupper() for c in token[1:])
    return not (letters.isdigit() and len(letters) < 8)


def _blob_kind(run: str) -> str | None:
    """IMAGE for base64 that starts like an image file, BLOB for other encoded bytes, None for words."""
    if any(run.startswith(magic) for magic in _B64_MAGIC) and len(run) >= 12:
        return IMAGE
    has_digit = any(c.isdigit() for c in run)
    has_upper = any(c.isupper() for c in run)
    has_lower = any(c.islower() for c in run)
    # 40 characters of base64 have digits and both cases; a long path of words ("young-people/child-safety")
    # has not.
    if len(run) >= 40 and ((has_digit and has_upper and has_lower) or "+" in run or run.endswith("=")):
        return BLOB
    if len(run) >= 16 and has_digit and has_upper and has_lower and "-" not in run and "_" not in run:
        return BLOB
    return None


def _hex_kind(run: str) -> str | None:
    """IMAGE for hex that starts like an image file, BLOB for a long run of hex bytes with digits and letters."""
    digits = re.sub(r"\\x|0x", "", run, flags=re.I).lower()
    if len(digits) >= 16 and (digits.startswith(_HEX_MAGIC) or _HEX_FTYP.match(digits)):
        return IMAGE
    if len(digits) >= 32 and re.search(r"[a-f]", digits) and sum(c.isdigit() for c in digits) >= len(digits) / 4:
        return BLOB
    return None
