"""Documents as entities: records of the circulars, decisions and laws the knowledge base knows, the
references to them in a question ("TT44", "Thông tư 44/2014/TT-BGDĐT", "QĐ 387", "Luật Khiếu nại"), and the
field asked (date issued, signer, in force from, repealed by …).

A question that names one document and asks one of its fields ("QĐ 387 ký ngày nào") is answered from that
document's record, or declined when the record does not hold the field: never from another document, however
alike the words. Records live in `documents.yaml` beside the entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz.distance import OSA

from bot.core.faq.words import words
from bot.core.text import fold

UNCONFIRMED = "unconfirmed"
"""A field's value when the fact sheet marks it as not verified: say so, never guess."""
CURRENT = "current"
"""`in_force: current`: the document applies today, from a date the fact sheet does not give."""

FIELDS = (
    "signed",
    "signer",
    "issuer",
    "in_force",
    "status",
    "repealed_by",
    "replaces",
    "amended_by",
    "number",
    "basis",
    "about",
    "articles",
    "purpose",
)
_TEXT_FIELDS = ("name", "about", "issuer", "signer", "basis")
# Texts that are not words describing the document: where its parts sit ("Điều 5–9: cấp xã; …").
_LAYOUT_FIELDS = ("articles", "articles_en")
_PLAIN_FIELDS = ("signed", "in_force", "repealed", "repealed_by", "replaces", "number", "source", "entry")
_KNOWN_KEYS = (
    {"id", "refs", "names", "year", "amended_by", "amends", "entries", "note"}
    | set(_PLAIN_FIELDS)
    | {f"{k}{s}" for k in _TEXT_FIELDS for s in ("", "_en")}
    | set(_LAYOUT_FIELDS)
)
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,30}$")
_REF = re.compile(r"^(tt|qd|nd|nq|cv|ct|vbhn)\d+$")


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """What the knowledge base knows about one document. A missing field is unknown (the bot declines);
    UNCONFIRMED marks a field the fact sheet could not verify (the bot says so)."""

    id: str
    refs: tuple[str, ...]  # "tt44": kind and number, as the normaliser writes them
    names: tuple[str, ...]  # folded names for documents without a number ("luat khieu nai")
    year: int | None
    name: str
    name_en: str
    source: str
    about: str = ""
    about_en: str = ""
    issuer: str = ""
    issuer_en: str = ""
    signer: str = ""
    signer_en: str = ""
    basis: str = ""
    basis_en: str = ""
    articles: str = ""  # its layout: which articles hold which part
    articles_en: str = ""
    signed: str = ""
    in_force: str = ""
    repealed: str = ""
    repealed_by: str = ""
    replaces: str = ""
    number: str = ""
    amended_by: tuple[str, ...] = ()
    amends: tuple[str, ...] = ()
    entry: str = ""  # the entry that presents the document
    entries: Mapping[str, str] = field(default_factory=dict)  # field → the curated entry that answers it

    def text(self, key: str, locale: str) -> str:
        """A localised text field ("name", "about", …): English when asked and written, else Vietnamese."""
        if locale.startswith("en"):
            english: str = getattr(self, f"{key}_en", "")
            if english:
                return english
        value: str = getattr(self, key)
        return value

    def words(self) -> frozenset[str]:
        """Every folded word of the record's texts: a question's words that these explain describe the
        document."""
        texts = [getattr(self, f"{k}{s}") for k in _TEXT_FIELDS for s in ("", "_en")]
        texts += [self.number, self.signed, self.in_force, self.repealed, *self.names]
        return frozenset(w for text in texts for w in re.findall(r"[a-z0-9]+", fold(text)))


def parse_documents(data: object, filename: str, problems: list[str]) -> tuple[DocumentRecord, ...]:
    """Document records from the parsed `documents.yaml`, problems appended to `problems`."""
    items = data.get("documents") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.append(f"{filename}: expected a 'documents:' list")
        return ()
    records: list[DocumentRecord] = []
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        where = f"{filename}: document #{n}"
        if not isinstance(item, dict):
            problems.append(f"{where}: expected a mapping of fields")
            continue
        if isinstance(item.get("id"), str):
            where = f"{where} '{item['id']}'"
        found: list[str] = []
        unknown = sorted(set(map(str, item)) - _KNOWN_KEYS)
        if unknown:
            found.append(f"unknown field(s) {', '.join(unknown)}")
        for key in ("id", "name", "name_en", "source"):
            if not (isinstance(item.get(key), str) and item[key].strip()):
                found.append(f"'{key}' must be non-empty text")
        refs = item.get("refs", [])
        names = item.get("names", [])
        if not (isinstance(refs, list) and all(isinstance(r, str) and _REF.match(r) for r in refs)):
            found.append("'refs' must be a list like [tt44, qd448]")
        if not (isinstance(names, list) and all(isinstance(r, str) for r in names)):
            found.append("'names' must be a list of text")
        elif not refs and not names:
            found.append("needs 'refs' or 'names'")
        for key in ("amended_by", "amends"):
            if not (
                isinstance(item.get(key, []), list) and all(isinstance(v, str) for v in item.get(key, []))
            ):
                found.append(f"'{key}' must be a list of document ids")
        entries = item.get("entries", {})
        if not (
            isinstance(entries, dict) and all(k in FIELDS and isinstance(v, str) for k, v in entries.items())
        ):
            found.append(f"'entries' must map fields ({', '.join(FIELDS)}) to entry ids")
        year = item.get("year")
        if year is not None and not isinstance(year, int):
            found.append("'year' must be a number")
        for key in (*_PLAIN_FIELDS, *_LAYOUT_FIELDS, *(f"{k}{s}" for k in _TEXT_FIELDS for s in ("", "_en"))):
            if key in item and not isinstance(item[key], (str, int)):
                found.append(f"'{key}' must be text")
        if not found and not _ID.match(item["id"]):
            found.append("'id' must be a slug of lower-case letters, digits and '-'")
        if not found and item["id"] in seen:
            found.append("id already used")
        if found:
            problems.extend(f"{where}: {f}" for f in found)
            continue
        seen.add(item["id"])

        def text(key: str, item: dict = item) -> str:
            return " ".join(str(item.get(key, "")).split())

        records.append(
            DocumentRecord(
                id=item["id"],
                refs=tuple(refs),
                names=tuple(fold(n) for n in names),
                year=year,
                **{k: text(k) for k in ("name", "name_en", "source")},
                **{f"{k}{s}": text(f"{k}{s}") for k in _TEXT_FIELDS[1:] for s in ("", "_en")},
                **{k: text(k) for k in _PLAIN_FIELDS if k not in ("source",)},
                **{k: text(k) for k in _LAYOUT_FIELDS},
                amended_by=tuple(item.get("amended_by", [])),
                amends=tuple(item.get("amends", [])),
                entries=dict(entries),
            )
        )
    ids = {r.id for r in records}
    for record in records:
        for other in (record.repealed_by, record.replaces, *record.amended_by, *record.amends):
            if other and other != UNCONFIRMED and other not in ids:
                problems.append(f"{filename}: document '{record.id}': unknown document '{other}'")
    return tuple(records)


# --- references in a question ---------------------------------------------------------------------

