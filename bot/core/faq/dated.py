"""Documents named by their year and kind: "the 2014 circular", "thông tư năm 2023", "the 2023 rules".

People who do not remember a document's number name it by its year. When exactly one record of that kind
carries that year, and whatever the question says the document is about ("the 2014 circular *on learning
communities*") is what the record says, the name is rewritten to the document's number ("Circular 44/2014")
before anything else reads the question, so records, references and retrieval all see the document. Of several
records of a kind and year ("the 2025 circular": TT 10, 11 and 26/2025) the one the subject describes best is
meant ("the 2025 circular covering continuing education"); no subject, a tie, or a subject the record does not
speak of ("the 2020 circular on continuing education centres") leave the question as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.core.faq.documents import DocumentRecord
from bot.core.text import fold

# Kind words (folded) by the kind of reference they make; "rules" are circulars ("regulation" is also the
# Quy chế of QĐ 09/2008, so it names no kind).
_KINDS = {
    "tt": r"circulars?|thong\s*tu|rules?",
    "qd": r"decisions?|quyet\s*dinh",
    "nd": r"decrees?|nghi\s*dinh",
    "nq": r"resolutions?|nghi\s*quyet",
    "cv": r"official\s+letters?|cong\s*van",
    "ct": r"directives?|chi\s*thi",
}
_KIND = "|".join(f"(?P<{kind}>{words})" for kind, words in _KINDS.items())
_YEAR = r"(?P<year>(?:19|20)\d{2})(?![\d/-])"
_ENGLISH_BEFORE = re.compile(
    rf"\b(?:(?:old|new|original|earlier|previous|former)\s+)?{_YEAR}\s+(?P<kind>{_KIND})\b"
)
_AFTER = re.compile(
    rf"\b(?P<kind>{_KIND})\s+(?:(?:of|from|in|issued\s+in|dated|nam|ban\s+hanh\s+nam|cua\s+nam|ra\s+nam"
    rf"|hoi\s+nam)\s+)?{_YEAR}"
)
# What the question says the document is about: "… on learning communities", "… về cộng đồng học tập".
_SUBJECT = re.compile(
    r"^\s*(?:that\s+|which\s+)?(?:on|about|regarding|for|covers?|covering|regulates?|regulating|deals?\s+with"
    r"|ve|quy\s+dinh\s+ve|ve\s+viec)\s+(?P<subject>[^,.;:?!]+)"
)
_ENGLISH_KIND = {"tt": "Circular", "qd": "Decision", "nd": "Decree", "nq": "Resolution", "cv": "Letter"}
_VIETNAMESE_KIND = {
    "tt": "Thông tư",
    "qd": "Quyết định",
    "nd": "Nghị định",
    "nq": "Nghị quyết",
    "cv": "Công văn",
    "ct": "Chỉ thị",
}


class YearNames:
    """Rewrites documents named by kind and year to their numbers, where the knowledge base has one match.

    `tokens` reads a text the way the matcher does (so "decentralisation" meets "phân cấp").
    """

    def __init__(self, records: Iterable[DocumentRecord], tokens: Callable[[str], list[str]]) -> None:
        self._tokens = tokens
        found: dict[tuple[str, int], list[tuple[DocumentRecord, str]]] = {}
        for record in records:
            if record.year is None:
                continue
            for ref in record.refs:
                match = re.fullmatch(r"([a-z]+)(\d+)", ref)
                if match is not None:
                    found.setdefault((match.group(1), record.year), []).append((record, match.group(2)))
        self._found = found
        self._words = {
            record.id: frozenset(
                tokens(" ".join((record.name, record.name_en, record.about, record.about_en)))
            )
            for pairs in found.values()
            for record, _ in pairs
        }

    def unknown(self, text: str) -> bool:
        """Whether `text` names a circular, decision … by its year that the knowledge base has no record of
        ("thông tư năm 2019"), or one whose only record of that year is about something else ("the 2020
        circular on continuing education centres"): not a question for it."""
        folded = fold(text)
        for pattern in (_ENGLISH_BEFORE, _AFTER):
            for match in pattern.finditer(folded):
                if match.group("kind").startswith("rule"):
                    continue  # "the current rules of 2024": a way of speaking, not a document's name
                kind = next(k for k in _KINDS if match.group(k))
                candidates = self._found.get((kind, int(match.group("year"))), [])
                after = folded[match.end() :]
                if not candidates:
                    return True
                if len(candidates) == 1 and _SUBJECT.match(after) and self._meant(candidates, after) is None:
                    return True
        return False

    def rewrite(self, text: str) -> str:
        """`text` with "the 2014 circular" → "Circular 44/2014", "thông tư năm 2023" → "Thông tư 25/2023"."""
        folded = fold(text)
        if len(folded) != len(text):  # offsets must carry over
            return text
        spans: list[tuple[int, int, str]] = []
        for pattern in (_ENGLISH_BEFORE, _AFTER):
            for match in pattern.finditer(folded):
                if any(s < match.end() and match.start() < e for s, e, _ in spans):
                    continue
                kind = next(k for k in _KINDS if match.group(k))
                year = int(match.group("year"))
                found = self._meant(self._found.get((kind, year), []), folded[match.end() :])
                if found is None:
                    continue
                english = pattern is _ENGLISH_BEFORE or not _is_vietnamese_kind(match.group("kind"))
                word = (_ENGLISH_KIND if english else _VIETNAMESE_KIND).get(kind, _VIETNAMESE_KIND[kind])
                spans.append((match.start(), match.end(), f"{word} {found[1]}/{year}"))
        for start, end, name in sorted(spans, reverse=True):
            text = f"{text[:start]}{name}{text[end:]}"
        return text

    def _meant(
        self, candidates: list[tuple[DocumentRecord, str]], after: str
    ) -> tuple[DocumentRecord, str] | None:
        """The one record (and number) of a kind and year the question means, given what follows its name: the
        only one, if the subject (when given) fits it; else the one that fits the subject best."""
        match = _SUBJECT.match(after)
        words = set(self._tokens(match.group("subject"))) if match is not None else set()
        if not words:
            return candidates[0] if len(candidates) == 1 else None
        scored = sorted(
            ((len(words & self._words[record.id]), n) for n, (record, _) in enumerate(candidates)),
            reverse=True,
        )
        best, index = scored[0]
        if best * 2 < len(words) or (len(scored) > 1 and scored[1][0] == best):
            return None
        return candidates[index]


def _is_vietnamese_kind(kind: str) -> bool:
    return kind.startswith(("thong", "quyet", "nghi", "cong", "chi"))
