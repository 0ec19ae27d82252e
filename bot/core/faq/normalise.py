"""Question normalisation: folding, document numbers, abbreviations, synonyms, stop words, tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.core.text import fold

# Function words that carry no topic in these questions (folded: no diacritics). Folded syllables collide
# ("chi" is chị and chí, "do" is do and độ, "co" is có and cơ), so only words that never matter are here;
# frequent words are otherwise left to idf weighting. Question words that discriminate ("ai", "bao lau",
# "khi nao", "o dau", "bao nhieu") are kept on purpose.
VI_STOP_WORDS = frozenset(
    [
        "la",
        "cua",
        "khong",
        "chua",
        "thi",
        "va",
        "cho",
        "nhung",
        "cac",
        "nhu",
        "nay",
        "ay",
        "voi",
        "duoc",
        "bi",
        "ve",
        "theo",
        "trong",
        "tai",
        "den",
        "ma",
        "nhe",
        "a",
        "ah",
        "ha",
        "nhi",
        "vay",
        "oi",
        "roi",
        "hay",
        "hoac",
        "toi",
        "xin",
        "giup",
        "vui",
        "ad",
        "admin",
        "bot",
        "cai",
        "nua",
        "nao",
        "sao",
        "gi",
        "ak",
        "u",
        "uh",
        "dum",
        "ne",
        "nha",
        "noi",
        "can",
        "gom",
        "the",
        "de",
        "phai",
        "e",
        "chao",
    ]
)
EN_STOP_WORDS = frozenset(
    [
        "what",
        "whats",
        "how",
        "is",
        "are",
        "the",
        "a",
        "of",
        "for",
        "can",
        "in",
        "on",
        "at",
        "by",
        "with",
        "we",
        "i",
        "you",
        "it",
        "be",
        "was",
        "were",
        "this",
        "that",
        "and",
        "or",
        "could",
        "should",
        "would",
        "my",
        "our",
        "me",
        "please",
        "tell",
        "about",
        "there",
        "any",
        "have",
        "has",
        "us",
        "your",
        "its",
        "does",
        "did",
        "into",
        "from",
        "as",
        "if",
        "than",
        "then",
        "them",
        "they",
        "their",
        "these",
        "those",
        "will",
        "shall",
        "must",
    ]
)
STOP_WORDS = VI_STOP_WORDS | EN_STOP_WORDS
# Chat words dropped only when typed with their diacritics: unaccented they collide with topic words
# ("hỏi" / "hội", "mình" / "minh chứng", "chị" / "tiêu chí").
ACCENTED_STOP_WORDS = frozenset(
    [
        "hỏi",
        "muốn",
        "chào",
        "đang",
        "cảm",
        "ơn",
        "mình",
        "em",
        "anh",
        "chị",
        "bạn",
        "ạ",
        "nhé",
        "nhá",
        "vậy",
        "giúp",
        "dùm",
        "giùm",
        "làm",
        "ơn",
        "xin",
    ]
)

_DOC_KINDS = (
    ("tt", r"thong\s*tu|circular|tt"),
    ("qd", r"quyet\s*dinh|decision|qd"),
    ("nd", r"nghi\s*dinh|decree|nd"),
    ("nq", r"nghi\s*quyet|resolution|nq"),
    ("cv", r"cong\s*van|official\s*letter|letter|cv"),
    ("ct", r"chi\s*thi|directive"),
)
# "Thông tư số 44/2014/TT-BGDĐT", "tt44", "circular No. 44" → "tt44"
_DOC_PREFIX = [
    (
        kind,
        re.compile(rf"\b(?:{words})\s*(?:so|no\.?|number)?\s*(\d{{1,4}})(?:\s*/\s*\d{{4}})?(?:[/-][a-z&]+)*"),
    )
    for kind, words in _DOC_KINDS
]
# "448/QĐ-KHVN", "142/2025/NĐ-CP", "04-CT/TU" → "qd448", "nd142", "ct4"
_DOC_SUFFIX = re.compile(r"\b(\d{1,4})(?:\s*/\s*\d{4})?\s*[/-]\s*(tt|qd|nd|nq|ct|cv)\b[\w&/-]*")
# "ngày 28 tháng 2" → "28/2"
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s*thang\s*(\d{1,2})\b")
_WORD = re.compile(r"[a-z]+")
# Where a rambling message turns to its question ("…, cho em hỏi …", "… mà em không biết …"), folded.
# "cho hỏi" alone is also "cho Hội" (khuyến học), so it needs a person or no "khuyen" after it.
_QUESTION_OPENER = re.compile(
    r"\b(?:cho\s+(?:(?:e|em|toi|minh|chau|con)\s+)?hoi(?!\s+khuyen)|(?:muon|xin|hoi)\s+hoi|khong\s+biet|ad\s+oi)\b"
)
# "QĐ 448 là quyết định gì": the kind word only repeats what the number already says.
_KIND_WORDS = {"qd": "quyet dinh", "nd": "nghi dinh", "nq": "nghi quyet", "cv": "cong van", "ct": "chi thi"}
_DOC_TOKEN = re.compile(r"\b(tt|qd|nd|nq|cv|ct)\d+\b")
_NON_WORD = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")


_KIND_PHRASES = ("thong tu", "quyet dinh", "nghi dinh", "nghi quyet", "cong van", "chi thi")
_KIND_ENGLISH = ("circular", "decision", "decree", "resolution")
_TWO_WORDS_NUMBER = re.compile(r"\b([a-z]+ [a-z]+)(?= (?:so )?\d)")
_ONE_WORD_NUMBER = re.compile(r"\b([a-z]{5,})(?= (?:no\.? )?\d)")
_KIND_SIMILARITY = 80


def _fix_kind_typos(text: str) -> str:
    """'thng tu 44', 'nghhi dinh 142', 'Circlar 44' → the kind words spelt right, so the number is a
    document."""

    def closest(match: re.Match[str], choices: tuple[str, ...]) -> str:
        typed = match.group(1)
        if typed in choices:
            return typed
        best = process.extractOne(typed, choices, scorer=fuzz.ratio, score_cutoff=_KIND_SIMILARITY)
        return best[0] if best else typed

    text = _TWO_WORDS_NUMBER.sub(lambda m: closest(m, _KIND_PHRASES), text)
    return _ONE_WORD_NUMBER.sub(lambda m: closest(m, _KIND_ENGLISH), text)


def _singular_words(text: str) -> str:
    """Every English plural in `text` made singular (stop words kept: "this" is not a plural)."""
    return _WORD.sub(lambda m: m.group(0) if m.group(0) in STOP_WORDS else _singular(m.group(0)), text)


def _drop_kind_echo(text: str) -> str:
    """Remove a bare kind word ("quyet dinh") when the text already names a document of that kind."""
    for kind in {m.group(1) for m in _DOC_TOKEN.finditer(text)}:
        words = _KIND_WORDS.get(kind)
        if words:
            text = re.sub(rf"\b{words}\b(?!\s*\d)", " ", text)
    return text


def _doc_token(kind: str, number: str) -> str:
    return f" {kind}{int(number)} "


def _phrase_pattern(phrases: Mapping[str, str]) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table = {_singular_words(fold(k)): fold(v) for k, v in phrases.items() if fold(k)}
    if not table:
        return None, {}
    keys = sorted(table, key=len, reverse=True)
    alternatives = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?<![\w&/])(?:{alternatives})(?![\w&/])"), table


class Normaliser:
    """Turns a question into comparable tokens; the same steps run on entries and on users' questions."""

    def __init__(self, abbreviations: Mapping[str, str], synonyms: Mapping[str, str]) -> None:
        self._abbrev_re, self._abbrev = _phrase_pattern(abbreviations)
        # Fillers (mapped to "") typed with diacritics are removed only when typed that way: folded,
        # "cho hỏi" would also swallow "cho Hội".
        accented_fillers = sorted(
            (k for k, v in synonyms.items() if not v.strip() and fold(k) != k.lower()), key=len, reverse=True
        )
        self._filler_re = (
            re.compile(
                r"(?<!\w)(?:"
                + "|".join(re.escape(unicodedata.normalize("NFC", k).lower()) for k in accented_fillers)
                + r")(?!\w)"
            )
            if accented_fillers
            else None
        )
        self._synonym_re, self._synonyms = _phrase_pattern(
            {k: v for k, v in synonyms.items() if k not in accented_fillers}
        )

    def surface_words(self) -> set[str]:
        """Words (folded) that the normaliser rewrites or drops: abbreviations, synonym keys, stop words."""
        return set(self._abbrev) | set(self._synonyms) | STOP_WORDS

    def text(self, raw: str) -> str:
        """Folded text with documents canonical ("tt44"), abbreviations expanded, punctuation removed."""
        lowered = unicodedata.normalize("NFC", raw).lower()
        if self._filler_re is not None:
            lowered = self._filler_re.sub(" ", lowered)
        kept = [w for w in re.split(r"(\s+)", lowered) if w.strip(" ,.?!") not in ACCENTED_STOP_WORDS]
        text = _DAY_MONTH.sub(r"\1/\2", fold("".join(kept)))
        text = _fix_kind_typos(text)
        for kind, pattern in _DOC_PREFIX:
            text = pattern.sub(lambda m, kind=kind: _doc_token(kind, m.group(1)), text)
        text = _DOC_SUFFIX.sub(lambda m: _doc_token(m.group(2), m.group(1)), text)
        if self._abbrev_re is not None:
            text = self._abbrev_re.sub(lambda m: self._abbrev[m.group(0)], text)
        # English plurals first, so "districts" meets the synonym written for "district".
        text = _singular_words(text)
        text = _drop_kind_echo(text)
        if self._synonym_re is not None:
            text = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], text)
        return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()

    def question_tail(self, raw: str) -> str | None:
        """The part of a message after its last question opener ("cho em hỏi", "không biết"), if any.

        Older cadres often tell their situation first and ask at the end; the story's words then dilute the
        question. Returns None when the message has no opener or nothing after it.
        """
        lowered = unicodedata.normalize("NFC", raw).lower()
        folded = fold(lowered)
        openers = list(_QUESTION_OPENER.finditer(folded))
        if not openers:
            return None
        start = openers[-1].end()
        # fold() keeps one letter per precomposed letter, so offsets carry over and the marks stay.
        tail = lowered[start:] if len(folded) == len(lowered) else folded[start:]
        return tail if tail.strip(" ,.?!") else None

    def tokens(self, raw: str) -> list[str]:
        """Content tokens: normalised words minus stop words, English plurals made singular."""
        return [_canonical(w) for w in self.text(raw).split() if w not in STOP_WORDS]


_fold_word = lru_cache(maxsize=65536)(fold)


def accent_forms(raw: str) -> dict[str, str]:
    """Words typed with diacritics, by their folded form: 'Dạy học' → {'day': 'dạy'}.

    Folding merges different words ("dạy" / "đây", "giảm" / "giám"); when a cadre did type the marks,
    the matcher uses them to tell such words apart.
    """
    forms: dict[str, str] = {}
    for word in _NON_WORD.sub(" ", unicodedata.normalize("NFC", raw).lower()).split():
        folded = _fold_word(word)
        if folded != word:
            forms[folded] = word
    return forms


def _canonical(word: str) -> str:
    """Numbers without leading zeros ("02" → "2"), English plurals singular."""
    if word.isdecimal():  # not isdigit(): "¹" is a digit that int() refuses
        return str(int(word))
    return _singular(word)


def _singular(word: str) -> str:
    """English plural → singular. Safe for folded Vietnamese: no Vietnamese syllable ends in 's'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word
