"""Words typed in Telex with the keyboard's Vietnamese input switched off: "tt44 bij bax bor tuwf ngayf naof".

Telex spells a marked letter with extra keys: "dd" for "đ", "aa", "ee", "oo" for "â", "ê", "ô", "w" after a
vowel for "ă", "ơ", "ư", and a tone key (s, f, r, x, j; z clears) at the end of the syllable. When the input
method is off, those keys stay in the text. The matcher reads folded text (no marks), so a leaked word only
needs its keys taken out: "tuwf" → "tu", "ddinh" → "dinh", "quyeets" → "quyet", "taajp" → "tap". A letter
typed twice at a word's end ("ngayy nao") is dropped the same way.

Our own code rather than an input-method library (bogo, last released 2014): we do not rebuild the marked
letters, only drop the keys, which takes a few patterns, and a word is changed only when what is left is a
Vietnamese syllable (or two typed together: "hieulucj") and the word itself is neither one the knowledge base
knows nor an English word cadres mix in ("list ra").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from bot.core.faq.language import is_vietnamese_syllable
from bot.core.faq.words import words

_WORD = re.compile(r"(?<![\w/&.-])[a-z]{2,}(?![\w/&-])", re.IGNORECASE)
_TONE_KEYS = re.compile(r"(?<=[a-z])[sfrxjz]+$")
# a tone key typed before the final consonant ("taajp" → "tập", "vieejt" → "việt")
_INNER_TONE_KEY = re.compile(r"(?<=[aeiouy])[sfrxj](?=(?:ch|ng|nh|c|m|n|p|t)$)")
_D_KEY = re.compile(r"^dd")
_HAT_KEY = re.compile(r"([aeo])\1")  # "aa" → "â", "ee" → "ê", "oo" → "ô"
_HOOK_KEY = re.compile(r"(?<=[aeiouy])w")  # "aw" → "ă", "ow" → "ơ", "uw" → "ư", "uow" → "ươ"
# a key held down at the end of a word ("ngayy", "baoo"); no syllable ends in a doubled letter ("ưu" folds
# to "uu", so not "u")
_DOUBLED_END = re.compile(r"([a-tv-z])\1+$")


# English words cadres mix into Vietnamese ("list ra giúp mình", "post lên nhóm") that read as Telex ("lít").
_LOAN_WORDS = words("list post test text next best just must first last fast host cost lost past gmail email")


def without_held_key(word: str) -> str:
    """`word` (folded) without a key held down at its end ("ngayy" → "ngay")."""
    return _DOUBLED_END.sub(r"\1", word)


def _without_keys(word: str) -> str:
    """`word` (lower case) with the Telex keys dropped."""
    bare = _D_KEY.sub("d", without_held_key(word))
    bare = _HOOK_KEY.sub("", bare)
    bare = _HAT_KEY.sub(r"\1", bare)
    return _INNER_TONE_KEY.sub("", _TONE_KEYS.sub("", bare))


def _two_syllables(word: str) -> bool:
    """Whether `word` is two Vietnamese syllables typed together ("hieuluc" in "hieulucj")."""
    return any(
        is_vietnamese_syllable(word[:cut]) and is_vietnamese_syllable(word[cut:])
        for cut in range(2, len(word) - 1)
    )


def untelex(text: str, known: Container[str], is_vietnamese: Callable[[str], bool]) -> str:
    """`text` with its leaked Telex keys dropped, word by word (folded, the words it changes lose nothing the
    matcher reads); as it is unless that makes it clearly Vietnamese ("how are you" is no "ho are you").

    `known`: words the knowledge base uses as they are ("boong" stays); `is_vietnamese(text)`: whether a text
    is clearly Vietnamese.
    """

    def mended(match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if lower in known or lower in _LOAN_WORDS:
            return word
        bare = _without_keys(lower)
        if bare == lower or not (is_vietnamese_syllable(bare) or _two_syllables(bare)):
            return word
        # "dd", a doubled vowel or a hook key: Telex for sure; a tone key alone only where no syllable ends so
        keyed = bare != _INNER_TONE_KEY.sub("", _TONE_KEYS.sub("", lower))
        if not keyed and is_vietnamese_syllable(lower):
            return word
        return bare

    result = _WORD.sub(mended, text)
    return result if result != text and is_vietnamese(result) else text
