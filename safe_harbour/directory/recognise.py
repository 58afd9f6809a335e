"""Find which country a message names, in English, Arabic script or Arabizi.

The gazetteer is the ``names`` block of each file in ``directory/countries`` (data, edited by anyone);
this module only holds the matching rules and the few context rules for words that are also common
words or people's names (code, reviewed). Entries and messages go through the same normalisation:

* Unicode NFKC, then ``safe_harbour.text.arabic.normalize_letters`` (hamza/alef, ta marbuta, alef maksura,
  diacritics, tatweel, Arabic-Indic digits);
* Latin letters lower-cased and stripped of accents; "U.S.", "U.S.A.", "U.K.", "U.A.E." joined into one word;
  for names from the ``ar-latn`` lists only, doubled letters are also collapsed ("sa3oodiya" = "sa3odiya");
* words are runs of Latin letters/digits (so Arabizi "3iraq", "e7na" stay whole) or of Arabic letters.

Arabic words may carry attached prefixes: a conjunction (و ف), a preposition (ب ل ك) and the article ال,
with ل + ال written لل ("بمصر", "فالمغرب", "والسعودية", "للأردن", "ولبنان"). Every split is tried, together
with ``word_forms`` from ``safe_harbour.text.arabic``. A gazetteer name that starts with the article
("الأردن") matches only a word that really carries the article ("الأردن", "بالأردن", "للأردن"); a bare stem
does not, so the personal name "خليل" is not Hebron (الخليل) and "رياض الأطفال" is not Riyadh. A name without
the article also matches with one ("المصري" -> "مصري").

Arabizi words may carry a glued prefix ("flmaghrib", "l3iraq", "bmasr"); it is stripped only to match names
from the ``ar-latn`` lists and must leave at least four letters, so English words are never cut ("woman" is not
"w" + "oman": "oman" is an English-list name).

Decisions on ambiguous names (also in directory/README.md):

* "عمان" alone is both Oman and Amman (Jordan's capital). It is not in any list, so it matches nothing;
  ``find_ambiguous`` reports ("JO", "OM") so the assistant can ask. "سلطنة عمان", "مسقط", "عماني" -> OM;
  Latin "oman"/"3oman" -> OM and "amman"/"3amman" -> JO, which are unambiguous.
* "us" the pronoun is never the USA: only "USA", "U.S.", "the US", "America", "United States", "the States",
  and upper-case "US" after in/from/to (or as the whole message) count.
* "المغرب"/"maghrib" is also the sunset prayer: not Morocco after "بعد/قبل/صلاة/وقت/أذان/..." or
  "ba3d/salat/after/...", nor before "العشاء"/"prayer"; "المغرب العربي" and "the Maghreb" are the region.
* "مصر" is also "insisting": not Egypt when bare and followed by "على/ان" or preceded by a pronoun.
* English names that are also first names (Jordan, Sydney, Medina, ...) are skipped after "my son",
  "named", "my friend", "name is", ...
* Names that are also common words are not in the data lists. Two of them are matched here only after the
  separate word "في" (or as a one-word answer): جدة/جده -> SA (also "grandmother"/"his grandfather"),
  الزرقاء -> JO (also "the blue one"). Not matched at all: Jerusalem/القدس (political, several services),
  طرابلس/Tripoli (also Libya), العين (also "the eye"), المدينة alone ("the city"), صور ("pictures"),
  جنين ("fetus"), سوسة ("woodworm"), الصعيد ("level"), الرمادي ("grey"), وجدة ("he found it").
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from safe_harbour.directory import hotlines
from safe_harbour.text.arabic import normalize_letters, word_forms

_WORD = re.compile(
    r"(?P<lat>[0-9A-Za-z\u00C0-\u024F\u1E00-\u1EFF]+)|(?P<ar>[\u0621-\u064A\u066E-\u06D3\u06FA-\u06FF]+)"
)
_ABBREVIATIONS = [
    (re.compile(r"(?<![A-Za-z])u\.\s?a\.\s?e\b\.?", re.IGNORECASE), " UAE "),
    (re.compile(r"(?<![A-Za-z])u\.\s?s\.(?:\s?a\b\.?)?", re.IGNORECASE), " USA "),
    (re.compile(r"(?<![A-Za-z])u\.\s?k\.", re.IGNORECASE), " UK "),
]

_ARTICLE = "ال"
_DOUBLED = re.compile(r"(.)\1+")


def _fold_latin(word: str) -> str:
    """Lower case, no accents."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _collapse(word: str) -> str:
    """Doubled letters collapsed; used only against Arabizi names (English "aman" must not become "amman")."""
    return _DOUBLED.sub(r"\1", word)