_KINDS = (
    ("vbhn", r"van\s*ban\s*hop\s*nhat|consolidated\s+text|vbhn"),
    ("tt", r"thong\s*tu|circular|ttu|tt"),  # "ttư 44": the short form typed with its hook
    ("qd", r"quyet\s*dinh|decision|qdinh|qd"),
    ("nd", r"nghi\s*dinh|decree|ndinh|nd"),
    ("nq", r"nghi\s*quyet|resolution|nq"),
    ("cv", r"cong\s*van|official\s*letter|dispatch|cv"),
    ("ct", r"chi\s*thi|directive|ct"),
)
_KIND_BEFORE = {kind: re.compile(rf"\b(?:{names})\s*(?:so\s*)?$") for kind, names in _KINDS}
_KIND_CODES = "|".join(kind for kind, _ in _KINDS)  # "vbhn|tt|qd|…": the kinds written after a number
_PREFIXED = re.compile(
    r"\b(?P<kind>" + "|".join(f"(?P<{k}>{w})" for k, w in _KINDS) + r")"
    r"(?:\s*-)?\s*(?:so|no\.?|number)?\s*(?P<number>\d{1,4})(?:\s*/\s*(?P<year>\d{4}))?(?:\s*[/-]\s*[a-z&]+\d*)*"
)
_SUFFIXED = re.compile(
    rf"(?<![/\d])\b(?P<number>\d{{1,4}})(?:\s*/\s*(?P<year>\d{{4}}))?\s*[/-]\s*(?P<kind>{_KIND_CODES})\b(?:[/-][a-z&]+\d*)*"
)
# "số 1092/UBND-VX", "6782/BGDĐT-GDTX": an official letter's number, its issuer and unit after it (folded);
# the other kinds write theirs ("448/QĐ-KHVN", "25/2023/TT-BGDĐT")
_LETTER = re.compile(
    rf"(?<![/\d])\b(?P<number>\d{{1,5}})\s*/\s*(?!(?:{_KIND_CODES})\b)[a-z&]{{2,10}}-[a-z&]+\d*\b"
)
# "… 44 năm 2021 của Bộ GD&ĐT", "… 44 năm 2014 do Bộ ban hành": the year a document was issued, said after its
# number and followed by its issuer (a year alone may be when something else happened: "năm 2016 tập huấn").
_ISSUED_YEAR = re.compile(r"\s+nam\s+((?:19|20)\d{2})\s+(?:cua|do)\s+(?:bo|thu\s+tuong|chinh\s+phu|ubnd)\b")
# "theo TT25, ai ký …", "under Circular 25": the document frames the question; it is not what is asked about.
_FRAME = re.compile(
    r"\b(?:theo|under|according\s+to|in|trong|tai|per|can\s+cu(?:\s+vao)?)\s*$"
    # "CV 9961 liên quan gì tới QĐ 448": the second document is what the first is related to
    r"|\blien\s+quan\s+(?:gi\s+|the\s+nao\s+|ra\s+sao\s+)?(?:toi|den|voi)\s*$|\brelated\s+to\s*$"
    # "CV 9961 mà QĐ 448 viện dẫn", "… làm căn cứ cho QĐ 448": the second document is what cites the first
    r"|\b(?:cv|cong\s+van|qd|quyet\s+dinh|tt|thong\s+tu|nd|nghi\s+dinh)\b.*\bma\s*$"
    # "QĐ 645 mà người ta hay nhắc cùng TT44": the second document is what the first is spoken of with
    r"|\b(?:cv|cong\s+van|qd|quyet\s+dinh|tt|thong\s+tu|nd|nghi\s+dinh)\b.*\bma(?:\s+\w+){0,5}\s+(?:cung|voi|kem)\s*$"
    r"|\bcan\s+cu\s+(?:chinh\s+)?(?:cho|cua|de\s+(?:ban\s+hanh|ra|soan(?:\s+thao)?))\s*$|\bcited\s+(?:by|in)\s*$"
    # "Công văn 2102 về thực hiện Chỉ thị 04": the second document is what the first carries out
    r"|\b(?:ve|de)\s+(?:viec\s+)?(?:thuc\s+hien|trien\s+khai)\s*$"
    # "ngoài QĐ 89 ra, QĐ 448 còn căn cứ vào …": a document set aside is not what is asked about
    r"|\b(?:ngoai|besides|apart\s+from|other\s+than)\s*$"
)


_YEAR_LIKE = re.compile(r"(?:19|20)\d\d")
_KIND_TYPED = {"qd": "QĐ", "cv": "CV", "nq": "NQ", "nd": "NĐ"}
# A number typed alone ("theo 448", "387 đặt chỉ tiêu"), not part of another number, code or date, nor a count
# ("100 điểm", "448 người").
_BARE_NUMBER = re.compile(
    r"(?<![\w/.,-])(\d{3,4})(?![\w/.,%-]|\s*(?:%|diem|ngay|nguoi|thang|phan|xa|phuong|don|gia|dong|ho\b))"
)
# What may come just before such a number (folded): the start, a mark, or a word that leads to a document
# ("theo 448", "bộ tiêu chí 448", "của 281") – never a word that may be a kind misspelt ("dcision 448").
_BEFORE_A_DOCUMENT = re.compile(
    r"(?:^|[^\w\s]|\b(?:theo|cua|ve|voi|va|hay|la|nhu|so\s+voi|tieu\s+chi|chi\s+tieu|muc\s+tieu|under|of|and|or))"
    r"\s*$"
)


# "theo 44 thì …", "theo 25, xã …": a two-digit number right after "theo", closed by a mark or a particle –
# not a count ("theo 15 tiêu chí") (folded)
_BARE_CIRCULAR = re.compile(
    r"\btheo\s+(\d{2})(?=\s*(?:[,.?!;:]|$)|\s+(?:thi|la|co|hay|va|con|nua|ma|thoi|nhe|a|ha)\b)"
)


# "Thông tư 10/2025 và 11/2025", "QĐ 89/2013, 281/2014": numbers with years listed after one kind (folded)
_LISTED = re.compile(
    r"\b(?P<kind>thong\s+tu|quyet\s+dinh|nghi\s+dinh|nghi\s+quyet|cong\s+van|chi\s+thi|tt|qd|nd|nq|cv)"
    r"\s*(?:so\s+)?\d{1,4}/\d{4}(?:/[a-z&]+(?:-[a-z&]+)*)?\s*(?:,|\s(?:va|hoac|voi|hay|and|or))\s*"
    r"(?P<number>\d{1,4}/\d{4})\b"
)


class Reference(NamedTuple):
    """A document named in a question: its record (None when unknown), canonical ref, and whether the
    question is about it (not just framed by it: "theo TT25, …")."""

    record: DocumentRecord | None
    ref: str
    year: int | None
    start: int
    end: int
    subject: bool


