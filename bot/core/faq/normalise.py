"""Question normalisation: folding, document numbers, abbreviations, synonyms, stop words, tokens."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache, partial

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bot.core.faq import english
from bot.core.faq.language import is_vietnamese_syllable
from bot.core.faq.telex import without_held_key
from bot.core.faq.words import words
from bot.core.text import fold

# Function words that carry no topic in these questions (folded: no diacritics). Folded syllables collide
# ("chi" is chị and chí, "do" is do and độ, "co" is có and cơ), so only words that never matter are here;
# frequent words are otherwise left to idf weighting. Question words that discriminate ("ai", "bao lau",
# "khi nao", "o dau", "bao nhieu") are kept on purpose.
VI_STOP_WORDS = words(
    """
    la cua khong chua thi va cho nhung cac nhu nay ay voi duoc bi ve theo trong tai den ma nhe a ah ha
    nhi vay oi roi hay hoac toi xin giup vui ad admin bot cai nua nao sao gi ak u uh dum ne nha noi can
    the de phai e chao ca
    """
)
EN_STOP_WORDS = words(
    """
    what whats how is are the a of for can in on at by with we i you it be was were this that and or
    could should would my our me please tell about there any have has us your its does did into from as
    if than then them they their these those will shall must
    """
)
STOP_WORDS = VI_STOP_WORDS | EN_STOP_WORDS
# Pronouns and chat syllables (folded) that fold like topic syllables ("chị" / "chí", "chú" / "chủ", "mình" /
# "minh"): dropped only when no known two-syllable word around them claims them (see Normaliser.tokens).
CHAT_SYLLABLES = words(
    """
    e em chi anh chu ad oi vay ha nha nhe ti xiu nghe noi minh ne nhi chau ong ba bac di co ak hen nhen
    luon dum ho coi xem biet oke ok okay da vang ngu hoi ta ua nghen nhen tui
    """
)
# Two-syllable words (folded) with a syllable that is a stop word when alone ("để" / "đề án", "cần" / "căn
# cứ", "thì" / "thị trấn", "về" / "vệ sinh"): in these words the syllable is kept (see Normaliser.tokens).
STOP_WORD_COMPOUNDS = words(
    """
    de_an de_nghi de_cap de_xuat can_cu can_bo giai_the doan_the cu_the the_thao the_che ve_sinh bao_ve
    tai_chinh tai_lieu tai_tro noi_dung noi_vu nhu_cau cai_cach thi_dua thi_tran thi_hanh thuc_thi thi_diem
    """
)
# Chat words dropped only when typed with their diacritics: unaccented they collide with topic words
# ("hỏi" / "hội", "mình" / "minh chứng", "chị" / "tiêu chí").
ACCENTED_STOP_WORDS = words(
    """
    hỏi muốn chào đang cảm ơn mình em anh chị bạn ạ nhé nhá vậy giúp dùm giùm làm xin
    dạ dợ ủa hả hở nè á hen nhen nghen nhỉ chớ hông hổng hem khum
    đó này ấy kia nó
    thiệt thật ổng bả tụi
    """
)  # the second line: southern chat particles; the third points back at something said before ("tiêu chí đó");
# the last: "really", "he/she", "we" in southern chat
# "… hông con?", "… hả bây": a clause-final "con" / "bây" after a particle calls the person spoken to (folded,
# they are also "còn", "bay", so only there).
_PARTICLES = "vay|ha|hong|hem|nhe|nha|a|ta|di|nhi|ne|chua|ko|k|hok|roi|duoc|khong|nghen|nhen"
_VOCATIVE = re.compile(rf"\b({_PARTICLES})\s+(?:con|bay)(?=\s*(?:[?!.,]|$))")
# The same typed with marks, read before the particles themselves are dropped ("… hả bây?").
_VOCATIVE_MARKED = re.compile(
    r"(?<!\w)(vậy|hả|hông|hem|nhé|nha|à|ạ|ta|đi|nhỉ|nè|chưa|rồi|được|không|nghen|nhen|hen)\s+(?:con|bây)(?=\s*(?:[?!.,]|$))"
)
# "là nhiêu", "tối đa nhiêu": "nhiêu" typed alone (with its marks) is "bao nhiêu".
_BARE_NHIEU = re.compile(r"(?<!bao )(?<!\w)nhiêu(?!\w)")
# "ngày nhiêu", "ngày bao nhiêu": a date asked ("ngày nào"), never a count – that is "bao nhiêu ngày".
_DAY_ASKED = re.compile(r"(?<!\w)ngày\s+(?:bao\s+)?nhiêu(?!\w)")
# "gộp với mấy phường nào", "mấy tiêu chí nào": which ones, not how many (typed with its marks: "may" is also
# "lucky")
_WHICH_ONES = re.compile(r"(?<!\w)mấy(?=(?:\s+\w+){1,2}\s+nào(?!\w))")

_DOC_KINDS = (
    ("tt", r"thong\s*tu|circular|ttu|tt"),  # "ttư 44": the short form typed with its hook
    # "Đề án 387": the scheme a decision approves, named by the decision's number (never "đề án 2012–2020")
    ("qd", r"quyet\s*dinh|decision|qdinh|qd|de\s+an(?=\s*(?:so\s*)?(?!(?:19|20)\d\d\b)\d)"),
    ("nd", r"nghi\s*dinh|decree|ndinh|nd"),
    ("nq", r"nghi\s*quyet|resolution|nq"),
    ("cv", r"cong\s*van|official\s*letter|letter|cv"),
    ("ct", r"chi\s*thi|directive"),
)
# "Thông tư số 44/2014/TT-BGDĐT", "tt44", "circular No. 44" → "tt44"
_DOC_PREFIX = [
    (
        kind,
        re.compile(rf"\b(?:{names})\s*(?:so|no\.?|number)?\s*(\d{{1,4}})(?:\s*/\s*\d{{4}})?(?:[/-][a-z&]+)*"),
    )
    for kind, names in _DOC_KINDS
]
# "quyết định đó", "thông tư này", "công văn VPCP đó", "that decision": a document pointed back to by its
# kind, perhaps with one word of its own between (not "văn bản gì đó": some document) (folded).
_POINTED_KINDS = [
    (
        kind,
        re.compile(
            rf"\b(?:{names})(?:\s+(?!gi\b|nao\b|do\b)[a-z]{{2,8}})?\s+(?:do|nay|kia|ay)\b"
            rf"|\b(?:that|this)\s+(?:{names})\b"
        ),
    )
    for kind, names in _DOC_KINDS
]


_KIND_SPOKEN = {kind: re.compile(rf"\b(?:{names})\b") for kind, names in _DOC_KINDS}


def kind_spoken_at(folded: str, kind: str) -> int | None:
    """Where `folded` first speaks of a document of `kind` ("qd", "cv", …) by the word for it ("một công văn
    …"), or None."""
    found = _KIND_SPOKEN[kind].search(folded)
    return found.start() if found else None


def pointed_kind(folded: str) -> str | None:
    """The kind of document `folded` points back to ("quyết định đó" → "qd"), as document tokens write it."""
    return next((kind for kind, pattern in _POINTED_KINDS if pattern.search(folded)), None)


# "448/QĐ-KHVN", "142/2025/NĐ-CP", "04-CT/TU" → "qd448", "nd142", "ct4"
_DOC_SUFFIX = re.compile(r"\b(\d{1,4})(?:\s*/\s*\d{4})?\s*[/-]\s*(tt|qd|nd|nq|ct|cv)\b[\w&/-]*")
# "giờ" opening a clause is "now" ("giờ nộp hồ sơ ở đâu", "…, vậy giờ còn …"), not an hour ("giờ làm việc").
_NOW_GIO = re.compile(
    r"(^\s*|[,.;:!?]\s*|\b(?:vay|thi|ma|con|roi|nhung)\s+)gio\b(?!\s+(?:lam|giac|hanh|mo|dong|nao|may|chieu|sang))"
)
# "Quận 10 giờ còn không", "giờ đã bị bỏ", "giờ thuộc phường nào": "giờ" before a state is "now" (folded).
_NOW_GIO_BEFORE = re.compile(r"(?<!bay )\bgio(?=\s+(?:con|da|bi|thuoc|ra\s+sao|the\s+nao|sao)\b)")
# Administrative procedure codes: "1.005097" → "1005097", one word
_PROCEDURE_CODE = re.compile(r"\b(\d{1,2})\.(\d{6})\b")
# "P.12", "Q.10", "P12", "q 10" → "phuong 12", "quan 10" (folded)
_WARD_OR_DISTRICT = re.compile(r"\b([pq])(?:\s*\.\s*|\s?)(\d{1,2})\b")
_PLACE_KINDS = {"p": "phuong", "q": "quan"}
# "ngày 28 tháng 2" → "28/2"
_DAY_MONTH = re.compile(r"\b(\d{1,2})\s*thang\s*(\d{1,2})\b")
# "công nhận năm 2024 thì năm 2025 có phải đánh giá lại": the year after another named is "năm sau" (folded).
_YEAR = re.compile(r"\b(nam|year|in) (20\d\d)\b")


def _next_year_is_next(text: str) -> str:
    """A year one after a year named before it, read as the next year: "năm sau", "next year"."""
    years: set[int] = set()

    def relative(match: re.Match[str]) -> str:
        year = int(match.group(2))
        if year - 1 in years:
            return "next year" if match.group(1) in ("year", "in") else "nam sau"
        years.add(year)
        return match.group(0)

    return _YEAR.sub(relative, text)


# "bao lâu thì làm 1 lần", "mấy năm mới xét một lần": how often, whatever stands between (folded).
_HOW_OFTEN = re.compile(r"\b(bao\s+lau|may\s+nam)\s+(?:[a-z]+\s+){0,3}?(?:1|mot)\s+lan\b")
_WORD = re.compile(r"[a-z]+")
_DOUBLED = re.compile(r"([a-z])\1")


def _undoubled(word: str) -> str:
    """`word` without a letter held down at its end ("ngayy" → "ngay"), when that leaves a syllable."""
    single = without_held_key(word)
    return single if len(word) >= 3 and single != word and is_vietnamese_syllable(single) else word


_MIN_RESPELL = 4  # shorter words are too easily another word
_RESPELL_TWO_EDITS = 8  # words at least this long may be two edits off
# The word for each kind of document, as a question says it (folded)
KIND_SAID = {
    "tt": "thong tu",
    "qd": "quyet dinh",
    "nd": "nghi dinh",
    "nq": "nghi quyet",
    "cv": "cong van",
    "ct": "chi thi",
}
# "QĐ 448 là quyết định gì": the kind word only repeats what the number already says ("thông tư" is kept).
_KIND_WORDS = {kind: said for kind, said in KIND_SAID.items() if kind != "tt"}
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
    document. Two real syllables more than one letter away are words of their own, not a slip ("công nhận 3
    năm", "quy định 10 ngày", "chỉ tiêu 2"); "quyet din 10" is still a slip."""

    def closest(match: re.Match[str], choices: tuple[str, ...]) -> str:
        typed = match.group(1)
        if typed in choices or typed.endswith(" thu"):
            return typed  # "tiêu chí thứ 8": an ordinal, not Chỉ thị 8
        real = " " in typed and all(is_vietnamese_syllable(w) for w in typed.split())
        if real:
            near = [c for c in choices if Levenshtein.distance(typed, c) <= 1]
            return near[0] if near else typed
        best = process.extractOne(typed, choices, scorer=fuzz.ratio, score_cutoff=_KIND_SIMILARITY)
        return best[0] if best else typed

    text = _TWO_WORDS_NUMBER.sub(lambda m: closest(m, _KIND_PHRASES), text)
    return _ONE_WORD_NUMBER.sub(lambda m: closest(m, _KIND_ENGLISH), text)


def _stem_words(text: str) -> str:
    """Every English word in `text` reduced to its stem (stop words kept: "this" is not a plural)."""
    return english.stem_words(text, STOP_WORDS)


def _drop_kind_echo(text: str) -> str:
    """Remove a bare kind word ("quyet dinh") when the text already names a document of that kind."""
    for kind in {m.group(1) for m in _DOC_TOKEN.finditer(text)}:
        words = _KIND_WORDS.get(kind)
        if words:
            text = re.sub(rf"\b{words}\b(?!\s*\d)", " ", text)
    return text


def _doc_token(kind: str, number: str) -> str:
    return f" {kind}{int(number)} "


def _prefixed_doc_token(kind: str, match: re.Match[str]) -> str:
    """The token of a document named before its number (folded "thong tu 44" → "tt44")."""
    return _doc_token(kind, match.group(1))


# Not inside a document's number ("QĐ-TTg", "TT-BGDĐT", "VBHN-BGDĐT": the issuer is part of the number), but
# between abbreviations joined by a hyphen ("PCGD-XMC"). Folded text.
_NOT_IN_NUMBER = "".join(f"(?<!{kind}-)" for kind in ("qd", "tt", "nd", "nq", "ct", "cv", "vbhn"))


def _phrase_pattern(
    phrases: Mapping[str, str], stemmed: bool = True, english_keys: Mapping[str, str] = {}
) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """A pattern matching every phrase (longest first) and the table of what each stands for.

    With `stemmed`, the phrases are matched on stemmed text (English word forms meet: see `english`).
    `english_keys` are English phrases, read the way an English question is (contractions, English-only stop
    words dropped, stemmed); they come after `phrases`.
    """
    table = {(_stem_words(fold(k)) if stemmed else fold(k)): fold(v) for k, v in phrases.items() if fold(k)}
    for key, value in english_keys.items():
        read = " ".join(_stem_words(english.prepare(fold(key), always_english=True)).split())
        # A key left with stop words only ("kind of" → "of") would rewrite every "of", and one left with a
        # particle ("go up" → "up") every "send up", "wrap up".
        if any(w not in STOP_WORDS for w in read.split()) and len(read) > 2:
            table.setdefault(read, fold(value))
    if not table:
        return None, {}
    keys = sorted(table, key=len, reverse=True)
    alternatives = "|".join(re.escape(k) for k in keys)
    return re.compile(rf"(?<![\w&/]){_NOT_IN_NUMBER}(?:{alternatives})(?![\w&/])"), table


class Normaliser:
    """Turns a question into comparable tokens; the same steps run on entries and on users' questions."""

    def __init__(
        self,
        abbreviations: Mapping[str, str],
        synonyms: Mapping[str, str],
        english_terms: Mapping[str, str] = {},
    ) -> None:
        self._abbrev_re, self._abbrev = _phrase_pattern(abbreviations, stemmed=False)
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
            {k: v for k, v in synonyms.items() if k not in accented_fillers}, english_keys=english_terms
        )
        # The words a slip in an English word or an abbreviation is read against ("criteia", "hsoo").
        spelled = {w for key in english_terms for w in _WORD.findall(fold(key))}
        spelled |= {w for key in abbreviations for w in _WORD.findall(fold(key))}
        spelled |= (
            STOP_WORDS | english.ENGLISH_ONLY_STOP_WORDS | english.COMMON_WORDS | english.IRREGULAR_FORMS
        )
        self._spelled = tuple(sorted(w for w in spelled if len(w) >= 3))
        self._spelled_set = frozenset(self._spelled)
        # In a Vietnamese message a slip is read against abbreviations only ("trug tâm" is no "true").
        abbreviated = {w for key in abbreviations for w in _WORD.findall(fold(key))}
        self._abbreviation_spelled = tuple(sorted(w for w in abbreviated if len(w) >= 3))

    def _respell(self, word: str, vietnamese: bool = False) -> str:
        """A slip in an English word or an abbreviation put right ("criteia" → "criteria", "manny" → "many",
        "hsoo" → "hso"); Vietnamese syllables and words it knows stay as they are. In a `vietnamese`
        message only abbreviations are candidates."""
        if len(word) < _MIN_RESPELL or word in self._spelled_set or is_vietnamese_syllable(word):
            return word
        single = _DOUBLED.sub(r"\1", word)
        if single != word and (single in self._spelled_set or is_vietnamese_syllable(single)):
            return single
        limit = 1 if len(word) < _RESPELL_TWO_EDITS else 2
        candidate: str  # one of self._spelled; rapidfuzz's overloads type it Any
        for candidate, _, _ in process.extract(
            word,
            self._abbreviation_spelled if vietnamese else self._spelled,
            scorer=OSA.distance,
            score_cutoff=limit,
            limit=4,
        ):
            # A slip rarely changes the first letter, but may swap the first two ("waht", "paply").
            if candidate[0] == word[0] or candidate[:2] == word[1::-1]:
                return candidate
        return word

    def surface_words(self) -> set[str]:
        """Words (folded) that the normaliser rewrites or drops: abbreviations, synonym keys, stop words."""
        return set(self._abbrev) | set(self._synonyms) | STOP_WORDS

    def abbreviated(self, folded: str) -> str:
        """Folded text with its abbreviations written out ("ngay bh" → "ngay ban hanh") and a key held down
        at a word's end dropped ("ky ngayy nao"), nothing else changed."""
        folded = _WORD.sub(lambda m: _undoubled(m.group(0)), folded)
        if self._abbrev_re is None:
            return folded
        return self._abbrev_re.sub(lambda m: self._abbrev[m.group(0)], folded)

    def text(self, raw: str) -> str:
        """Folded text with documents canonical ("tt44"), abbreviations expanded, punctuation removed."""
        lowered = unicodedata.normalize("NFC", raw).lower()
        if self._filler_re is not None:
            lowered = self._filler_re.sub(" ", lowered)
        lowered = _BARE_NHIEU.sub("bao nhiêu", _DAY_ASKED.sub("ngày nào", lowered))
        lowered = _WHICH_ONES.sub("những", lowered)
        lowered = _VOCATIVE_MARKED.sub(r"\1", lowered)
        kept = [w for w in re.split(r"(\s+)", lowered) if w.strip(" ,.?!") not in ACCENTED_STOP_WORDS]
        text = _PROCEDURE_CODE.sub(r"\1\2", _DAY_MONTH.sub(r"\1/\2", fold("".join(kept))))
        text = _VOCATIVE.sub(r"\1", text)
        text = _WARD_OR_DISTRICT.sub(lambda m: f"{_PLACE_KINDS[m.group(1)]} {m.group(2)}", text)
        # Vietnamese when most words are Vietnamese syllables (an English question may name "Thông tư 44")
        syllables = _WORD.findall(text)
        vietnamese = sum(map(is_vietnamese_syllable, syllables)) >= 0.7 * len(syllables)
        if vietnamese:  # "ai kýý", "bộ nàoo": a key held down at a word's end
            text = _WORD.sub(
                lambda m: m.group(0) if m.group(0) in self._spelled_set else _undoubled(m.group(0)), text
            )
        text = _WORD.sub(lambda m: self._respell(m.group(0), vietnamese), text)
        text = english.prepare(text)
        text = _NOW_GIO.sub(r"\1hien nay", text)
        text = _NOW_GIO_BEFORE.sub("hien nay", text)
        text = _fix_kind_typos(text)
        for kind, pattern in _DOC_PREFIX:
            text = pattern.sub(partial(_prefixed_doc_token, kind), text)
        text = _DOC_SUFFIX.sub(lambda m: _doc_token(m.group(2), m.group(1)), text)
        if self._abbrev_re is not None:
            text = self._abbrev_re.sub(lambda m: self._abbrev[m.group(0)], text)
        # English words stemmed first: "districts", "recognised" meet the synonyms of "district", "recognise".
        text = _stem_words(text)
        text = _drop_kind_echo(text)
        text = _HOW_OFTEN.sub(r"\1 mot lan", text)
        text = _next_year_is_next(text)
        if self._synonym_re is not None:
            text = self._synonym_re.sub(lambda m: self._synonyms[m.group(0)], text)
        return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()

    def tokens(self, raw: str, compounds: frozenset[str] = frozenset()) -> list[str]:
        """Content tokens: normalised words minus stop words, English plurals made singular.

        With `compounds` (known two-syllable words, "tieu chi"), the pronouns and chat syllables of a
        message ("chị ơi", "em", "ad", "vậy") are dropped too, unless they are a syllable of a known word
        next to them ("tiêu chí", "chủ trì", "biết chữ"): a light word segmentation that uses the
        knowledge base's own vocabulary.
        """
        return self.tokens_of_text(self.text(raw), compounds)

    def tokens_of_text(self, text: str, compounds: frozenset[str] = frozenset()) -> list[str]:
        """`tokens` of a text `text()` has already normalised."""
        words = text.split()
        if compounds:
            words = [
                w for i, w in enumerate(words) if w not in CHAT_SYLLABLES or _in_compound(words, i, compounds)
            ]
        # A stop word that folds like a syllable of a two-syllable word is kept in that word ("đề án").
        return [
            _canonical(w)
            for i, w in enumerate(words)
            if w not in STOP_WORDS or _in_compound(words, i, STOP_WORD_COMPOUNDS, "_")
        ]


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


def _in_compound(words: list[str], i: int, compounds: frozenset[str], joint: str = " ") -> bool:
    """Whether words[i] and a neighbour make a known two-syllable word (its syllables joined by `joint`)."""
    return (i > 0 and f"{words[i - 1]}{joint}{words[i]}" in compounds) or (
        i + 1 < len(words) and f"{words[i]}{joint}{words[i + 1]}" in compounds
    )


def _canonical(word: str) -> str:
    """Numbers without leading zeros ("02" → "2"); words as they are (English ones are stemmed in `text`)."""
    if word.isdecimal():  # not isdigit(): "¹" is a digit that int() refuses
        return str(int(word))
    return word