def _latin_set(words) -> set:
    return {_fold_latin(w) for w in words}


def _arabic_prefixes() -> list[tuple[str, bool]]:
    """All conjunction + preposition + article groups, with whether they include the article."""
    groups = set()
    for conj in ("", "و", "ف"):
        for prep in ("", "ب", "ل", "ك"):
            groups.add((conj + prep, False))
            groups.add((conj + ("لل" if prep == "ل" else prep + _ARTICLE), True))
    groups.discard(("", False))
    return sorted(groups, key=lambda g: -len(g[0]))


_AR_PREFIXES = _arabic_prefixes()
# Arabizi prefixes written glued to the next word: article, "in", "with", "to", "and the".
_LATIN_PREFIXES = sorted(
    ["el", "al", "il", "l", "fel", "fil", "fl", "f", "bel", "bil", "bl", "b", "lel", "lil", "wel", "wil", "wl"],
    key=len,
    reverse=True,
)
_MIN_LATIN_STEM = 4

# Phrases that must win over a shorter country name inside them, and match nothing.
_BLOCKED = [
    "south america",
    "latin america",
    "central america",
    "north america",
    "south american",
    "latin american",
    "the maghreb",
    "maghreb region",
    "أمريكا اللاتينية",
    "امريكا اللاتينية",
    "أمريكا الجنوبية",
    "امريكا الجنوبية",
    "أمريكا الشمالية",
    "امريكا الشمالية",
    "أمريكا الوسطى",
    "المغرب العربي",
    "دول المغرب",
]
# Single words that name two places: never matched, reported by find_ambiguous.
AMBIGUOUS = {
    "عمان": ("JO", "OM"),  # Amman (Jordan's capital) or Oman
    "3man": ("JO", "OM"),
    "طرابلس": ("LB", "LY"),  # Tripoli, Lebanon, or Tripoli, Libya (Libya is not in the directory)
    "tripoli": ("LB", "LY"),
}