class DocumentIndex:
    """Finds document references in questions and answers their fields from the records."""

    def __init__(self, records: Iterable[DocumentRecord]) -> None:
        self.records = tuple(records)
        self._by_ref: dict[str, list[DocumentRecord]] = {}
        for record in self.records:
            for ref in record.refs:
                self._by_ref.setdefault(ref, []).append(record)
        names = sorted({(n, r.id) for r in self.records for n in r.names}, key=lambda p: -len(p[0]))
        self._names = [(re.compile(rf"\b{re.escape(n)}\b"), i) for n, i in names]
        self._by_id = {r.id: r for r in self.records}
        self._words = {r.id: r.words() for r in self.records}
        # "theo 448 thì …", "387 đặt chỉ tiêu …": a decision's, letter's or resolution's number typed alone;
        # "theo 44 thì …", "làm theo 25": a circular's, right after "theo"
        self._bare = self._one_per_number(r"(qd|cv|nq|nd)(\d{3,4})")
        self._bare_circulars = self._one_per_number(r"(tt)(\d{2})")
        # the words of the documents each record says it serves or carries out ("một căn cứ để … ban hành
        # Quyết định 448"): a question may describe a letter by the decision it led to
        self._linked = {r.id: self._words_of_named(r) for r in self.records}

    def _one_per_number(self, ref_pattern: str) -> dict[str, str]:
        """Number → ref, for the refs matching `ref_pattern` (kind, number) whose number no other such ref
        has and is not a year."""
        by_number: dict[str, set[str]] = {}
        for record in self.records:
            for ref in record.refs:
                split = re.fullmatch(ref_pattern, ref)
                if split is not None and not _YEAR_LIKE.fullmatch(split.group(2)):
                    by_number.setdefault(split.group(2), set()).add(ref)
        return {number: next(iter(refs)) for number, refs in by_number.items() if len(refs) == 1}

    def get(self, document_id: str) -> DocumentRecord | None:
        return self._by_id.get(document_id)

    def words(self, record: DocumentRecord) -> frozenset[str]:
        return self._words[record.id]

    def linked_words(self, record: DocumentRecord) -> frozenset[str]:
        """The words of the documents `record` names in what it is about (see __init__)."""
        return self._linked[record.id]

    def _words_of_named(self, record: DocumentRecord) -> frozenset[str]:
        named = {r.record.id for r in self.references(fold(record.about)) if r.record is not None}
        named.discard(record.id)
        return frozenset().union(*(self._words[i] for i in named))

    def with_kinds(self, text: str) -> str:
        """`text` with the kind typed before a known document's number typed alone ("theo 448" → "theo QĐ
        448"), so that it reads as that document everywhere."""
        folded = fold(text)
        if len(folded) != len(text):
            return text
        typed: list[tuple[int, str]] = []
        for match in _BARE_NUMBER.finditer(folded):
            ref = self._bare.get(match.group(1))
            if ref is not None and _BEFORE_A_DOCUMENT.search(folded[: match.start()]):
                typed.append((match.start(), _KIND_TYPED[re.sub(r"\d", "", ref)]))
        for match in _BARE_CIRCULAR.finditer(folded):
            if match.group(1) in self._bare_circulars:
                typed.append((match.start(1), "TT"))
        for start, kind in sorted(typed, reverse=True):
            text = f"{text[:start]}{kind} {text[start:]}"
        # "Thông tư 10/2025 và 11/2025": the second number listed after the first is of its kind
        while (listed := _LISTED.search(fold(text))) is not None:
            kind = text[listed.start("kind") : listed.end("kind")]
            text = f"{text[: listed.start('number')]}{kind} {text[listed.start('number') :]}"
        return text

    def references(self, folded: str) -> list[Reference]:
        """Every document named in `folded` (folded text, punctuation kept), in order."""
        found: list[Reference] = []
        taken: list[tuple[int, int]] = []

        def add(record: DocumentRecord | None, ref: str, year: int | None, start: int, end: int) -> None:
            if any(s < end and start < e for s, e in taken):
                return
            taken.append((start, end))
            subject = _FRAME.search(folded[:start]) is None
            found.append(Reference(record, ref, year, start, end, subject))

        for pattern in (_SUFFIXED, _PREFIXED, _LETTER):
            for match in pattern.finditer(folded):
                kind = "cv" if pattern is _LETTER else match.group("kind")
                if pattern is _PREFIXED:
                    kind = next(k for k, _w in _KINDS if match.group(k))
                number = int(match.group("number"))
                year = int(match.group("year")) if pattern is not _LETTER and match.group("year") else None
                if year is None and (issued := _ISSUED_YEAR.match(folded, match.end())) is not None:
                    year = int(issued.group(1))  # "Thông tư 44 năm 2021 của Bộ …": that year's circular
                ref = f"{kind}{number}"
                start = match.start()
                if pattern is _SUFFIXED:
                    # "Quyết định 09/2008/QĐ-BGDĐT", "QĐ 281/QĐ-TTg": the kind typed before the number too
                    before = _KIND_BEFORE[kind].search(folded[:start])
                    start = before.start() if before is not None else start
                add(self._record(ref, year), ref, year, start, match.end())
        for pattern, record_id in self._names:
            for match in pattern.finditer(folded):
                record = self._by_id[record_id]
                add(
                    record,
                    record.refs[0] if record.refs else record.id,
                    record.year,
                    match.start(),
                    match.end(),
                )
        return sorted(found, key=lambda r: r.start)

    def of_another_year(self, reference: Reference) -> bool:
        """Whether `reference` names a year none of the records with its number has ("TT44 năm 2021"): another
        document with the same number."""
        records = self._by_ref.get(reference.ref, [])
        return (
            reference.year is not None
            and bool(records)
            and all(r.year is not None and r.year != reference.year for r in records)
        )

    def _record(self, ref: str, year: int | None) -> DocumentRecord | None:
        candidates = self._by_ref.get(ref, [])
        if year is not None:
            candidates = [r for r in candidates if r.year in (None, year)]
        return candidates[0] if len(candidates) == 1 else None


# --- slips in a document's kind and in field words ------------------------------------------------

# Two-syllable words typed with a slip in one syllable ("ngị định 142", "hiệu lựt", "ban hàn"), folded: a
# document's kind before its number, and the field words of a question that names a document.
_KIND_WORDS = ("thong tu", "quyet dinh", "nghi dinh", "nghi quyet", "chi thi", "cong van")
_FIELD_WORDS = ("hieu luc", "ban hanh")
_RAW_WORD = re.compile(r"\w+")
# "Đ25", "Đ. 5", "Đ mấy", "đ. nào": an article (not "100đ", a price)
_ARTICLE_SHORT = re.compile(r"(?<!\w)[đĐ]\.?\s?(?=\d{1,3}\b)|(?<!\w)[đĐ]\.?\s+(?=(?:mấy|nào|số)\b)")
_NOT_SLIPS = frozenset({"thu"})  # "tiêu chí thứ 8": an ordinal, not "chỉ thị 8"


def _slip_of(first: str, second: str, pairs: Iterable[str]) -> str | None:
    """The pair `first second` (folded) is a slip of, one edit in one syllable, the other exact."""
    for pair in pairs:
        a, b = pair.split()
        if (first, second) == (a, b):
            return None
        if second in _NOT_SLIPS or first in _NOT_SLIPS:
            continue
        if first == a and len(second) >= 2 and OSA.distance(second, b) == 1:
            return pair
        if second == b and len(first) >= 2 and OSA.distance(first, a) == 1:
            return pair
    return None


def mend_slips(text: str) -> str:
    """`text` with a slip in a document's kind ("ngị định 142/2025") or, when it names a document, in a field
    word ("TT25 có hiệu lựt từ ngày nào", "ban hàn") put right (those two words then lose their diacritics);
    an article typed "Đ25", "Đ.5", "Đ mấy" written "Điều"."""
    text = _ARTICLE_SHORT.sub("Điều ", text)
    spans = [(m.start(), m.end(), fold(m.group())) for m in _RAW_WORD.finditer(text)]
    mended: list[tuple[int, int, str]] = []
    for i in range(len(spans) - 1):
        (start, _, first), (_, end, second) = spans[i], spans[i + 1]
        following = spans[i + 2][2] if i + 2 < len(spans) else ""
        pair = _slip_of(first, second, _KIND_WORDS) if following[:1].isdigit() else None
        if pair is not None:
            mended.append((start, end, pair))
    for start, end, pair in reversed(mended):
        text = f"{text[:start]}{pair}{text[end:]}"
    if not _PREFIXED.search(fold(text)) and not _SUFFIXED.search(fold(text)):
        return text
    spans = [(m.start(), m.end(), fold(m.group())) for m in _RAW_WORD.finditer(text)]
    mended = []
    for i in range(len(spans) - 1):
        pair = _slip_of(spans[i][2], spans[i + 1][2], _FIELD_WORDS)
        if pair is not None and not (mended and mended[-1][1] > spans[i][0]):
            mended.append((spans[i][0], spans[i + 1][1], pair))
    for start, end, pair in reversed(mended):
        text = f"{text[:start]}{pair}{text[end:]}"
    return text


