"""Which language a question is in: English only when it clearly is (the answer then follows it)."""

from __future__ import annotations

import re
import unicodedata

from bot.core.faq.words import words

# A Vietnamese syllable, folded: optional onset, one to three vowels, optional coda. English words rarely fit
# ("what", "criteria", "signed", "how"); unaccented Vietnamese always does.
_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
_SYLLABLE = re.compile(rf"^{_ONSET}[aeiouy]{{1,3}}(?:ch|ng|nh|c|m|n|p|t)?$")
# English words that also spell a Vietnamese syllable, frequent in questions.
_ENGLISH_ALSO_SYLLABLE = words(
    """
    a an the to in on at do no so me be he we it its up by go hi ok yes can ten one two man men long
    """
)
# Vietnamese function words that a folded English question would not contain.
_VIETNAMESE_MARKERS = words(
    """
    la gi khong ko nao ai bao nhieu may duoc cua cho hoi voi nhung cac thi va theo ve sao the nay ak vay
    oi alo
    """
)
# Shorthand cadres type in Vietnamese chat, none of it a syllable: "ký j" (gì), "v" (vậy), "k" (không), "dc"
# (được), "bn" (bao nhiêu), "hs" (hồ sơ), "p." (phường).
_VIETNAMESE_SHORTHAND = words("j v k e r d dc bn hs cx mk ntn trc ns nt p q x tg gq lv tb")
# An official number's issuer code ("9961/VPCP-KGVX", "25/2023/TT-BGDĐT") is no language.
_OFFICIAL_NUMBER = re.compile(r"\b\d+(?:/\d+)?[/-][^\W_][\w/&-]*")
_WORD = re.compile(r"[^\W\d_]+(?:'[a-z]+)?")
_DIACRITIC = re.compile(r"[^\x00-\x7f]")


def is_vietnamese_syllable(word: str) -> bool:
    return _SYLLABLE.match(word) is not None


def detect(text: str, known_abbreviations: frozenset[str] = frozenset()) -> str | None:
    """ "en" when `text` is clearly English, "vi" when clearly Vietnamese, None when it cannot tell.

    Vietnamese letters ("ư", "đ", any tone mark) make it Vietnamese. Otherwise each word counts for English
    when it cannot be a Vietnamese syllable (abbreviations like "cdht", "tt44" count for neither), and for
    Vietnamese when it is a Vietnamese function word; English needs at least two words and a clear majority.
    """
    normalised = _OFFICIAL_NUMBER.sub(" ", unicodedata.normalize("NFC", text))
    letters = [ch for ch in normalised if ch.isalpha()]
    if not letters:
        return None
    marked = sum(1 for ch in letters if _DIACRITIC.match(ch) and ch not in "’‘")
    if marked >= max(2, len(letters) // 40):
        return "vi"
    english = vietnamese = 0.0
    for word in _WORD.findall(normalised.lower()):
        word = word.split("'")[0]
        if word in known_abbreviations:
            continue
        if _DIACRITIC.search(word):
            vietnamese += 0.5  # "chấm": a marked word, whole (not "ch" and "m"), as a syllable counts
        elif word in _VIETNAMESE_MARKERS or word in _VIETNAMESE_SHORTHAND:
            vietnamese += 1
        elif word in _ENGLISH_ALSO_SYLLABLE:
            english += 0.5
        elif not is_vietnamese_syllable(word):
            english += 1
        else:
            vietnamese += 0.5
    if english >= 2 and english >= 2 * vietnamese:
        return "en"
    if vietnamese > english:
        return "vi"
    return None
