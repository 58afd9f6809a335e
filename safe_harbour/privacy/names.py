"""People's names, where a message introduces them: "my name is Sara", "I'm Sarah", "this is Sarah",
"my son Adam is 12", "my daughter Layla, 13", "a boy named Ahmed", "اسمي سارة", "انا سارة من دبي",
"بنتي ليلى عمرها ١٣", "ana esmi mona".

A word the assistant's own training examples use ("scared", "suicidal", "خايفة") is never taken for a name,
so an introduction such as "I'm Scared" keeps what matters for understanding.
"""

import re

from safe_harbour.privacy.spans import NAME, Span
from safe_harbour.privacy.vocabulary import is_known_word

_ANY_CASE_INTRO = re.compile(
    r"\b(?:(?:my|her|his|their|our|your|the\s+\w+'?s|(?:my\s+)?(?:son|daughter|child|kid|boy|girl)'?s)\s+"
    r"(?:full\s+|first\s+|last\s+|real\s+|sur|family\s+|middle\s+)?name\s*(?:is|'s|was|:|=|-)|"
    r"name\s*:|"
    r"(?:ana\s+)?(?:esmi|esmy|ismi|ismy|esmii|esmo|esmu|ismo|ismuh|esmaha|esmha|esmaa|ismaha|esmoh)|"
    r"esm\s+(?:ibni|ebni|binti|benti|bnti|walad[iy]|ebnti|ibnti|tefl[iy]))\s+",
    re.I,
)
_CAPITAL_INTRO = re.compile(
    r"\b(?:named|call\s+me|(?:boy|girl|man|woman|guy|person|someone|somebody|kid|child|teen|teenager|"
    r"friend|classmate|student|teacher|user|account|profile|he's|she's|he\s+is|she\s+is|i\s+am|i'm|im|"
    r"who\s+is|who's|was|is)\s+called)\s+",
    re.I,
)
# "I'm Sarah", "this is Sarah": a capitalised word the training examples never use.
_SELF_INTRO = re.compile(r"(?:^|(?<=[\s,.!?;:(]))(?:i'm|i’m|i\s+am|im|this\s+is|it's|it’s|it\s+is)\s+", re.I)
# "my son Adam is 12", "my daughter Layla, 13".
_RELATIVE = re.compile(
    r"\b(?:my|our|her|his)\s+(?:\d{1,2}\s*(?:yo|y/o|year\s+old|-year-old)\s+)?(?:son|daughter|child|kid|boy|girl|"
    r"brother|sister|nephew|niece|stepson|stepdaughter|grandson|granddaughter)\s+",
    re.I,
)
_AGE_AFTER = re.compile(r"(?:\s+(?:is|was|who\s+is|aged?)\s+|\s*,\s*|\s*\(\s*)\d{1,2}\b", re.I)
_AR_INTRO = re.compile(
    r"(?:(?:انا|أنا|وانا|وأنا)\s+)?(?:و?اسمي|و?إسمي|و?أسمي|و?اسمى|و?اسمه|و?اسمها|و?إسمه|و?إسمها|و?اسمو|"
    r"اسم\s+(?:ابني|ابنتي|إبني|ابنى|بنتي|بنتى|ولدي|ولدى|طفلي|طفلتي|الولد|البنت|الشخص|الرجل|الشاب|المبتز)|"
    r"يدعى|تدعى|يُدعى|تُدعى|يسمى|تسمى)(?:\s+(?:هو|هي|هى))?\s+"
)
# "انا سارة من دبي": "I" and one word before "from" or "in".
_AR_SELF = re.compile(r"(?:^|(?<=\s))(?:انا|أنا|وانا|وأنا)\s+([\u0621-\u064a]+)(?=\s+(?:من|في|فى)\s)")
# "بنتي ليلى عمرها ١٣": a child and one word before an age.
_AR_RELATIVE = re.compile(
    r"(?:^|(?<=\s))و?(?:ابني|ابنتي|إبني|بنتي|ولدي|طفلي|طفلتي|اخوي|أخوي|اختي|أختي)\s+([\u0621-\u064a]+)"
    r"(?=\s*(?:،|,)?\s*(?:عمره|عمرها|[0-9٠-٩]))"
)
_NAME_WORD = re.compile(r"[^\W\d_][\w'’-]{0,39}")
_STOP_EN = {
    "and",
    "i",
    "im",
    "i'm",
    "my",
    "me",
    "is",
    "am",
    "are",
    "was",
    "the",
    "a",
    "an",
    "from",
    "in",
    "on",
    "at",
    "of",
    "to",
    "but",
    "so",
    "not",
    "with",
    "we",
    "he",
    "she",
    "they",
    "it",
    "his",
    "her",
    "their",
    "our",
    "you",
    "your",
    "this",
    "that",
    "who",
    "which",
    "or",
    "because",
    "aged",
    "age",
    "years",
    "year",
    "old",
    "yo",
    "please",
    "help",
    "if",
    "when",
    "what",
    "how",
    "why",
    "ok",
    "okay",
    "thanks",
    "thank",
    "hi",
    "hello",
    "also",
    "just",
    "really",
    "only",
    "here",
    "there",
    "no",
    "yes",
    "by",
    "for",
    "as",
    "then",
    "wa",
    "w",
    "ana",
    "w2na",
    "we2na",
    "anaa",
    "men",
    "min",
    "fe",
    "fi",
    "f",
    "ya",
    "bas",
    "w3omri",
    "3omri",
    "omri",
    "3omry",
    "sana",
    "snin",
    "sneen",
    "name",
    "names",
    "him",
    "them",
    "us",
    "cant",
    "can't",
    "don't",
    "dont",
    "never",
    "something",
    "someone",
    "anything",
    "nothing",
    "everything",
    "stuff",
    "things",
    "police",
    "everyone",
    "people",
    "somebody",
    "anybody",
    "nobody",
}
_STOP_AR = {
    "و",
    "وانا",
    "وأنا",
    "انا",
    "أنا",
    "هو",
    "هي",
    "من",
    "في",
    "فى",
    "عمري",
    "وعمري",
    "عمره",
    "وعمره",
    "عمرها",
    "وعمرها",
    "عندي",
    "وعندي",
    "بس",
    "لكن",
    "ولكن",
    "يا",
    "وهو",
    "وهي",
    "عن",
    "على",
    "الى",
    "إلى",
    "مع",
    "سنة",
    "سنه",
    "عام",
    "اللي",
    "الي",
    "التي",
    "الذي",
    "اسمي",
    "اسمه",
    "اسمها",
    "ممكن",
    "لو",
    "اذا",
    "إذا",
    "شكرا",
    "مرحبا",
    "السلام",
    "ما",
    "مش",
    "لا",
    "نعم",
    "ايوه",
    "وبنتي",
    "وابني",
    "بنتي",
    "ابني",
    "ولدي",
    "بنت",
    "ولد",
    "طفلي",
    "طفلتي",
    "فيه",
    "فيها",
    "واحد",
    "وحدة",
    "حد",
    "شخص",
    "احد",
    "أحد",
    "عندنا",
    "بدي",
    "بدنا",
    "عايز",
    "عايزة",
    "عاوز",
    "محتاج",
    "محتاجة",
    "ابغى",
    "أبغى",
    "ابي",
    "اريد",
    "أريد",
    "هذا",
    "هذه",
    "هذي",
    "ده",
    "دي",
    "كان",
    "كانت",
    "صار",
    "صارت",
    "حصل",
    "بيهدد",
    "يهدد",
    "تهدد",
    "هددني",
    "يبتزني",
    "يبتز",
    "نشر",
    "ينشر",
    "بعت",
    "ارسل",
    "أرسل",
    "صورة",
    "صور",
    "صورتي",
    "صورها",
    "صوره",
    "ساعدني",
    "ساعدوني",
    "مساعدة",
    "كيف",
    "ليش",
    "لماذا",
    "متى",
    "وين",
    "أين",
    "شو",
    "ايش",
    "إيش",
    "ايه",
    "إيه",
    "عشان",
    "علشان",
    "لأن",
    "لان",
    "بعد",
    "قبل",
    "الآن",
    "الان",
    "هلق",
    "دلوقتي",
    "اليوم",
    "امس",
    "أمس",
    "خايف",
    "خايفة",
    "قلقان",
    "قلقانة",
    "حاسس",
    "حاسة",
    "مرة",
    "كمان",
    "برضه",
    "ايضا",
    "أيضا",
    "بدون",
    "ام",
    "أم",
    "اب",
    "أب",
    "ابو",
    "أبو",
    "والد",
    "والدة",
    "هنا",
    "مو",
    "مب",
    "موجود",
    "موجودة",
    "ساكن",
    "ساكنة",
}