# --- the field asked ------------------------------------------------------------------------------


def _any(*alternatives: str) -> str:
    """One pattern matching any of `alternatives`."""
    return "|".join(f"(?:{a})" for a in alternatives)


# "áp dụng cho giai đoạn năm nào đến năm nào", "ban hành để áp dụng cho những năm nào", "từ năm nào tới năm
# nào": the period a document covers (what it is about), not the date it was issued (folded).
_PERIOD_ASKED = (
    r"\b(?:giai\s+doan|thoi\s+ky)\s+(?:tu\s+)?(?:nam\s+)?nao(?:\s+(?:den|toi)\s+(?:nam\s+)?nao)?\b"
    r"|\b(?:ap\s+dung|dung|xai)\s+(?:cho\s+|trong\s+)?(?:nhung\s+|cac\s+)?nam\s+nao\b"
    r"|\btu\s+nam\s+nao\s+(?:den|toi)\s+nam\s+nao\b"
    # "QĐ 281 mục tiêu tới năm nào": the years its targets run to
    r"|\b(?:muc\s+tieu|chi\s+tieu)\s+(?:\w+\s+){0,6}?(?:den|toi)\s+nam\s+nao\b"
)
_PERIOD = re.compile(_PERIOD_ASKED)
_WHEN = _any(
    r"(?:ngay|nam|thang|khi|luc|hom|bua|hoi|thoi\s+diem|thoi\s+gian)\s*(?:nao|may|bao\s*nhieu)",
    # "có ngày tháng nào", "ngày tháng năm nào", "có ngày là bao nhiêu": the date, as people write it
    r"ngay\s+thang(?:\s+nam)?\s*(?:nao|may|bao\s*nhieu)",
    r"ngay\s+(?:la|vao)\s+(?:ngay\s+)?(?:nao|may|bao\s*nhieu)",
    r"bao\s*gio",
    r"when",
    r"(?:what|which)\s+(?:date|year)",
)
# "TT44 ra để làm gì", "mục đích ban hành thông tư này", "có ích gì", "why was it issued": why a document was
# issued (folded); "mục tiêu" is a target, not this.
PURPOSE_ASKED = re.compile(
    _any(
        r"\b(?:muc\s+dich|y\s+nghia|tac\s+dung)\b",
        r"\bde\s+(?:lam\s+gi|lam\s+chi|chi|mam\s+gi)\b",
        r"\bnham\s+(?:muc\s+dich\s+)?(?:gi|chi)\b",
        r"\bco\s+ich\s+(?:gi|loi\s+gi)\b",
        r"\b(?:purpose|aim)\b",
        r"\bwhy\b.*\b(?:issued|adopted|introduced|made|brought\s+in)\b",
    )
)
# "448/QĐ-KHVN, 448/QĐ-HKH … là 2 qđ khác nhau hay 1", "thật ra là mấy quyết định": whether numbers written
# differently are one document (folded)
SAME_DOCUMENT_ASKED = re.compile(
    _any(
        r"\bmot\s+hay\s+(?:hai|ba|nhieu|khac)\b",
        r"\b(?:hai|ba|2|3)\s+(?:\w+\s+){0,2}khac\s+nhau\b",
        r"\bkhac\s+nhau\s+(?:hay|khong|ko|k|ha|hong|chang)\b",
        r"\b(?:la|phai)\s+cung\s+mot\b",
        r"\bmay\s+(?:quyet\s+dinh|van\s+ban|thong\s+tu|qd|vb|tt)\b",
        r"\bthe\s+same\b",
        r"\b(?:different|how\s+many)\s+(?:documents|decisions|circulars)\b",
    )
)
# Who may issue a document, as a question names them to choose between (folded)
_ISSUERS = r"(?:bo|hoi|so|ubnd|uy\s+ban|thu\s+tuong|chinh\s+phu|thanh\s+uy|quoc\s+hoi)"
# Every field's phrasings, one alternative a line (folded text: no diacritics, punctuation removed).
_FIELD_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        "signer",
        _any(
            # not "ai ký quyết định công nhận" (the signer of another paper), "who signs off" (approves)
            r"\b(?:ai|nguoi\s+nao|who)\s+(?:da\s+)?(?:k[iy]|signed|sign)\b"
            r"(?!\s+(?:quyet\s+dinh|qd|giay|bang|to\s+trinh|bien\s+ban|cong\s+nhan|off))",
            r"\bnguoi\s+k[iy]\b",  # "kí" is the other spelling of "ký"
            r"\bsigned\s+by\b",
            r"\bsigner\b",
            r"\bsignatory\b",
        ),
    ),
    (
        "in_force",
        _any(
            # not "hết / mất hiệu lực từ ngày nào" (when it was repealed)
            rf"(?<!het )(?<!mat )\b(?:co\s+)?hieu\s*luc(?:\s+thi\s+hanh)?"
            rf"\s+(?:tu|ke\s+tu|vao|tinh\s+tu|la)?\s*(?:{_WHEN})",
            # "ngày TT25 bắt đầu có hiệu lực là ngày nào": when it started to apply
            r"\bbat\s+dau\s+(?:co\s+)?hieu\s*luc\b",
            r"\bhieu\s*luc\s+thi\s+hanh\s*$",
            r"\b(?:ngay|khi|luc)\s+(?:nao|may)?\s*(?:co\s+)?hieu\s*luc\b",
            r"\b(?:ngay|thoi\s+diem)\s+(?:co\s+)?hieu\s*luc\b",
            r"\btake[sn]?\s+effect\b",
            r"\btook\s+effect\b",
            r"\bin\s+force\s+(?:from|since|on)\b",
            r"\beffective\s+(?:date|from|since)\b",
            r"\b(?:entry|come|came|comes|coming|go|goes|went)\s+into\s+(?:force|effect)\b",
            r"\bwhen\b(?!.*\b(?:stop|stopped|stops|cease|ceased|ceases|no\s+longer)\b).*\b(?:effective|in\s+force)\b",
            rf"\b(?:bat\s+dau\s+)?ap\s+dung\s+(?:tu\s+)?(?:{_WHEN})",
            # "vẫn làm theo TT44, phải chuyển sang TT25 từ ngày nào": from when the new one applies
            rf"\b(?:chuyen|doi)\s+(?:sang|qua)\b.*\btu\s+(?:{_WHEN})",
            r"\bappl(?:y|ies|ied)\s+(?:from|since)\b",
            r"\b(?:start|begin|began|started)\s+(?:to\s+)?apply\b",
        ),
    ),
    (
        "repealed_by",
        _any(
            r"\b(?:bi\s+)?(?:thay(?:\s+the)?|bai\s+bo)\s+(?:boi|bang)\b",
            r"\b(?:van\s+ban|thong\s+tu|quyet\s+dinh|cai)\s+nao\s+(?:da\s+)?(?:thay|bai\s+bo)\b",
            r"\b(?:cai\s+)?gi\s+(?:da\s+)?thay(?:\s+the)?\s*(?:cho\s+)?(?=\S)",
            r"\bthay\s+bang\s+(?:gi|cai\s+gi|van\s+ban\s+nao)\b",
            r"\breplaced\s+(?:by|with)\b",
            r"\bwhat\s+replaced\b",
            r"\bwhich\b.*\breplaced\b",
            r"\brepealed\s+by\b",
            r"\bsuperseded\b",
            rf"\b(?:het\s+hieu\s+luc|mat\s+hieu\s+luc|bai\s+bo|bo)\s+(?:tu\s+|la\s+)?(?:{_WHEN})",
            r"\bwhen\b.*\b(?:repealed|abolished|replaced|expired?)\b",
            # "on which date did Circular 44 stop having legal effect", "cease to apply", "lose its force"
            r"\b(?:stop|stopped|stops|cease|ceased|ceases)\s+(?:to\s+)?(?:be(?:ing)?\s+in\s+force|be(?:ing)?\s+valid"
            r"|hav(?:e|ing)\s+(?:legal\s+)?effect|apply|applying)\b",
            r"\b(?:lose|lost|loses)\s+(?:its\s+)?(?:legal\s+)?(?:effect|force|validity)\b",
            # "TT44 chết hồi nào", "hết xài từ bao giờ": when a document died, as cadres say it
            rf"\b(?:chet|het\s+xai|het\s+dung|bi\s+khai\s+tu|khai\s+tu)\s+(?:tu\s+)?(?:{_WHEN})",
            r"\bnhu\s+nao\b.*\bbai\s+bo\b",
        ),
    ),
    (
        "replaces",
        _any(
            r"\bthay(?:\s+the)?\s+(?:cho\s+)?(?:van\s+ban|thong\s+tu|quyet\s+dinh|cai)\s+(?:nao|gi)\b",
            r"\bwhat\s+did\b.*\breplace\b",
            r"\bwhich\b.*\bdid\b.*\breplace\b",
            r"\bbai\s+bo\s+(?:van\s+ban|thong\s+tu|cai)\s+(?:nao|gi)\b",
            r"\bwhat\s+did\b.*\brepeal\b",
        ),
    ),
    (
        "status",
        _any(
            r"\b(?:con|het|da\s+het|co\s+con|dang\s+co|co)\s+hieu\s*luc\s+(?:khong|ko|k|chua|nua|ha|a)\b",
            r"\b(?:con|het|da\s+het)\s+hieu\s*luc\b",
            r"\bcon\s+(?:ap\s+dung|dung|xai|su\s+dung|gia\s+tri)\b",
            # "còn xét / chấm / làm theo QĐ 448 không": still followed
            r"\bcon\s+(?:duoc\s+)?(?:xet|cham|lam|danh\s+gia|cong\s+nhan)\s+theo\b",
            # not "luật … đang dùng là luật số mấy": the one in use, described
            r"\b(?:dang|con\s+dang|van\s+dang|van\s+con)\s+(?:duoc\s+)?(?:ap\s+dung|dung|xai|su\s+dung|thuc\s+hien)\b"
            r"(?!\s+(?:la|hien\s+nay\s+la)\b)",
            r"\bbi\s+bai\s+bo\s+(?:chua|roi)\b",
            r"\b(?:bi|da\s+bi|da\s+duoc|duoc)\s+thay(?:\s+the)?\s+(?:chua|roi|khong|ko)\b",
            r"\bbai\s+bo\s+chua\b",
            r"\bhet\s+han\b",
            r"\b(?:chet|het\s+xai|het\s+dung|khai\s+tu)\s+(?:roi|chua|ha|hay\s+chua|that\s+khong)\b",
            r"\bout\s+of\s+date\b",
            r"\boutdated\b",
            r"\b(?:is|are)\b.*\bexpired\s*\??$",
            r"\bstill\s+(?:in\s+force|valid|apply|applies|applicable|in\s+effect|in\s+use|used|current)\b",
            r"\bno\s+longer\b",
            r"\b(?:is|are)\b.*\b(?:repealed|in\s+force|valid|in\s+effect)\s*\??$",
            r"\bthe\s+one\s+in\s+force\b",
        ),
    ),
    (
        "amended_by",
        _any(r"\bsua\s+doi\b", r"\bsua\s+(?:boi|bang)\b", r"\bduoc\s+sua\b", r"\bamended\b", r"\bamends?\b"),
    ),
    (
        "number",
        _any(
            # "cơ sở gì" is not "số gì"; "tiêu chí / điều / bước số mấy" asks which one, not the document's
            r"(?<!co )(?<!tc )(?<!chi )(?<!tieu )(?<!dieu )(?<!muc )(?<!buoc )(?<!khoan )(?<!phuong )"
            r"\bso\s+(?:hieu|may|bao\s+nhieu|gi)\b",
            r"\bco\s+so\s+hieu\b(?!\s+qua)",  # "có số hiệu đầy đủ", not "cơ sở hiệu quả"
            r"\b(?:luat|thong\s+tu|quyet\s+dinh)\s+so\s+(?:may|bao\s+nhieu)\b",
            r"\bwhat\s+(?:is\s+)?(?:the\s+)?number\b",
            r"\bwhich\s+number\b",
            r"\bnumbered\b",
            r"\bfull\s+number\b",
            # "Bot nhớ số hông", "cần trích số công văn đó": the number of the document told about
            r"\b(?:nho|biet|xin|trich|ghi)\s+(?:cai\s+)?so\b(?!\s+(?:luong|nguoi|tien|lieu|diem))",
            r"\bso\s+(?:cua\s+)?(?:cong\s+van|thong\s+tu|quyet\s+dinh|nghi\s+dinh|nghi\s+quyet|chi\s+thi)\b",
            # "448/QĐ-KHVN với 448/QĐ-HKH có phải cùng 1 QĐ", "… 2 QĐ khác nhau": its numbers, one document
            r"\bcung\s+(?:1|mot)\s+(?:van\s+ban|vb|qd|quyet\s+dinh|thong\s+tu|tt|cong\s+van|cv)\b",
            r"\b(?:2|hai)\s+(?:van\s+ban|vb|qd|quyet\s+dinh|thong\s+tu|tt|cong\s+van|cv)\s+khac\s+nhau\b",
            r"\b(?:the\s+)?same\s+(?:document|decision|circular)\b",
        ),
    ),
    (
        "basis",
        _any(
            # not "X là căn cứ để …": X is the ground of something else; nor "còn được dùng làm căn cứ không":
            # whether it still applies
            r"(?<!\bla )(?<!\bdung lam )\bcan\s+cu\b",
            # "dựa trên mấy tiêu chí", "based on how many criteria" ask a count, not the basis
            r"\bdua\s+(?:tren|vao|theo)\b(?!\s+(?:bao\s+nhieu|may)\b)",
            r"\b(?:theo|tren\s+co\s+so)\s+de\s+nghi\s+cua\b",
            r"\bproposed\s+by\b",
            # "do vụ nào đề nghị soạn thảo", "who drafted it": whose proposal it was drafted at
            r"\b(?:de\s+nghi|chu\s+tri)\s+soan\s+thao\b",
            r"\b(?:vu|cuc|co\s+quan|don\s+vi)\s+nao\b.*\b(?:de\s+nghi|soan)\b",
            r"\bwho\s+(?:drafted|proposed)\b",
            r"\b(?:at|on)\s+the\s+proposal\s+of\b",
            r"\bbased\s+on\b(?!\s+how\s+many\b)",
            r"\bon\s+the\s+basis\b",
            r"\bgrounds?\b",
        ),
    ),
    (
        "issuer",
        _any(
            r"\b(?:co\s+quan|bo|don\s+vi|cap)\s+nao\s+(?:da\s+)?(?:ban\s+hanh|ra|lam)\b",
            r"\b(?:co\s+quan|don\s+vi)\s+nao\s+(?:cua|o|tai|thuoc)\s+(?:\w+\s+){1,5}?(?:da\s+)?ban\s+hanh\b",
            # "của Bộ ra hay của Hội ra", "Bộ ban hành hay Hội ban hành": which of two issuers
            rf"\b(?:cua|do)\s+{_ISSUERS}\b(?:\s+\w+){{0,3}}?\s+hay\s+(?:la\s+)?(?:cua|do)\s+{_ISSUERS}\b",
            rf"\b{_ISSUERS}\s+(?:ban\s+hanh|ra)\s+hay\s+(?:la\s+)?{_ISSUERS}\s+(?:ban\s+hanh|ra)\b",
            r"\b(?:ai|do\s+ai|cua\s+ai)\s+(?:ban\s+hanh|ra)\b",
            # not "CĐHT cấp tỉnh do ai quyết định công nhận" (who recognises, under the document)
            r"\bdo\s+ai\b(?!\s+(?:quyet\s+dinh|q\w*\s+dinh|cong\s+nhan|danh\s+gia|xet|cap|phe\s+duyet|kiem\s+tra))",
            r"\b(?:co\s+quan|don\s+vi|noi)\s+ban\s+hanh\b",
            # "TT44 (là) của ai", "văn bản này của ai"; not "kết quả học tập của ai", "ý kiến của ai": whose
            # results, whose opinion
            r"(?:^|\b(?:la|nay|do|ay|van\s+ban|thong\s+tu|quyet\s+dinh|nghi\s+dinh|cong\s+van|chi\s+thi))"
            r"\s*cua\s+ai\b",
            r"\bcua\s+(?:co\s+quan|bo)\s+nao\b",  # "của bộ giáo dục" states the issuer; "của bộ nào" asks it
            r"\bcua\s+(?:tinh|thanh\s+pho|dia\s+phuong|hoi|to\s+chuc)\s+nao\b",  # "là của tỉnh nào"
            r"\b(?:tinh|thanh\s+pho|dia\s+phuong)\s+nao\s+(?:da\s+)?(?:ban\s+hanh|ra)\b",
            r"\bwhich\s+(?:province|city)\b",
            r"\bwhich\s+(?:ministry|body|agency|authority|office|organisation|organization)\b",
            r"\bwho\s+(?:issued|adopted|made)\b",
            r"\b(?:who|which\s+\w+|what\s+\w+)\s+(?:put|puts|brought|brings)\s+(?:it\s+)?out\b",
            r"\bissued\s+by\s+whom\b",
            r"\bissuer\b",
        ),
    ),
    (
        "signed",
        _any(
            rf"\b(?:ban\s+hanh|k[iy]|ra|de|duoc\s+k[iy]|k[iy]\s+ban\s+hanh|ra\s+doi)\s+(?:vao\s+|tu\s+)?(?:{_WHEN})",
            r"\b(?<!viet )(?:ngay|nam)\s+(?:ban\s+hanh|k[iy]|ra)\b",
            r"\bngay\s+(?:nao|may|bao\s*nhieu)\b",
            r"\bngay\s+thang(?:\s+nam)?\s+(?:nao|may|bao\s*nhieu)\b",
            r"\bngay\s+(?:la|vao)\s+(?:ngay\s+)?(?:nao|may|bao\s*nhieu)\b",
            r"\bco\s+tu\s+(?:khi\s+nao|bao\s*gio|luc\s+nao|hoi\s+nao|nam\s+nao)\b",
            r"\bnam\s+nao\b(?!\s+cung)",
            r"\bwhen\b.*\b(?:issued|signed|adopted|published|dated|promulgated|passed|enacted)\b",
            r"\bwhen\b.*\b(?:come|came|put|brought)\s+out\b",
            rf"\b(?:duoc\s+)?thong\s+qua\s+(?:vao\s+)?(?:{_WHEN})",
            r"\b(?:issue|signing)\s+date\b",
            r"\bdate\s+of\s+(?:issue|signing)\b",
            r"\bdated\b",
            r"\b(?:what|which)\s+(?:date|year)\b",
            r"(?<!of )\bdate\s*\??$",
        ),
    ),
    (
        "about",
        _any(
            r"\bla\s+(?:gi|van\s+ban\s+gi|thong\s+tu\s+gi|quyet\s+dinh\s+gi|cai\s+gi|nghi\s+dinh\s+gi|cong\s+van\s+gi"
            r"|luat\s+gi|thu\s+tuc\s+gi|nghi\s+quyet\s+gi|chi\s+thi\s+gi|(?:tt|qd|nd|nq|cv|ct|vb)\s+gi)\b",
            r"\b(?:quy\s+dinh|noi|ban\s+hanh|phan\s+cap|de\s+cap|lam)\s+(?:ve\s+)?(?:gi|cai\s+gi|van\s+de\s+gi"
            r"|nhung\s+gi|dieu\s+gi|linh\s+vuc\s+(?:gi|nao)|gi\s+vay)\b",
            r"\b(?:ve|about)\s+(?:cai\s+)?(?:gi|what)\b",
            r"\b(?:ve|thuoc)\s+(?:linh\s+vuc|mang|nganh)\s+(?:gi|nao)\b",  # "là vb về mảng nào"
            r"\bnoi\s+dung\b",
            r"\bwhat\s+(?:is|was|are)\b",
            r"\bwhat\s+does\b.*\b(?:cover|regulate|say|do|govern|deal)\b",
            r"\bwhat\b.*\b(?:covers|regulates|says|governs|deals\s+with|is\s+about)\b",
            r"\bwhat\b.*\babout\b",
            r"^(?:is|was|are)\s+(?:it\s+)?.*\b(?:only\s+|just\s+|all\s+)?about\b",
            r"\bwhich\b.*\b(?:covers?|regulates?|deals?\s+with|governs?)\b",
            r"\bwhat\s+did\b.*\b(?:cover|regulate|say|do)\b",
            r"\bla\s+ve\b",
            # "bot biết gì về TT44", "cho tui biết về QĐ 448", "kể về …", "tell me about Circular 44"
            r"\b(?:biet|ke|gioi\s+thieu|tim\s+hieu)\s+(?:gi\s+|chut\s+|so\s+qua\s+|qua\s+)?ve\b",
            r"\b(?:tell|know)\s+(?:me\s+|us\s+)?(?:anything\s+|something\s+|more\s+)?about\b",
            # "nói về việc gì", "về chuyện gì", "công bố cái gì", "nói gì": what it is about
            r"\b(?:noi|ve|cong\s+bo|ban\s+hanh|la)\s+(?:ve\s+)?(?:viec|chuyen|van\s+de|cai)\s+(?:gi|nao)\b",
            r"\b(?:noi|cong\s+bo)\s+gi\b",
            # "QĐ 448 đặt ra những danh hiệu gì", "có thêm danh hiệu mới nào": the titles a decision sets up
            r"\b(?:dat\s+ra|quy\s+dinh|co|them|ban\s+hanh|cho)\s+(?:nhung\s+|cac\s+|them\s+)?danh\s+hieu(?:\s+moi)?"
            r"\s+(?:gi|nao)\b",
            # "liên quan gì tới QĐ 448", "có liên quan thế nào": what it is, as the record tells it
            r"\blien\s+quan\s+(?:gi|the\s+nao|ra\s+sao|nhu\s+the\s+nao)\b",
            r"\bhow\s+is\b.*\brelated\b",
            # "áp dụng cho giai đoạn nào", "for what period": the period is part of what a decision is about
            r"\b(?:giai\s+doan|thoi\s+ky)\s+nao\b",
            _PERIOD_ASKED,
            r"\b(?:what|which)\s+(?:period|years)\b",
            # "phê duyệt đề án gì", "ban hành quy chế gì": what a decision approves or issues
            r"\b(?:phe\s+duyet|ban\s+hanh|quy\s+dinh|de\s+ra|noi)\s+(?:de\s+an|chuong\s+trinh|ke\s+hoach|quy\s+che"
            r"|chuyen|van\s+de|muc\s+tieu)\s+(?:gi|nao)\b",
            # "ban hành quy chế về loại cơ sở nào": what the regulation it issues is about
            r"\b(?:quy\s+che|quy\s+dinh)\s+ve\s+(?:\w+\s+){1,3}?(?:gi|nao)\b",
            r"\bwhat\s+s\b",
            r"\bwhat\b.*\bchange[sd]?\b",
            r"\b(?:thay\s+doi|sua)\s+(?:nhung\s+)?(?:gi|cai\s+gi|dieu\s+gi)\b",
            r"\blam\s+gi\b",
            # "CV 6782 hướng dẫn việc gì", "VBHN 03 hợp nhất luật nào", "công văn 2102 để thực hiện văn bản
            # nào", "truyền đạt ý kiến của ai": what a document does, as its record tells it
            r"\b(?:huong\s+dan|hop\s+nhat|trien\s+khai|thuc\s+hien|truyen\s+dat|cu\s+the\s+hoa)\s+(?:ve\s+)?"
            r"(?:viec\s+|chuyen\s+|van\s+de\s+|luat\s+|van\s+ban\s+|chu\s+truong\s+|y\s+kien\s+(?:cua\s+)?)?"
            r"(?:gi|nao|ai)\b",
            # "VBHN 03 là văn bản hợp nhất của luật nào", "… là của luật gì": the law it consolidates
            r"\b(?:hop\s+nhat|vbhn|la)\s+(?:cua\s+)?luat\s+(?:gi|nao)\b",
        ),
    ),
    # why the document was issued: answered only by the entry that says it (`entries: {purpose: …}`)
    ("purpose", PURPOSE_ASKED.pattern),
)
_FIELDS = tuple((name, re.compile(pattern)) for name, pattern in _FIELD_PATTERNS)
# Words a question about a document's field uses besides the document and the field (folded).
GENERIC_WORDS = words(
    """
    van ban hanh ky ki ngay nam thang nao may gi cai la do ai duoc co hieu luc tu khi bao gio con khong ko k
    chua het bi bai bo thay the boi bang so quy dinh ve noi ra de hom dung ap xai su gia tri roi da nhu
    nguoi ke vao tinh cua hay nua sao ha vay a ah oi nhe nha ad bot cho hoi em anh chi minh toi chau xin
    thong quyet nghi cong thi luat phap hop nhat dua tren can cu linh vuc phan cap lam ten chinh thuc day
    du full name entry dang hien hanh muon xet biet ghi vien dan trich dung lam cited lay
    what when who which is was were the of an does did has have by on in from since still valid force
    effect took take takes taken came come into issued signed adopted published dated date number numbered
    replaced repealed replace repeal amended amend based basis about cover covers regulate regulates say
    says circular decision decree resolution letter directive law official it its this that ministry body
    please tell me effective expired abolished superseded whats and va voi cung nhung one today use used
    thu tuc ma passed enacted hoi han qua doi sua change changed changes year apply applies applied start
    started begin began outdated phe duyet an chuyen soan drafted don vi thao viec bo giai doan period put
    out brought proposed lien quan toi den related how tinh province city danh hieu moi them chet khai tu
    troi quick summary summarise summarize brief briefly short pls plz actually exactly just im new lai mang
    giua between sung supplement supplemented no thuong usually
    """
)
# Words that ask the date issued itself, beside a date in force ("ban hành ngày nào, hiệu lực từ khi nào").
ISSUE_WORD = re.compile(r"\b(?:ban\s+hanh|k[iy]|ra\s+doi|issued?|signed|adopted|published|promulgated)\b")
# Issuers that are one person's office: what they issue, that office signs.
_ISSUED_BY_A_PERSON = re.compile(r"(?:thu\s+tuong|bo\s+truong|chu\s+tich)\b")
# "Điều 42 Nghị định 46/2017 …": a question about an article of a document is not about the document's record.
ARTICLE = re.compile(r"\b(?:dieu|khoan|article|art|clause)\s*\d+")

