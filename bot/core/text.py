"""Text helpers shared by every feature: Vietnamese-aware folding and tidy names."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_DIGITS = re.compile(r"(\d+)")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse spaces.

    'Thông tư 44 — Cộng đồng  học tập' → 'thong tu 44 — cong dong hoc tap'.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str) -> str:
    """Like fold(), and punctuation becomes spaces: for search keys."""
    return _SPACES.sub(" ", _NON_WORD.sub(" ", fold(text)).replace("_", " ")).strip()


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key for ward and chapter names: 'Phường 2' before 'Phường 10', accents and case ignored."""
    return tuple((0, int(p)) if p.isdigit() else (1, fold(p)) for p in _DIGITS.split(name) if p)


def clean_name(text: str) -> str:
    """NFC-normalise and collapse spaces in a person's or place's name."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters for a button or a list: cut between words, never inside one,
    and marked with '…' (a single word longer than the limit is the only one cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:·-–") + "…"
