"""Abbreviations spelled out at their first use in an answer, so a reader on a phone never has to guess.

The knowledge base's authors write answers the way cadres talk ("CĐHT", "UBND xã", "TT44"); when the
answers are loaded, the first use of each abbreviation is written in full ("CĐHT" → "Cộng đồng học tập"), and
the first document of each kind gets its kind in words ("TT44" → "Thông tư 44"). Later uses stay short. The
table is `spell_out:` in abbreviations.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_DOCUMENT_KINDS = {
    "vi": {"TT": "Thông tư", "QĐ": "Quyết định", "NĐ": "Nghị định", "NQ": "Nghị quyết"},
    "en": {"TT": "Circular", "QĐ": "Decision", "NĐ": "Decree", "NQ": "Resolution"},
}
# "TT44", "TT 22/2020", "QĐ 387/QĐ-TTg": a kind, then its number (not "448/QĐ-KHVN", not "TT-BGDĐT").
_DOCUMENT = re.compile(r"(?<![\w/&-])(TT|QĐ|NĐ|NQ) ?(\d{1,4})(?![\d])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:]\s+|\n|^<b>|[.!?:]\s+<b>|\n<b>)$")


def _pattern(keys: list[str]) -> re.Pattern[str] | None:
    if not keys:
        return None
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w&/.-])(?:{alternatives})(?![\w&-])")


_patterns: dict[tuple[str, ...], re.Pattern[str] | None] = {}


def spell_out(text: str, table: Mapping[str, str], locale: str) -> str:
    """`text` with the first use of every abbreviation in `table` (and of every numbered document) spelled
    out.

    Later uses keep the short form: having read "Ủy ban nhân dân xã" first, a reader takes "UBND huyện"
    later (and noun phrases stay as people write them: "Chủ tịch Ủy ban nhân dân cấp xã"). Nothing is
    spelled out when the full form is already in the text (as in an answer that explains abbreviations).
    """
    if not text:
        return text
    text = _spell_documents(text, locale)
    keys = tuple(table)
    if keys not in _patterns:
        _patterns[keys] = _pattern(list(keys))
    pattern = _patterns[keys]
    if pattern is None:
        return text
    seen: set[str] = set()
    parts: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        key = match.group(0)
        if key in seen:
            continue
        seen.add(key)
        full = table[key]
        before = text[: match.start()]
        if full.lower() in text.lower():
            continue  # written in full somewhere already (or the text explains the abbreviation)
        if _SENTENCE_START.search(before):
            full = full[:1].upper() + full[1:]
        parts.append(text[last : match.start()])
        parts.append(full)
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def _spell_documents(text: str, locale: str) -> str:
    """The first numbered document of each kind with its kind in words: "TT44/2014" → "Thông tư 44/2014".

    The kind is what the abbreviation hides ("TT" is "Thông tư"); once spelled, later documents of that kind
    keep their short form ("… nay áp dụng TT25/2023"). Nothing changes when the kind is already written in
    full before its first short use.
    """
    kinds = _DOCUMENT_KINDS["en" if locale.startswith("en") else "vi"]
    done: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        kind, number = match.group(1), match.group(2)
        if kind in done:
            return match.group(0)
        done.add(kind)
        if re.search(rf"\b{kinds[kind]}\b", match.string[: match.start()], re.IGNORECASE):
            return match.group(0)
        return f"{kinds[kind]} {number}"

    return _DOCUMENT.sub(replace, text)