# Words joining two questions about one document ("ký ngày nào và để thực hiện văn bản nào").
_JOINED = re.compile(r"\b(?:va|voi|con|and|also)\b")


def _asked_apart(text: str, spans: Mapping[str, list[tuple[int, int]]], field: str) -> bool:
    """Whether `field` is asked as a question of its own, joined to another field's by "và", "còn", "and"."""
    others = [span for name, found in spans.items() if name != field for span in found]
    for start, end in spans[field]:
        for other_start, other_end in others:
            if other_end <= start and _JOINED.search(text, other_end, start):
                return True
            if end <= other_start and _JOINED.search(text, end, other_start):
                return True
    return False


# "(phải xong) trước ngày nào", "hạn chót ngày mấy": a deadline the document sets, not its own date (folded)
_DEADLINE = re.compile(
    r"\b(?:truoc|trc|cham\s+nhat|han\s+chot|han|deadline)\s+(?:la\s+)?ngay\s+(?:nao|may|bao\s*nhieu|bn)\b"
)


def detect_fields(folded: str) -> list[str]:
    """The fields a question asks about a document, in FIELDS order ("signed", "status", …)."""
    text = " ".join(re.sub(r"[^\w\s/]", " ", folded).split())
    spans: dict[str, list[tuple[int, int]]] = {}
    for name, pattern in _FIELDS:
        found_spans = [m.span() for m in pattern.finditer(text)]
        if found_spans:
            spans[name] = found_spans
    # A date or status word that belongs to a more specific field ("hiệu lực từ ngày nào" is not the date
    # issued; "hết hiệu lực từ khi nào" is when it was repealed) does not count on its own.
    specific = [span for name in ("in_force", "repealed_by", "replaces") for span in spans.get(name, [])]
    specific += [m.span() for m in _PERIOD.finditer(text)]  # "áp dụng cho những năm nào": its period
    specific += [m.span() for m in _DEADLINE.finditer(text)]  # "xong trước ngày nào": a deadline it sets
    for general in ("signed", "status"):
        if general in spans:
            left = [sp for sp in spans[general] if not any(sp[0] < e and s < sp[1] for s, e in specific)]
            if left:
                spans[general] = left
            else:
                del spans[general]
    found = list(spans)
    if "signed" in found and {"in_force", "repealed_by"} & set(found) and not ISSUE_WORD.search(text):
        # "on what date did it come into effect", "which date did it stop having effect": one date, not the
        # date signed
        found.remove("signed")
    if "signer" in found and "issuer" in found:
        found.remove("issuer")  # "do ai ký ban hành": who signed
    if "status" in found and "repealed_by" in found:
        found.remove("status")
    if "number" in found and {"amended_by", "repealed_by", "replaces"} & set(found):
        found.remove("number")  # "được sửa đổi bởi thông tư số mấy": the other document's number
    if len(set(found) - {"purpose"}) > 1 and "about" in found and not _asked_apart(text, spans, "about"):
        found.remove("about")  # "TT44 ban hành ngày nào là gì": the specific field (a purpose the record
        # may not have an entry for: "QĐ 645 dùng để làm gì" is then what it is about)
    return [f for f in FIELDS if f in found]