def find(text: str) -> list[Span]:
    spans = []
    for pattern, capital_only in ((_ANY_CASE_INTRO, False), (_CAPITAL_INTRO, True), (_AR_INTRO, False)):
        for match in pattern.finditer(text):
            span = _name_span(text, match.end(), capital_only, max_words=3)
            if span:
                spans.append(Span(span[0], span[1], NAME))
    for match in _SELF_INTRO.finditer(text):
        span = _name_span(text, match.end(), capital_only=True, max_words=2)
        if span and not is_known_word(text[span[0] : span[1]].split()[0], "en"):
            spans.append(Span(span[0], span[1], NAME))
    for match in _RELATIVE.finditer(text):
        span = _relative_name(text, match.end())
        if span:
            spans.append(Span(span[0], span[1], NAME))
    for pattern in (_AR_SELF, _AR_RELATIVE):
        for match in pattern.finditer(text):
            word = match.group(1)
            if not _arabic_stop(word) and not is_known_word(word, "ar"):
                spans.append(Span(match.start(1), match.end(1), NAME))
    return spans


def _relative_name(text: str, start: int) -> tuple[int, int] | None:
    """After "my son": a word the training examples never use, capitalised ("my son Adam") or followed by an
    age ("my son adam is 12"). A training word is no name even before an age: "my daughter daughter, 14"."""
    word = _NAME_WORD.match(text, start)
    if not word or word.group().lower() in _STOP_EN or _is_training_word(word.group()):
        return None
    if _AGE_AFTER.match(text, word.end()):
        return word.start(), word.end()
    if word.group()[0].isupper():
        return _name_span(text, start, capital_only=True, max_words=2)
    return None


def _is_training_word(word: str) -> bool:
    """The word is in the training examples of its script: Arabic letters in the Arabic ones, others in the
    English ones (not the Arabizi ones, where the name Adam is a word: "bani adam", a human being)."""
    return is_known_word(word, "ar" if _is_arabic(word[0]) else "en")


def _arabic_stop(word: str) -> bool:
    """An Arabic word that ends a name: a common word, or "و" (and) joined to one ("وفي", "وعمري")."""
    return word in _STOP_AR or (word.startswith("و") and word[1:] in _STOP_AR)


def _name_span(text: str, start: int, capital_only: bool, max_words: int) -> tuple[int, int] | None:
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
        if lowered in _STOP_EN or _arabic_stop(word):
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
        gap = re.match(r"[ \u00a0]+", text[end : end + 3])
        if not gap:
            break
        position = end + gap.end()
    return (start, end) if end else None


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"