# Context rules -------------------------------------------------------------------------------------------
# Place names that are also everyday words: matched only after the separate word "في" (or "مدينة"), or when
# the whole message is just the name (an answer to "where are you?").
_GATED_AR = {normalize_letters(k): v for k, v in {"جدة": "SA", "جده": "SA", "الزرقاء": "JO"}.items()}
_GATE_BEFORE_AR = {normalize_letters(w) for w in ("في", "فى", "ف", "مدينة", "بمدينة", "لمدينة", "محافظة", "بمحافظة")}
_PERSON_NAMES = _latin_set({"jordan", "sydney", "adelaide", "medina", "alexandria", "petra", "oran", "riyad", "saida"})
_PERSON_CONTEXT = _latin_set(
    {
        "my",
        "our",
        "his",
        "her",
        "their",
        "your",
        "named",
        "called",
        "son",
        "daughter",
        "boy",
        "girl",
        "kid",
        "child",
        "friend",
        "brother",
        "sister",
        "cousin",
        "nephew",
        "niece",
        "student",
        "classmate",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "michael",
        "air",
        "dear",
        "hi",
        "hey",
        "baby",
        "teen",
        "teenager",
    }
)
_MAGHRIB_LATIN = _latin_set({"maghrib", "maghreb", "lmaghrib", "lmaghreb"})
_PRAYER_BEFORE_LATIN = _latin_set(
    {
        "ba3d",
        "b3d",
        "ba3ed",
        "abl",
        "2abl",
        "gabl",
        "before",
        "after",
        "salat",
        "salah",
        "sala",
        "salaat",
        "wa2t",
        "waqt",
        "adan",
        "azan",
        "athan",
        "adhan",
        "asr",
        "3asr",
        "isha",
        "3isha",
        "duhr",
        "zuhr",
        "dhuhr",
        "fajr",
        "until",
        "till",
        "hatta",
        "7atta",
        "pray",
        "praying",
    }
)
_PRAYER_AFTER_LATIN = _latin_set({"prayer", "prayers", "salah", "salat", "isha", "3isha", "time"})
_LATIN_ARTICLES = _latin_set({"el", "al", "il", "l", "the"})
_PRAYER_BEFORE_AR = {
    normalize_letters(w)
    for w in (
        "صلاة",
        "صلاه",
        "صلات",
        "بعد",
        "قبل",
        "وقت",
        "أذان",
        "اذان",
        "عند",
        "حتى",
        "لين",
        "العصر",
        "الظهر",
        "العشاء",
        "العشا",
        "الفجر",
        "عصر",
        "ظهر",
        "عشا",
        "عشاء",
        "فجر",
    )
}
_PRAYER_AFTER_AR = {normalize_letters(w) for w in ("عشاء", "عشا", "صلاة")}
_PRONOUNS_AR = {
    normalize_letters(w)
    for w in (
        "انا",
        "أنا",
        "انت",
        "إنت",
        "انتي",
        "هو",
        "هي",
        "احنا",
        "إحنا",
        "نحن",
        "انتم",
        "كنت",
        "لسه",
        "لازلت",
        "مازلت",
    )
}
_INSIST_AFTER_AR = {normalize_letters(w) for w in ("على", "علي", "ان", "أن", "انه", "إنه", "انها", "انك", "اني", "إني")}
_US_BEFORE = _latin_set({"in", "from", "to", "across", "inside", "outside"})


@dataclass(frozen=True)
class _Token:
    norm: str
    orig: str
    arabic: bool


@dataclass(frozen=True)
class _Phrase:
    tokens: tuple[str, ...]  # normalised words; the first is stored without its article if it had one
    code: str | None  # None for blocked phrases
    arabic: bool
    needs_article: bool  # Arabic: the first word carries the article in the gazetteer
    arabizi: bool  # Latin: from an ar-latn list (stored collapsed), so glued prefixes / doubled letters may vary


def tokenize(text: str) -> list[_Token]:
    """Normalised words of a message or a gazetteer entry."""
    text = normalize_letters(unicodedata.normalize("NFKC", text or ""))
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    tokens = []
    for match in _WORD.finditer(text):
        if match.group("ar"):
            tokens.append(_Token(match.group("ar"), match.group("ar"), True))
        else:
            word = match.group("lat")
            tokens.append(_Token(_fold_latin(word), word, False))
    return tokens


def _arabic_candidates(word: str) -> list[tuple[str, bool]]:
    """(stem, stem carried the article) for every way of reading prefixes off an Arabic word."""
    candidates = {(word, False)}
    for prefix, has_article in _AR_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            candidates.add((word[len(prefix) :], has_article))
    for form in word_forms(word)[1:]:
        prefix = word[: len(word) - len(form)]
        candidates.add((form, prefix.endswith(_ARTICLE) or prefix.endswith("لل")))
    return sorted(candidates, key=lambda c: (-len(c[0]), c[1]))


def _latin_candidates(word: str) -> list[tuple[str, bool]]:
    """(stem, Arabizi-only): the word itself, then forms valid only against ``ar-latn`` names: the word with
    doubled letters collapsed, and either form without a glued Arabizi prefix."""
    candidates = [(word, False)]
    collapsed = _collapse(word)
    for form in dict.fromkeys((word, collapsed)):
        if form != word:
            candidates.append((form, True))
        for prefix in _LATIN_PREFIXES:
            if form.startswith(prefix) and len(form) - len(prefix) >= _MIN_LATIN_STEM:
                candidates.append((form[len(prefix) :], True))
    return candidates


