"""English questions: a light rule-based stemmer, contractions, and English-only stop words.

An English question rarely uses the exact word forms of the knowledge base's English phrasings and lexicon
("recognising" / "recognised", "applies" / "applied", "What's"). Every word that cannot be a Vietnamese
syllable is reduced to a stem by a few suffix rules (plural and verb endings, a final "e", doubled consonants,
irregular verbs), in questions, phrasings and lexicon keys alike, so all forms of one word meet. A stem
that would spell a Vietnamese syllable ("date" → "dat", which is "đạt") is not taken.

Words that are stop words only in English ("to", "do", "have": in folded Vietnamese "to" is "tổ", "do" is
"độ") are dropped only from a message that is clearly English (`language.detect`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.core.faq.language import detect, is_vietnamese_syllable
from bot.core.faq.words import words

# Irregular forms → base form (then stemmed like any other word).
_IRREGULAR = dict(
    pair.split(":")
    for pair in words(
        """
    did:do does:do done:do doing:do had:have has:have having:have gave:give given:give gives:give
    took:take taken:take made:make makes:make sent:send paid:pay held:hold kept:keep led:lead ran:run
    got:get gotten:get went:go gone:go came:come began:begin begun:begin chose:choose chosen:choose
    brought:bring thought:think told:tell said:say says:say wrote:write written:write became:become
    meant:mean shown:show knew:know known:know drew:draw drawn:draw spent:spend built:build saw:see
    seen:see lost:lose won:win bought:buy understood:understand stood:stand left:leave met:meet
    children:child people:person women:woman men:man criteria:criterion
    """
    )
)
IRREGULAR_FORMS = frozenset(_IRREGULAR) | frozenset(_IRREGULAR.values())
# Stop words of English questions that fold like Vietnamese syllables (dropped only from English text).
ENGLISH_ONLY_STOP_WORDS = words(
    """
    to do does did done doing have had has having get got go goes going gone so an me he she him her
    be been being am let lets like want wanted know knew known just also really actually anyway
    some one ones thing things stuff someone somebody anyone here there then yet ok okay hi hello hey
    thanks thank cheer cheers regards sir madam dear please could would should might may must shall
    will can wonder wondering quick question questions anything something nothing everything whole
    supposed suppose expected exact exactly precise precisely
    """
)
# Other English words questions use, that a slip may hit ("wree" → "were", "ussed" → "used").
COMMON_WORDS = words(
    """
    what where when which who whom whose why how many much were was are used came come does still
    anyone anything something there their these those about after before under since until between
    during into with without within across through also only just even every each other another
    need needs needed please thank thanks hello would could should might must shall will
    """
)
_ENGLISH_ONLY = re.compile(r"\b(?:" + "|".join(sorted(ENGLISH_ONLY_STOP_WORDS)) + r")\b")
_CONTRACTIONS = (
    (re.compile(r"\b(what|who|where|when|how|that|it|there|here)['’]s\b"), r"\1 is"),
    (re.compile(r"\b(\w+)n['’]t\b"), r"\1 not"),
    (re.compile(r"['’](?:s|re|m|ve|ll|d)\b"), ""),
)
# "commune-level", "at ward level" → "cấp xã" (the province word itself is read by the lexicon afterwards).
_LEVEL_OF = re.compile(
    r"\b(commune|communal|ward|district|province|provincial|city|national|hamlet|village|town)[\s-]+levels?\b"
)
# "level 1", "level two", "second level" → "mức độ 1".
_LEVEL_NUMBER = re.compile(r"\blevels?[\s-]*(1|2|one|two)\b")
_NUMBER_LEVEL = re.compile(r"\b(first|second)[\s-]+level\b")
_NUMBERS = {"1": "1", "2": "2", "one": "1", "two": "2", "first": "1", "second": "2"}
_DOCUMENTS = re.compile(r"\b(?:documents|papers)\b")
_SUBMITTING = re.compile(
    r"\b(?:submit|submitted|send|sent|prepare|file|filed|bring|hand|attach|need|needed|required|include|"
    r"includes|contain|contains|apply|application|dossier)\b"
)
_WORD = re.compile(r"[a-z]+")
_UNDOUBLE = re.compile(r"([bcdfgkmnprt])\1$")


def prepare(folded: str, always_english: bool = False) -> str:
    """English contractions expanded, English-only stop words dropped from an English message, and level
    phrases read ("what's" → "what is", "commune-level" → "cap commune", "level 2" → "muc do 2").

    `folded` is folded text (lower case, no diacritics); `always_english`: drop the English-only stop words
    whatever the language looks like (a lexicon key: "how long does it take").
    """
    for pattern, replacement in _CONTRACTIONS:
        folded = pattern.sub(replacement, folded)
    if always_english or detect(folded) == "en":
        folded = _ENGLISH_ONLY.sub(" ", folded)
    # "what documents do we submit": the dossier; "which documents replaced …": legal texts.
    if _SUBMITTING.search(folded):
        folded = _DOCUMENTS.sub("dossier", folded)
    folded = _LEVEL_OF.sub(lambda m: f" cap {m.group(1)} ", folded)
    folded = _LEVEL_NUMBER.sub(lambda m: f" muc do {_NUMBERS[m.group(1)]} ", folded)
    return _NUMBER_LEVEL.sub(lambda m: f" muc do {_NUMBERS[m.group(1)]} ", folded)


def stem_words(text: str, keep: frozenset[str] = frozenset()) -> str:
    """Every English word of `text` reduced to its stem; words in `keep` (stop words) stay as they are."""
    return _WORD.sub(lambda m: m.group(0) if m.group(0) in keep else stem(m.group(0)), text)


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The stem of an English word: "recognised", "recognising", "recognises" → "recognis"; "applies",
    "applied" → "apply"; "submitted" → "submit". Vietnamese syllables and short words stay as they are."""
    word = _IRREGULAR.get(word, word)
    if len(word) <= 3 or is_vietnamese_syllable(word):
        return word
    candidates: list[str] = []
    base = word
    if len(word) > 4 and word.endswith(("ies", "ied")):
        base = word[:-3] + "y"
    elif word.endswith("sses"):
        base = word[:-2]
    elif len(word) >= 5 and word.endswith("ing"):
        base = word[:-3]
        base = _UNDOUBLE.sub(r"\1", base) if len(base) > 3 else base + "e"
    elif len(word) >= 4 and word.endswith("ed") and not word.endswith("eed"):
        base = word[:-2]
        base = _UNDOUBLE.sub(r"\1", base) if len(base) > 3 else word[:-1]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        base = word[:-1]
    candidates.append(base)
    if base.endswith("e") and len(base) > 4:
        candidates.insert(0, base[:-1])
    for candidate in candidates:
        if not is_vietnamese_syllable(candidate):
            return candidate
    return word