# --- answers from a record ------------------------------------------------------------------------


# An official number in a document's name: "25/2023/TT-BGDĐT", "1315/QĐ-TTg"; a Party document's "04-CT/TU".
_OFFICIAL_NUMBER = re.compile(r"\b\d+/(?:\d{4}/)?[A-ZĐ]+(?:-[A-Za-zĐđ0-9]+)+|\b\d+-[A-ZĐ]+/[A-ZĐ]+\b")


class FieldAnswer(NamedTuple):
    """A record's answer to some fields, in one language; `confirmed` is False when a field is unverified."""

    text: str
    confirmed: bool


def answer_fields(
    index: DocumentIndex,
    record: DocumentRecord,
    fields: Iterable[str],
    texts: Mapping[str, str],
    locale: str,
    year_asked: bool = False,
) -> FieldAnswer | None:
    """The sentences answering `fields` of `record` in `locale`, or None when the record lacks any of them.
    `year_asked`: the question asks the year it was issued in, which its name or number may carry ("Luật
    Giáo dục năm nào …", "NĐ 46/2017 ra năm nào") when its date is not known."""
    from bot.core.faq import texts as t

    name = f"<b>{record.text('name', locale)}</b>"
    sentences: list[str] = []
    confirmed = True
    fields = list(fields)

    def other(document_id: str) -> str:
        if document_id == UNCONFIRMED:
            return texts[t.UNKNOWN_OTHER]
        found = index.get(document_id)
        return found.text("name", locale) if found is not None else document_id

    for asked in fields:
        if asked == "signed":
            if not record.signed and year_asked and record.year is not None:
                sentences.append(texts[t.SIGNED_YEAR].format(name=name, date=record.year))
            elif not record.signed:
                return None
            elif record.signed == UNCONFIRMED:
                confirmed = False
                sentences.append(texts[t.SIGNED_UNCONFIRMED].format(name=name))
            else:
                template = t.SIGNED_YEAR if re.fullmatch(r"\d{4}", record.signed) else t.SIGNED
                sentences.append(texts[template].format(name=name, date=record.signed))
        elif asked == "signer":
            if record.signer:
                sentences.append(texts[t.SIGNER].format(name=name, signer=record.text("signer", locale)))
            elif _ISSUED_BY_A_PERSON.match(fold(record.issuer)) and "issuer" not in fields:
                # "QĐ 387/QĐ-TTg ai ký": a decision of the Prime Minister is signed by that office; a
                # ministry's or the Government's document names no signer here, so it is declined
                sentences.append(texts[t.ISSUER].format(name=name, issuer=record.text("issuer", locale)))
            else:
                return None
        elif asked == "issuer":
            if not record.issuer:
                return None
            issuer = record.text("issuer", locale)
            if record.signed and record.signed != UNCONFIRMED and "signed" not in fields:
                template = t.ISSUER_IN if re.fullmatch(r"\d{4}", record.signed) else t.ISSUER_ON
                sentences.append(texts[template].format(name=name, issuer=issuer, date=record.signed))
            else:
                sentences.append(texts[t.ISSUER].format(name=name, issuer=issuer))
        elif asked == "in_force":
            if not record.in_force or record.in_force == CURRENT:
                return None
            if record.in_force == UNCONFIRMED:
                confirmed = False
                sentences.append(texts[t.IN_FORCE_UNCONFIRMED].format(name=name))
            else:
                sentences.append(texts[t.IN_FORCE].format(name=name, date=record.in_force))
        elif asked in ("status", "repealed_by"):
            sentence = _status(record, texts, name, other)
            if sentence is None:
                return None
            if sentence[1] is False:
                confirmed = False
            sentences.append(sentence[0])
        elif asked == "replaces":
            if not record.replaces:
                return None
            sentences.append(texts[t.REPLACES].format(name=name, other=other(record.replaces)))
        elif asked == "amended_by":
            if record.amended_by:
                others = ", ".join(other(d) for d in record.amended_by)
                sentences.append(texts[t.AMENDED_BY].format(name=name, other=others))
            elif record.amends and record.about:
                # what it changes, in the record's words ("sửa đổi, bổ sung Quy chế … (kèm QĐ 09/2008)")
                sentences.append(texts[t.ABOUT].format(name=name, about=record.text("about", locale)))
            elif record.amends:
                others = ", ".join(other(d) for d in record.amends)
                sentences.append(texts[t.AMENDS].format(name=name, other=others))
            else:
                return None
        elif asked == "number":
            # the number is the record's own, or the official one its name carries ("…25/2023/TT-BGDĐT")
            numbered = _OFFICIAL_NUMBER.search(record.name)
            number = record.number or (numbered.group(0) if numbered else "")
            if not number:
                return None
            if ", " in number:  # "448/QĐ-KHVN, 448/QĐ-HKH": one decision written two ways
                sentences.append(texts[t.NUMBERS].format(name=name, numbers=number))
            else:
                sentences.append(texts[t.NUMBER].format(name=name, number=number))
        elif asked == "purpose":
            return None  # why a document was issued is an entry's (`entries: {purpose: …}`)
        elif asked == "articles":
            if not record.articles:
                return None
            sentences.append(texts[t.ARTICLES].format(name=name, articles=record.text("articles", locale)))
        elif asked == "basis":
            if not record.basis:
                return None
            sentences.append(texts[t.BASIS].format(name=name, basis=record.text("basis", locale)))
        elif asked == "about":
            if not record.about:
                return None
            about = record.text("about", locale)
            if (
                record.issuer
                and record.signed
                and record.signed != UNCONFIRMED
                and not {"signed", "issuer"} & set(fields)
            ):
                template = t.ABOUT_ISSUED_YEAR if re.fullmatch(r"\d{4}", record.signed) else t.ABOUT_ISSUED
                sentences.append(
                    texts[template].format(
                        name=name, issuer=record.text("issuer", locale), date=record.signed, about=about
                    )
                )
            else:
                sentences.append(texts[t.ABOUT].format(name=name, about=about))
        name = record.text("name", locale)  # bold once
    if record.repealed and not {"status", "repealed_by"} & set(fields):
        replacement = other(record.repealed_by) if record.repealed_by else texts[t.UNKNOWN_OTHER]
        sentences.append(
            texts[t.REPEALED_NOTE].format(
                name=record.text("name", locale), date=record.repealed, other=replacement
            )
        )
    return FieldAnswer(" ".join(sentences), confirmed)