class _Matcher:
    def __init__(self, countries: dict[str, dict]):
        self.index: dict[tuple[bool, str], list[_Phrase]] = {}
        for code, entry in sorted(countries.items()):
            if code == hotlines.WORLD:
                continue
            names = entry.get("names") or {}
            for lang in ("en", "ar", "ar-latn"):
                for name in names.get(lang) or []:
                    self._add(str(name), code, arabizi=(lang == "ar-latn"))
        for name in _BLOCKED:
            self._add(name, None, arabizi=False)

    def _add(self, name: str, code: str | None, arabizi: bool) -> None:
        tokens = tokenize(name)
        if not tokens:
            return
        arabic = tokens[0].arabic
        words = [t.norm for t in tokens]
        needs_article = False
        if arabic and words[0].startswith(_ARTICLE) and len(words[0]) >= len(_ARTICLE) + 3:
            words[0] = words[0][len(_ARTICLE) :]
            needs_article = True
        if arabizi and not arabic:
            words = [_collapse(w) for w in words]
        phrase = _Phrase(tuple(words), code, arabic, needs_article, arabizi and not arabic)
        self.index.setdefault((arabic, words[0]), []).append(phrase)

    def _phrases_at(self, tokens: list[_Token], i: int):
        """(phrase, candidate stem) pairs whose words match the message from token i."""
        token = tokens[i]
        found = []
        if token.arabic:
            for stem, has_article in _arabic_candidates(token.norm):
                for phrase in self.index.get((True, stem), []):
                    if phrase.needs_article and not has_article:
                        continue
                    if self._rest_matches(tokens, i, phrase):
                        found.append((phrase, stem))
        else:
            for stem, stripped in _latin_candidates(token.norm):
                for phrase in self.index.get((False, stem), []):
                    if stripped and not phrase.arabizi:
                        continue
                    if self._rest_matches(tokens, i, phrase):
                        found.append((phrase, stem))
        return found

    @staticmethod
    def _rest_matches(tokens: list[_Token], i: int, phrase: _Phrase) -> bool:
        rest = phrase.tokens[1:]
        if i + len(phrase.tokens) > len(tokens):
            return False

        def norm(token):
            return _collapse(token.norm) if phrase.arabizi else token.norm

        return all(
            tokens[i + 1 + k].arabic == phrase.arabic and norm(tokens[i + 1 + k]) == word for k, word in enumerate(rest)
        )

    def scan(self, text: str) -> list[tuple[int, str]]:
        """All (token position, country code) found, in message order, after context rules."""
        tokens = tokenize(text)
        results = []
        i = 0
        while i < len(tokens):
            if _is_upper_us(tokens, i):
                results.append((i, "US"))
                i += 1
                continue
            matches = self._phrases_at(tokens, i)
            if not matches:
                gated = _gated_match(tokens, i)
                if gated:
                    results.append((i, gated))
                i += 1
                continue
            phrase, stem = max(matches, key=lambda m: (len(m[0].tokens), m[0].code is not None))
            if phrase.code is None:  # blocked phrase ("latin america", "المغرب العربي")
                i += len(phrase.tokens)
                continue
            if _blocked_by_context(tokens, i, phrase, stem):
                i += 1
                continue
            results.append((i, phrase.code))
            i += len(phrase.tokens)
        return results


def _gated_match(tokens: list[_Token], i: int) -> str | None:
    token = tokens[i]
    if not token.arabic or token.norm not in _GATED_AR:
        return None
    prev = _previous_word(tokens, i)
    if len(tokens) == 1 or (prev is not None and prev.arabic and prev.norm in _GATE_BEFORE_AR):
        return _GATED_AR[token.norm]
    return None


def _is_upper_us(tokens: list[_Token], i: int) -> bool:
    if tokens[i].orig != "US":
        return False
    if len(tokens) == 1:
        return True
    return i > 0 and tokens[i - 1].norm in _US_BEFORE


