"""Which document a question describes without naming it.

"Giai đoạn 2021–2030 phong trào học tập suốt đời trong gia đình, dòng họ … triển khai theo quyết định nào?",
"Nghị quyết nào của Ủy ban Thường vụ Quốc hội sắp xếp các phường của TP.HCM?": the question asks which
document (`find`), or asks a field of one it describes instead of naming it ("cái thông tư chấm cộng đồng học
tập hồi 2014 ký ngày nào": `described`), in words of the document's record (its name, what it is about, who
issued it, the year it was signed). The record whose words cover most of the description – weighted by how few
records share each word, syllables and their pairs – is the one, when it covers enough of it and clearly more
than any other record.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable

from bot.core.faq.documents import DocumentRecord
from bot.core.faq.normalise import KIND_SAID, Normaliser
from bot.core.text import fold

# "quyết định nào", "thông tư số mấy", "văn bản gì", "which circular": the question asks for a document
# (folded, punctuation removed). The kind asked, when given, narrows the records.
_ASKS_WHICH = re.compile(
    r"\b(?P<kind>van ban|thong tu|quyet dinh|nghi dinh|nghi quyet|chi thi|cong van|tt|qd|nd|nq)\s+"
    r"(?:nao|gi|so may|so bao nhieu|so gi|so hieu (?:gi|nao|may|bao nhieu))\b"
    # "… theo TT44 hay văn bản khác": the one named is a guess; which one is asked
    r"|\bhay\s+(?:la\s+)?(?:phai\s+)?(?:theo\s+|can\s+cu\s+)?"
    r"(?P<kind_other>van ban|thong tu|quyet dinh)\s+khac\b"
    r"|\b(?:which|what)\s+"
    r"(?P<kind_en>document|circular|decision|decree|resolution|directive|official letter)\b"
    # "Nghị quyết của UBTVQH năm 2025 về sắp xếp phường … mang số hiệu gì": the kind first, its number last
    r"|\b(?P<kind_far>van ban|thong tu|quyet dinh|nghi dinh|nghi quyet|chi thi|cong van)\b.*"
    r"\b(?:mang|co|la)\s+so\s+(?:hieu\s+)?(?:gi|nao|may|bao nhieu)\s*$"
)
_KIND_REFS = {
    "thong tu": "tt",
    "tt": "tt",
    "circular": "tt",
    "quyet dinh": "qd",
    "qd": "qd",
    "decision": "qd",
    "nghi dinh": "nd",
    "nd": "nd",
    "decree": "nd",
    "nghi quyet": "nq",
    "nq": "nq",
    "resolution": "nq",
    "chi thi": "ct",
    "directive": "ct",
    "cong van": "cv",
    "official letter": "cv",
}
# A kind of document named without its number ("cái thông tư chấm CĐHT hồi 2014", "công văn năm 2015 của Bộ").
_KIND_NAMED = re.compile(
    r"\b(?:thong tu|quyet dinh|nghi dinh|nghi quyet|chi thi|cong van|circular|decision|decree|resolution"
    r"|directive|official letter)\b"
)
# "Năm 2016 các xã đánh giá CĐHT theo văn bản nào", "sang đợt đánh giá năm 2024 thì theo văn bản nào": the
# year the document applied in, not one it was signed in ("thông tư năm 2014", "văn bản năm 2016 của Thành ủy"
# – a year right after a kind of document or its number describes it). Folded, punctuation removed.
_APPLIED_IN = re.compile(
    r"(?<!thong tu )(?<!quyet dinh )(?<!nghi dinh )(?<!nghi quyet )(?<!chi thi )(?<!cong van )(?<!van ban )"
    r"(?<!\d )"
    r"\b(?:(?:vao|trong|tu|den|cho|dot|ky)\s+)?(?:danh gia\s+)?nam\s+(?P<year>(?:19|20)\d\d)\b"
)
MIN_COVER = 0.6  # the share of the description (by weight) the record's words must hold
MIN_LEAD = 0.2  # how much more of it than the next record
# A document a question describes to ask one of its fields ("cái thông tư … hồi 2014 ký ngày nào") may be told
# among more of the asker's words than one asked for by "which one".
DESCRIBED_COVER = 0.5


# What a record says a document is not ("… – không áp dụng cho Cộng đồng học tập cấp xã") describes it not.
_NOT_FOR = re.compile(r"[;,–-]?\s*(?:không áp dụng cho|not for)\b[^;–]*", re.IGNORECASE)


_ASIDE = re.compile(r"\([^()]*\)")


def without_asides(text: str) -> str:
    """`text` without its remarks in brackets: "năm 2023 (trước khi có văn bản mới hiệu lực) theo văn bản nào"
    describes no document by the aside."""
    return _ASIDE.sub(" ", text)


def asks_another(folded: str) -> bool:
    """Whether a folded question asks for another document than the one it names ("… theo TT44 hay văn bản
    khác")."""
    asked = _ASKS_WHICH.search(_plain(folded))
    return asked is not None and asked.group("kind_other") is not None


def asks_which(folded: str) -> bool:
    """Whether a folded question asks which document ("… theo quyết định nào")."""
    return _ASKS_WHICH.search(_plain(folded)) is not None


def asks_which_in_year(folded: str) -> bool:
    """Whether a folded question asks which document applied in a year ("năm 2016 … theo văn bản nào")."""
    text = _plain(folded)
    return _ASKS_WHICH.search(text) is not None and _APPLIED_IN.search(text) is not None


def _applied_in(record: DocumentRecord, year: int) -> bool:
    """Whether `record`'s document is known to have applied in `year`: in force (or, its start unknown,
    signed) by then, and not repealed before its end."""
    started = year_of(record.in_force) or year_of(record.signed)
    ended = year_of(record.repealed)
    return started is not None and started <= year and (ended is None or ended > year)


def year_of(date: str) -> int | None:
    """The year in a record's date ("12/02/2024" → 2024), or None when it holds none ("unconfirmed")."""
    found = re.search(r"\b(?:19|20)\d\d\b", date)
    return int(found.group(0)) if found else None


def _cites(record: DocumentRecord, other: DocumentRecord) -> bool:
    """Whether `record` says it is about something under `other` ("… (Quyết định 448)")."""
    about = fold(record.about)
    for ref in other.refs:
        split = _REF.fullmatch(ref)
        words = _REF_WORDS.get(split["kind"], "") if split is not None else ""
        if split is not None and words and re.search(rf"\b{words}\s+{split['number']}\b", about):
            return True
    return False


_REF = re.compile(r"(?P<kind>[a-z]+)(?P<number>\d+)")
_REF_WORDS = {kind: said for kind, said in KIND_SAID.items() if kind != "ct"}


def _plain(folded: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


class DescribedDocuments:
    """The records, as descriptions a question may match.

    Texts are read as the matcher reads them (`normaliser` with the knowledge base's `compounds`); `generic`
    are the tokens that say nothing of a document ("văn bản", "ban hành", "nào"); `vocabulary` the words the
    knowledge base uses.
    """

    def __init__(
        self,
        records: Iterable[DocumentRecord],
        normaliser: Normaliser,
        compounds: frozenset[str],
        generic: frozenset[str],
        vocabulary: frozenset[str] = frozenset(),
    ) -> None:
        self._normaliser = normaliser
        self._compounds = compounds
        self._generic = generic
        self._vocabulary = vocabulary
        self._records = list(records)
        self._words = {
            record.id: self._terms(
                " , ".join(
                    [
                        _NOT_FOR.sub(" ", getattr(record, f"{key}{suffix}"))
                        for key in ("name", "about", "issuer")
                        for suffix in ("", "_en")
                    ]
                    + [f"năm {year}" for year in re.findall(r"\b(?:19|20)\d\d\b", record.signed)]
                )
            )
            for record in self._records
        }
        counts = Counter(term for terms in self._words.values() for term in terms)
        total = len(self._records)
        self._weight = {term: math.log((total + 1) / (count + 0.5)) for term, count in counts.items()}

    def _terms(self, text: str) -> frozenset[str]:
        """Content syllables and the pairs of neighbouring syllables, not both generic."""
        found = self._normaliser.tokens(text, self._compounds)
        pairs = (
            f"{a}_{b}"
            for a, b in itertools.pairwise(found)
            if not (a in self._generic and b in self._generic)
        )
        return frozenset([*(t for t in found if t not in self._generic), *pairs])

    def find(self, folded: str, named: Iterable[str] = (), now: bool = False) -> DocumentRecord | None:
        """The record `folded` asks for by describing it ("… theo quyết định nào"), or None.

        `named`: ids of documents the question names (the one asked for is another: "mục tiêu QĐ 281 hết hạn,
        giờ theo quyết định nào"); `now`: the question asks what applies now (a repealed one is no answer).
        """
        text = _plain(folded)
        asked = _ASKS_WHICH.search(text)
        if asked is None:
            return None
        kind = _KIND_REFS.get(
            asked.group("kind")
            or asked.group("kind_en")
            or asked.group("kind_far")
            or asked.group("kind_other")
            or ""
        )
        if asked.group("kind_far"):
            asking = re.search(r"\b(?:mang|co|la)\s+so\b", text[asked.start() :])
            assert asking is not None
            description = text[asked.end("kind_far") : asked.start() + asking.start()]
        else:
            description = f"{text[: asked.start()]} , {text[asked.end() :]}"
        excluded = set(named) | ({r.id for r in self._records if r.repealed} if now else set())
        # the year nearest the question word is when the document applied
        years = [m for m in _APPLIED_IN.finditer(description) if m.start() < len(text[: asked.start()]) + 3]
        years = years[-1:] or list(_APPLIED_IN.finditer(description))[:1]
        described = self._best(self._terms(description), kind, excluded)
        if described is None and named:
            # "QĐ 281 hết giai đoạn rồi, giờ theo quyết định nào": of the records that fit as well (QĐ 387 of
            # the Prime Minister, QĐ 448 of the association), the one from the same issuer as the one named (a
            # repealed one named has its successor in its record)
            named_ids = set(named)
            issuers = {r.issuer for r in self._records if r.id in named_ids and r.issuer and not r.repealed}
            if issuers:
                others = {r.id for r in self._records if r.issuer not in issuers}
                described = self._best(self._terms(description), kind, excluded | others)
        if not years or now:
            return described
        year = int(years[0].group("year"))
        if described is not None and _applied_in(described, year):
            return described  # "nghị quyết nào sắp xếp các phường năm 2025": the year describes it too
        # "năm 2023 xếp loại theo TT44, sang năm 2024 thì theo văn bản nào": what replaced (or came before)
        # the document named, that applied that year
        related = [r for r in self._related(named) if r.id not in named and _applied_in(r, year)]
        if len(related) == 1:
            return related[0]
        excluded |= {r.id for r in self._records if not _applied_in(r, year)}
        terms = self._terms(description[: years[0].start()] + " , " + description[years[0].end() :])
        # of several documents the description fits as well, the rules that changed over the years (one
        # replaced by another) are what a year asks after, not a decision publishing a procedure
        return self._best(terms, kind, excluded) or self._best(
            terms, kind, excluded | {r.id for r in self._records if not (r.replaces or r.repealed_by)}
        )

    def _related(self, ids: Iterable[str]) -> list[DocumentRecord]:
        """The records that replaced, or were replaced by, the records `ids`, and theirs in turn."""
        by_id = {r.id: r for r in self._records}
        seen: dict[str, DocumentRecord] = {}
        todo = [by_id[i] for i in ids if i in by_id]
        while todo:
            record = todo.pop()
            if record.id in seen:
                continue
            seen[record.id] = record
            todo += [by_id[i] for i in (record.repealed_by, record.replaces) if i in by_id]
        return list(seen.values())

    def described(self, folded: str) -> DocumentRecord | None:
        """The one record a question that names no document describes as the document it asks about ("cái
        thông tư chấm cộng đồng học tập hồi 2014 ký ngày nào", "công văn năm 2015 của Bộ … số mấy"): a kind
        of document, then what it is about, in the record's words. None when no record clearly fits."""
        text = _plain(folded)
        kind_named = _KIND_NAMED.search(text)
        if kind_named is None:
            return None
        kind = _KIND_REFS.get(kind_named.group(0))
        description = f"{text[: kind_named.start()]} , {text[kind_named.end() :]}"
        return self._best(self._terms(description), kind, set(), DESCRIBED_COVER)

    def _best(
        self, description: frozenset[str], kind: str | None, excluded: set[str], cover: float = MIN_COVER
    ) -> DocumentRecord | None:
        """The record of `kind` whose words cover most of `description` – enough of it, and clearly more than
        the next one – or None."""
        if any(
            term not in self._weight and "_" not in term and len(term) > 2 and term in self._vocabulary
            for term in description
        ):
            return None  # "thông tư nào quy định chuẩn nghề nghiệp giáo viên": a word of ours no record has
        # (a word the knowledge base never uses is the asker's chat; a pair of words no record has spans a
        # phrase boundary; a letter or two is part of an abbreviation)
        total = math.fsum(self._weight.get(term, 0.0) for term in description)
        if not total:
            return None
        scored = sorted(
            (
                (
                    math.fsum(self._weight[term] for term in description & self._words[record.id]) / total,
                    record.id,
                )
                for record in self._records
                if record.id not in excluded
                and (kind is None or any(ref.startswith(kind) for ref in record.refs))
            ),
            reverse=True,
        )
        if not scored:
            return None
        best, best_id = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best < cover:
            return None
        if best - runner_up < MIN_LEAD:
            # "Công văn 6782 … theo bộ tiêu chí của Hội (Quyết định 448)": of documents the description fits
            # as well, the one the other is written under
            return self._cited_by_the_other(best, scored)
        return next(r for r in self._records if r.id == best_id)

    def _cited_by_the_other(self, best: float, scored: list[tuple[float, str]]) -> DocumentRecord | None:
        """Of two records of the best score, the one the other cites in what it is about; else None."""
        by_id = {r.id: r for r in self._records}
        top = [i for score, i in scored if score == best]
        if len(top) != 2:
            return None
        cited = [i for i in top if any(_cites(by_id[other], by_id[i]) for other in top if other != i)]
        return by_id[cited[0]] if len(cited) == 1 else None