def _status(
    record: DocumentRecord, texts: Mapping[str, str], name: str, other: Callable[[str], str]
) -> tuple[str, bool] | None:
    """Whether the document is in force, as a sentence, and whether that is confirmed; None when unknown."""
    from bot.core.faq import texts as t

    if record.repealed:
        if record.repealed == UNCONFIRMED:
            return texts[t.STATUS_UNCONFIRMED].format(name=name), False
        if record.repealed_by:
            text = texts[t.REPEALED_REPLACED].format(
                name=name, date=record.repealed, other=other(record.repealed_by)
            )
            return text, True
        return texts[t.REPEALED].format(name=name, date=record.repealed), True
    if record.in_force == CURRENT:
        return texts[t.STATUS_IN_FORCE].format(name=name), True
    if record.in_force and record.in_force != UNCONFIRMED:
        return texts[t.STATUS_IN_FORCE_SINCE].format(name=name, date=record.in_force), True
    return None


def card(index: DocumentIndex, record: DocumentRecord, texts: Mapping[str, str], locale: str) -> str:
    """Everything the record holds, as sentences: the long version ("Xem thêm") of a document answer."""
    parts: list[str] = []
    shown = ("about", "signer", "in_force", "status", "replaces", "amended_by", "basis", "number", "articles")
    for asked in shown:
        answer = answer_fields(index, record, [asked], texts, locale)
        if answer is not None:
            text = answer.text.split("⚠️")[0].strip()
            if text and text not in parts:
                parts.append(text)
    return " ".join(parts)