def _previous_word(tokens: list[_Token], i: int, skip_articles: bool = False) -> _Token | None:
    j = i - 1
    while j >= 0 and skip_articles and not tokens[j].arabic and tokens[j].norm in _LATIN_ARTICLES:
        j -= 1
    return tokens[j] if j >= 0 else None


def _blocked_by_context(tokens: list[_Token], i: int, phrase: _Phrase, stem: str) -> bool:
    end = i + len(phrase.tokens)
    nxt = tokens[end] if end < len(tokens) else None
    prev = _previous_word(tokens, i)
    word = tokens[i]
    if not phrase.arabic:
        head = phrase.tokens[0]
        if len(phrase.tokens) == 1 and head in _PERSON_NAMES and prev is not None:
            before_prev = _previous_word(tokens, i - 1)
            if prev.norm in _PERSON_CONTEXT or (prev.norm == "is" and before_prev and before_prev.norm == "name"):
                return True
        if phrase.code == "PS" and phrase.tokens[-1] == "khalil":
            return prev is not None and prev.norm in _latin_set({"ibrahim", "ebrahim", "brahim", "sayedna", "sayyidna"})
        if phrase.code == "MA" and phrase.tokens[-1] in _MAGHRIB_LATIN:
            before = _previous_word(tokens, i, skip_articles=True)
            if before is not None and not before.arabic and before.norm in _PRAYER_BEFORE_LATIN:
                return True
            if nxt is not None and not nxt.arabic and nxt.norm in _PRAYER_AFTER_LATIN:
                return True
        return False
    next_stems = {s for s, _ in _arabic_candidates(nxt.norm)} if nxt is not None and nxt.arabic else set()
    prev_norm = prev.norm if prev is not None and prev.arabic else None
    if phrase.code == "MA" and phrase.tokens == ("مغرب",):
        return prev_norm in _PRAYER_BEFORE_AR or bool(next_stems & _PRAYER_AFTER_AR)
    if phrase.code == "EG" and phrase.tokens == ("مصر",) and word.norm == "مصر":
        return bool(next_stems & _INSIST_AFTER_AR) or prev_norm in _PRONOUNS_AR
    if phrase.code == "OM" and phrase.tokens == ("مسقط",):
        return nxt is not None and nxt.arabic and nxt.norm.startswith("راس")
    if phrase.code == "QA" and phrase.tokens == ("قطر",):
        return prev_norm in {"نصف", "نص"} or bool(next_stems & {"دائره"})
    if phrase.code == "PS" and phrase.tokens == ("خليل",):
        return prev_norm in {"ابراهيم", "سيدنا"}
    return False


_matchers: dict[Path, _Matcher] = {}
_lock = threading.Lock()


def _matcher(directory=None) -> _Matcher:
    key = Path(directory).resolve() if directory is not None else hotlines.DEFAULT_DIRECTORY
    with _lock:
        if key not in _matchers:
            _matchers[key] = _Matcher(hotlines.load(directory))
        return _matchers[key]


def find_country(text: str, directory=None) -> str | None:
    """ISO code of the first country named in the message, or None."""
    found = _matcher(directory).scan(text)
    return found[0][1] if found else None


def find_countries(text: str, directory=None) -> list[str]:
    """Every country named in the message, in order, without repeats."""
    codes = []
    for _, code in _matcher(directory).scan(text):
        if code not in codes:
            codes.append(code)
    return codes


def find_ambiguous(text: str) -> tuple[str, ...] | None:
    """Codes a bare ambiguous place name could mean (e.g. "عمان" -> ("JO", "OM")), else None.

    Meant for when ``find_country`` returned None, so the assistant can ask which one.
    """
    for token in tokenize(text):
        candidates = _arabic_candidates(token.norm) if token.arabic else [(token.norm, False)]
        for stem, _ in candidates:
            if stem in AMBIGUOUS:
                return AMBIGUOUS[stem]
    return None
