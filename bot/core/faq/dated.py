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
from collections.abc import Iterable

from bot.core.faq.documents import DocumentRecord
from bot.core.text import fold

# Kind words (folded) by the kind of reference they make; "rules" and "regulations" are circulars.
_KINDS = {
    "tt": r"circulars?|thong\s*tu|rules?|regulations?",
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
_SUBJECT_STOP = frozenset(
    "the a an of and in on for to at by at level levels cap viec cac nhung va cua o ve".split()
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
    """Rewrites documents named by kind and year to their numbers, where the knowledge base has one match."""

    def __init__(self, records: Iterable[DocumentRecord]) -> None:
        found: dict[tuple[str, int], list[tuple[DocumentRecord, str]]] = {}
        for record in records:
            if record.year is None:
                continue
            for ref in record.refs:
                match = re.fullmatch(r"([a-z]+)(\d+)", ref)
                if match is not None:
                    found.setdefault((match.group(1), record.year), []).append((record, match.group(2)))
        self._found = found

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

    @staticmethod
    def _meant(
        candidates: list[tuple[DocumentRecord, str]], after: str
    ) -> tuple[DocumentRecord, str] | None:
        """The one record (and number) of a kind and year that the question means, given what follows its name:
        the only one, if the subject (when given) fits it; else the one that fits the subject best."""
        match = _SUBJECT.match(after)
        words = (
            [w for w in re.findall(r"[a-z]+", match.group("subject")) if w not in _SUBJECT_STOP]
            if match is not None
            else []
        )
        if not words:
            return candidates[0] if len(candidates) == 1 else None
        scored = sorted(((_told(record, words), n) for n, (record, _) in enumerate(candidates)), reverse=True)
        best, index = scored[0]
        if best * 2 < len(words) or (len(scored) > 1 and scored[1][0] == best):
            return None
        return candidates[index]


def _told(record: DocumentRecord, words: list[str]) -> int:
    """How many of the subject's words the record's texts use (plurals read as singulars)."""
    known = record.words()
    stems = {w.rstrip("s") for w in known}
    return sum(1 for w in words if w in known or w.rstrip("s") in stems)


def _is_vietnamese_kind(kind: str) -> bool:
    return kind.startswith(("thong", "quyet", "nghi", "cong", "chi"))
