"""Matching a cadre's question to knowledge-base entries.

Retrieval is lexical over normalised tokens (see `normalise`): every stored phrasing of every entry is a
document; unigrams and adjacent-word bigrams are weighted by inverse document frequency (BM25's idf).

- A phrasing's score is an F-measure of how much of the question's weight it explains (counted more)
  and how much of its own weight the question mentions.
- An entry also gets (capped) credit for a question spread over several of its phrasings and, at half
  weight, its answer.
- rapidfuzz corrects misspelt and run-together words against the vocabulary and adds character-level
  similarity when a word stays unknown.
- Folding merges words ("dạy" / "đây"): when the cadre typed diacritics, a stored word spelt with
  other marks counts for less. A phrasing naming another circular or decision ("tt25" for "tt44")
  counts for less.
- An entry that leaves the question's rarest words unexplained, or that is asked about as another
  circular/decision than the one the question names, counts for less.
- The best entry gains from its lead over the runner-up; one or two common words, a single topic word,
  or words the knowledge base never uses lose confidence.

The best entry's score decides: answer, suggest up to three entries, or decline. Thresholds and
weights were chosen on tests/data/faq_dev.yaml and the blind batches tests/data/faq_blind*.yaml
(see bot/knowledge/faq/README.md).
"""

from __future__ import annotations

import itertools
import math
import re
import sys
from array import array
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.core.faq.loading import KnowledgeBase
from bot.core.faq.model import FaqAnswer, FaqEntry, to_plain
from bot.core.faq.normalise import Normaliser, accent_forms

ANSWER_THRESHOLD = 0.45
"""A best score at or above this is a confident match."""
SUGGEST_THRESHOLD = 0.42
"""Between this and ANSWER_THRESHOLD the bot offers suggestions; below it, it declines."""
MAX_SUGGESTIONS = 3

_BETA2 = 2.0**2  # the question's coverage counts more than the phrasing's
_LONG_QUESTION = 7  # words; beyond this, beta² falls by _BETA2_STEP per word (down to 1)
_LONG_MESSAGE = 12  # typed words; a longer message is also read from its last question opener on
_MIN_TAIL_WORDS = 2  # content words the question after the opener must have
_BETA2_STEP = 0.5
_ENTRY_LEVEL_FACTOR = 1.1
_FUZZ_WEIGHT = 0.3
_FUZZ_MIN_LEXICAL = 0.2
_MARGIN_BONUS = 0.5
_ANSWER_ONLY_CREDIT = 0.5
_OTHER_ACCENT_CREDIT = 0.4  # a word typed with other diacritics than the stored one
_ENTRY_LEVEL_CAP = 0.7  # a single phrasing that matches well must still win
_ENTRY_LEVEL_MIN_WORDS = 3  # two words spread over different phrasings are too easily a coincidence
_MIN_INFORMATION = 6.0  # summed idf of the question's words below which confidence is scaled down
_BIGRAM_FACTOR = 0.7  # adjacent-word pairs add precision, but the words themselves already count
_CORRECTED_CREDIT = 0.7  # a word matched only after spelling correction counts for less
_MIN_FUZZY_LEN = 4
_MAX_CITING_ENTRIES = 3
_OTHER_DOCUMENT_FACTOR = 0.6  # the phrasing names a different circular/decision than the question
_KEY_POWER = 2.0  # rarer words weigh more in the key-word coverage
_KEY_PENALTY = 0.2  # the most an entry loses for explaining none of the question's key words
_OTHER_TOPIC_DOCUMENT_FACTOR = 0.85  # the entry is about another circular/decision than the question's
_UNKNOWN_PENALTY = 0.3  # the most a question of only unknown words loses
_SINGLE_WORD_FACTOR = 0.7
_MIN_SURFACE_LEN = 5  # shorter slips of abbreviations and chat words are too often other words
_SURFACE_SIMILARITY = 80
_SURFACE_CREDIT = 0.85  # a slip of a word the normaliser rewrites
_DOCUMENT = re.compile(r"^(?:tt|qd|nd|nq|cv|ct)\d+$")


def _terms(tokens: list[str]) -> list[str]:
    """Unigrams, then adjacent-word bigrams ("ho_so")."""
    return tokens + [f"{a}_{b}" for a, b in itertools.pairwise(tokens)]


def _idf(count: int, total: int, term: str) -> float:
    """BM25's inverse document frequency, damped for bigrams."""
    return math.log(1 + (total - count + 0.5) / (count + 0.5)) * (_BIGRAM_FACTOR if "_" in term else 1.0)


class _Hit(NamedTuple):
    """Where one term occurs: documents (phrasings or entries) and how they spell it.

    `items` lists the documents that use the term in full first, then (from `full`) those that only earn
    partial credit (an entry whose answer alone uses it). `marks[i]` has bit k set when `items[i]` spells
    the word as `forms[k]`.
    """

    items: Sequence[int]
    full: int
    forms: tuple[str, ...]
    marks: Sequence[int]

    def other_accent(self, typed: str) -> set[int]:
        """Documents that spell the word with other diacritics than `typed`, and never as `typed`."""
        if not self.forms:
            return set()
        bit = 1 << self.forms.index(typed) if typed in self.forms else 0
        return {item for item, mark in zip(self.items, self.marks, strict=True) if mark and not mark & bit}


class _PostingIndex:
    """Every term's hits, in flat arrays of small integers (one slice per term).

    The index stays resident for the bot's lifetime: a few hundred kilobytes this way, where a list or a
    set per term would cost megabytes.
    """

    __slots__ = ("_forms", "_full", "_items", "_marks", "_slot", "_start")

    def __init__(
        self,
        full: dict[str, list[int]],
        partial: dict[str, list[int]],
        accents: dict[str, dict[str, set[int]]],
    ) -> None:
        """`full[term]`, `partial[term]`: ascending ids of the documents using it; `accents[word][form]`: who
        spells it so."""
        self._slot: dict[str, int] = {}
        self._start = array("L", [0])
        self._full = array("L")
        self._forms: dict[int, tuple[str, ...]] = {}
        items: list[int] = []
        marks: list[int] = []
        for slot, term in enumerate([*full, *(t for t in partial if t not in full)]):
            ordered = full.get(term, []) + partial.get(term, [])
            spelt = {form: ids for form, ids in accents.get(term, {}).items() if not ids.isdisjoint(ordered)}
            forms = tuple(sorted(spelt))
            if forms:
                self._forms[slot] = forms
            self._slot[sys.intern(term)] = slot
            self._full.append(len(full.get(term, ())))
            items.extend(ordered)
            marks.extend(
                sum(1 << k for k, form in enumerate(forms) if item in spelt[form]) for item in ordered
            )
            self._start.append(len(items))
        self._items = array("H", items)
        self._marks = _pack(marks)

    def get(self, term: str) -> _Hit | None:
        """Where `term` occurs, or None for a term no document uses."""
        slot = self._slot.get(term)
        if slot is None:
            return None
        start, end = self._start[slot], self._start[slot + 1]
        forms = self._forms.get(slot, ())
        return _Hit(self._items[start:end], self._full[slot], forms, self._marks[start:end] if forms else ())


def _pack(values: list[int]) -> Sequence[int]:
    """`values` (non-negative) in the narrowest array that holds them."""
    largest = max(values, default=0)
    for code in ("B", "H", "L", "Q"):
        if largest < 1 << (array(code).itemsize * 8):
            return array(code, values)
    return tuple(values)


class FaqMatcher:
    """Answers questions from a KnowledgeBase; build once, then `ask` is fast (no I/O)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        answer_threshold: float = ANSWER_THRESHOLD,
        suggest_threshold: float = SUGGEST_THRESHOLD,
    ) -> None:
        self.kb = kb
        self.answer_threshold = answer_threshold
        self.suggest_threshold = suggest_threshold
        self._normaliser = Normaliser(kb.abbreviations, kb.synonyms)
        doc_entry: list[int] = []
        doc_tokens: list[list[str]] = []
        doc_accents: list[dict[str, str]] = []
        for index, entry in enumerate(kb.entries):
            for question in entry.questions:
                tokens = self._normaliser.tokens(question)
                if tokens:
                    doc_entry.append(index)
                    doc_tokens.append(tokens)
                    doc_accents.append(accent_forms(question))
        # A document only an answer or two mention ("QĐ 89", "NĐ 143/2025") is a question of its own:
        # a one-word phrasing makes "QĐ 89 là gì?" find the entries that cite it.
        asked = {t for tokens in doc_tokens for t in tokens}
        cited: dict[str, set[int]] = {}
        for index, entry in enumerate(kb.entries):
            for token in self._normaliser.tokens(to_plain(entry.answer)):
                if _DOCUMENT.match(token) and token not in asked:
                    cited.setdefault(token, set()).add(index)
        for token, indices in sorted(cited.items()):
            if len(indices) <= _MAX_CITING_ENTRIES:
                for index in sorted(indices):
                    doc_entry.append(index)
                    doc_tokens.append([token])
                    doc_accents.append({})
        doc_terms = [set(_terms(tokens)) for tokens in doc_tokens]
        df: Counter[str] = Counter()
        for terms in doc_terms:
            df.update(terms)
        self._idf = {sys.intern(t): _idf(c, len(doc_tokens), t) for t, c in df.items()}
        self._unknown_idf = _idf(0, len(doc_tokens), "")

        phrased: dict[str, list[int]] = {}
        accents: dict[str, dict[str, set[int]]] = {}
        entry_terms: list[set[str]] = [set() for _ in kb.entries]
        entry_accents: dict[str, dict[str, set[int]]] = {}
        for doc, (entry_index, terms, typed) in enumerate(
            zip(doc_entry, doc_terms, doc_accents, strict=True)
        ):
            for term in terms:
                phrased.setdefault(term, []).append(doc)
            entry_terms[entry_index] |= terms
            for folded, form in typed.items():
                accents.setdefault(folded, {}).setdefault(form, set()).add(doc)
                entry_accents.setdefault(folded, {}).setdefault(form, set()).add(entry_index)
        # Answers widen what an entry is about: their words count (half) for the entry as a whole and are
        # known words for spelling correction; their idf comes from how many answers use them.
        entry_phrased: dict[str, list[int]] = {}
        entry_answered: dict[str, list[int]] = {}
        answer_df: Counter[str] = Counter()
        for entry_index, entry in enumerate(kb.entries):
            for term in entry_terms[entry_index]:
                entry_phrased.setdefault(term, []).append(entry_index)
            terms = set()
            for text in (to_plain(entry.answer), to_plain(entry.answer_en)):
                terms.update(_terms(self._normaliser.tokens(text)))
                for folded, form in accent_forms(text).items():
                    entry_accents.setdefault(folded, {}).setdefault(form, set()).add(entry_index)
            answer_df.update(terms)
            for term in terms - entry_terms[entry_index]:
                entry_answered.setdefault(term, []).append(entry_index)
        for term, count in answer_df.items():
            if term not in self._idf:
                self._idf[sys.intern(term)] = _idf(count, len(kb.entries), term)

        self._doc_entry = array("H", doc_entry)
        self._doc_weight = array("d", (sum(self._idf[t] for t in terms) for terms in doc_terms))
        self._doc_texts = [" ".join(tokens) for tokens in doc_tokens]
        self._postings = _PostingIndex(phrased, {}, accents)
        self._entry_postings = _PostingIndex(entry_phrased, entry_answered, entry_accents)
        self._docs_naming_documents = frozenset(
            doc for doc, ts in enumerate(doc_tokens) if any(_DOCUMENT.match(t) for t in ts)
        )
        self._entries_naming_documents = frozenset(doc_entry[doc] for doc in self._docs_naming_documents)
        entry_documents: list[set[str]] = [set() for _ in kb.entries]
        for entry_index, tokens in zip(doc_entry, doc_tokens, strict=True):
            entry_documents[entry_index].update(t for t in tokens if _DOCUMENT.match(t))
        self._entry_documents = [frozenset(d) for d in entry_documents]
        self._vocabulary = sorted({t for t in self._idf if "_" not in t})
        self._vocabulary_set = frozenset(self._vocabulary)
        self._surface_words = sorted(
            {w for w in self._normaliser.surface_words() if " " not in w and w not in self._vocabulary_set}
        )

    def ask(self, question: str) -> FaqAnswer:
        """The bot's verdict on `question`: answer, unconfirmed, suggest or none."""
        ranked = self.rank(question, limit=MAX_SUGGESTIONS)
        if not ranked or ranked[0][1] < self.suggest_threshold:
            score = ranked[0][1] if ranked else 0.0
            return FaqAnswer(answered=False, entry=None, score=score, suggestions=(), kind="none")
        best, score = ranked[0]
        if score >= self.answer_threshold:
            kind = "answer" if best.confirmed else "unconfirmed"
            return FaqAnswer(answered=best.confirmed, entry=best, score=score, suggestions=(), kind=kind)
        floor = max(self.suggest_threshold * 0.8, score - 0.2)
        suggestions = tuple(entry for entry, s in ranked if s >= floor)
        return FaqAnswer(answered=False, entry=None, score=score, suggestions=suggestions, kind="suggest")

    def rank(self, question: str, limit: int = 5) -> list[tuple[FaqEntry, float]]:
        """Entries most likely meant by `question`, best first, with scores in 0..1.

        A long message that tells a story before its question ("…, cho em hỏi …") is also ranked on the
        question alone; the reading with the more confident best match wins.
        """
        ranked = self._rank(question, limit)
        if len(question.split()) > _LONG_MESSAGE:
            tail = self._normaliser.question_tail(question)
            if tail is not None and len(self._normaliser.tokens(tail)) >= _MIN_TAIL_WORDS:
                tail_ranked = self._rank(tail, limit)
                if tail_ranked and (not ranked or tail_ranked[0][1] > ranked[0][1]):
                    return tail_ranked
        return ranked

    def _rank(self, question: str, limit: int) -> list[tuple[FaqEntry, float]]:
        """`rank` for one reading of the question."""
        tokens, credit = self._correct(self._normaliser.tokens(question))
        if not tokens:
            return []
        weights, credited = self._query_weights(tokens, credit)
        total = sum(weights.values())
        typed = accent_forms(question)
        documents = [t for t in tokens if _DOCUMENT.match(t)]
        phrasing_best = self._score_phrasings(tokens, weights, credited, total, typed, documents)
        spread = self._score_entries(weights, credited, total, typed, documents)
        coverage = self._key_coverage(tokens, credit)
        scores = [max(p, s) * c for p, s, c in zip(phrasing_best, spread, coverage, strict=True)]
        order = sorted(
            (i for i, s in enumerate(scores) if s > 0), key=lambda i: (-scores[i], -phrasing_best[i], i)
        )
        if not order:
            return []
        # An entry far ahead of the next one is a surer match than one among several close candidates.
        top = scores[order[0]]
        runner_up = scores[order[1]] if len(order) > 1 else 0.0
        boosted = top + _MARGIN_BONUS * min(top, top - runner_up)
        # One or two common words ("học tập", "phường") say too little to answer with confidence.
        factor = min(1.0, sum(self._idf.get(t, 0.0) for t in set(tokens)) / _MIN_INFORMATION)
        # Words the knowledge base never uses ("karaoke", "vắc xin") suggest a question about something else.
        unknown = sum(weights[t] for t in set(tokens) if t not in self._vocabulary_set and not t.isdigit())
        factor *= 1.0 - _UNKNOWN_PENALTY * unknown / total
        # A single topic word ("giảm" cân, "tên") is too thin to answer on.
        if len({t for t in tokens if not _DOCUMENT.match(t)}) < 2 and not documents:
            factor *= _SINGLE_WORD_FACTOR
        ranked = []
        for rank, index in enumerate(order[:limit]):
            score = boosted if rank == 0 else scores[index]
            ranked.append((self.kb.entries[index], round(min(1.0, score * factor), 4)))
        return ranked

    def _key_coverage(self, tokens: list[str], credit: list[float]) -> list[float]:
        """Per entry, a factor for how much of the question's rarest words the entry explains.

        The words that set a question apart ("khiếu nại", "minh chứng") weigh more than its common ones:
        each known word counts with its squared idf, over the entry's phrasings and (half) its answer.
        An entry that leaves the question's key words unexplained loses up to _KEY_PENALTY of its score.
        """
        size = len(self.kb.entries)
        keys = {
            t: self._idf[t] ** _KEY_POWER * c for t, c in zip(tokens, credit, strict=True) if t in self._idf
        }
        total = sum(keys.values())
        if not total:
            return [1.0] * size
        explained = [0.0] * size
        for term, weight in keys.items():
            hit = self._entry_postings.get(term)
            if hit is not None:
                for position, item in enumerate(hit.items):
                    explained[item] += weight * (1.0 if position < hit.full else _ANSWER_ONLY_CREDIT)
        return [1.0 - _KEY_PENALTY + _KEY_PENALTY * e / total for e in explained]

    def _query_weights(
        self, tokens: list[str], credit: list[float]
    ) -> tuple[dict[str, float], dict[str, float]]:
        """idf weight of every query term, and that weight discounted for spelling guesses."""
        weights: dict[str, float] = {}
        credited: dict[str, float] = {}
        for i, term in enumerate(_terms(tokens)):
            is_bigram = i >= len(tokens)
            weight = self._idf.get(term, self._unknown_idf * (_BIGRAM_FACTOR if is_bigram else 1.0))
            share = min(credit[i - len(tokens)], credit[i - len(tokens) + 1]) if is_bigram else credit[i]
            weights[term] = weight
            credited[term] = weight * share
        return weights, credited

    @staticmethod
    def _accumulate(
        postings: _PostingIndex,
        weights: dict[str, float],
        credited: dict[str, float],
        typed: dict[str, str],
    ) -> tuple[dict[int, float], dict[int, float], dict[int, int]]:
        """Matched weight, credited matched weight and matched word count of every document the question
        touches."""
        matched: dict[int, float] = {}
        gained: dict[int, float] = {}
        words: dict[int, int] = {}
        for term, weight in weights.items():
            hit = postings.get(term)
            if hit is None:
                continue
            credit = credited[term]
            form = typed.get(term)
            # "dạy" typed, "đây" stored: probably another word.
            other = hit.other_accent(form) if form is not None else None
            is_word = "_" not in term
            for position, item in enumerate(hit.items):
                gain = credit if position < hit.full else credit * _ANSWER_ONLY_CREDIT
                if other and item in other:
                    gain *= _OTHER_ACCENT_CREDIT
                if item in matched:
                    matched[item] += weight
                    gained[item] += gain
                    if is_word:
                        words[item] += 1
                else:
                    matched[item] = weight
                    gained[item] = gain
                    words[item] = 1 if is_word else 0
        return matched, gained, words

    @staticmethod
    def _named(postings: _PostingIndex, documents: list[str]) -> set[int]:
        """Items (phrasings or entries) that name one of the question's circulars/decisions."""
        named: set[int] = set()
        for document in documents:
            hit = postings.get(document)
            if hit is not None:
                named.update(hit.items)
        return named

    def _score_phrasings(
        self,
        tokens: list[str],
        weights: dict[str, float],
        credited: dict[str, float],
        total: float,
        typed: dict[str, str],
        documents: list[str],
    ) -> list[float]:
        """Best phrasing score per entry: F-measure of question coverage and phrasing coverage."""
        matched, gained, _ = self._accumulate(self._postings, weights, credited, typed)
        # A long message carries chat around the question: then a phrasing it fully contains matters more.
        beta2 = max(1.0, _BETA2 - max(0, len(tokens) - _LONG_QUESTION) * _BETA2_STEP)
        fuzzy = any(t not in self._vocabulary_set for t in tokens)
        query_text = " ".join(tokens)
        conflicts = self._docs_naming_documents - self._named(self._postings, documents) if documents else ()
        best = [0.0] * len(self.kb.entries)
        for doc, weight in matched.items():
            recall = gained[doc] / total
            precision = weight / self._doc_weight[doc]
            denominator = beta2 * precision + recall
            score = (1 + beta2) * precision * recall / denominator if denominator > 0 else 0.0
            if fuzzy and score >= _FUZZ_MIN_LEXICAL:
                # Words the vocabulary does not know may be typos: let character similarity help.
                similarity = fuzz.token_sort_ratio(query_text, self._doc_texts[doc]) / 100.0
                if similarity > score:
                    score += _FUZZ_WEIGHT * (similarity - score)
            if doc in conflicts:
                score *= _OTHER_DOCUMENT_FACTOR
            entry = self._doc_entry[doc]
            best[entry] = max(best[entry], score)
        if documents:
            for entry in self._entries_about_other_documents(documents):
                best[entry] *= _OTHER_TOPIC_DOCUMENT_FACTOR
        return best

    def _entries_about_other_documents(self, documents: list[str]) -> list[int]:
        """Entries whose phrasings name circulars/decisions, none of them named in the question.

        "chấm điểm CĐHT theo TT44" should not land on an entry asked about as TT25's, even through one
        of its phrasings that names no document.
        """
        named = set(documents)
        return [entry for entry, names in enumerate(self._entry_documents) if names and not names & named]

    def _score_entries(
        self,
        weights: dict[str, float],
        credited: dict[str, float],
        total: float,
        typed: dict[str, str],
        documents: list[str],
    ) -> list[float]:
        """Credit for a question whose words are spread over several phrasings (and the answer) of one entry.

        Words found only in the answer count half: answers are long, so chance matches are likelier.
        """
        _, gained, words = self._accumulate(self._entry_postings, weights, credited, typed)
        conflicts = (
            self._entries_naming_documents - self._named(self._entry_postings, documents) if documents else ()
        )
        spread = [0.0] * len(self.kb.entries)
        for entry, gain in gained.items():
            if words[entry] < _ENTRY_LEVEL_MIN_WORDS:
                continue
            spread[entry] = min(_ENTRY_LEVEL_CAP, _ENTRY_LEVEL_FACTOR * (gain / total) ** 2)
            if entry in conflicts:
                spread[entry] *= _OTHER_DOCUMENT_FACTOR
        return spread

    def _correct(self, tokens: list[str]) -> tuple[list[str], list[float]]:
        """Fix misspelt and run-together words against the vocabulary; credit < 1 marks a guess."""
        fixed: list[str] = []
        credit: list[float] = []
        for token in tokens:
            if token in self._vocabulary_set or token.isdigit() or len(token) < 3:
                fixed.append(token)
                credit.append(1.0)
                continue
            surface = self._closest_surface(token)
            if surface is not None:
                fixed.extend(surface[0])
                credit.extend([_SURFACE_CREDIT * surface[1] / 100.0] * len(surface[0]))
                continue
            split = self._split(token)
            if split:
                fixed.extend(split)
                credit.extend([_CORRECTED_CREDIT] * len(split))
                continue
            match = self._closest(token)
            if match is not None:
                fixed.append(match[0])
                credit.append(_CORRECTED_CREDIT * match[1] / 100.0)
                continue
            fixed.append(token)
            credit.append(1.0)
        return fixed, credit

    def _closest(self, token: str) -> tuple[str, float] | None:
        """The known word `token` is most likely a misspelling of, with its similarity (0..100).

        Short Vietnamese syllables differ by one letter from unrelated words ("bong" / "bang"), so
        four-letter words are only corrected for swapped letters ("tiue" → "tieu").
        """
        if len(token) < _MIN_FUZZY_LEN:
            return None
        if len(token) == _MIN_FUZZY_LEN:
            for candidate, score, _ in process.extract(
                token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=70, limit=8
            ):
                if sorted(candidate) == sorted(token) or _is_dropped_letter(token, candidate):
                    return candidate, score
            return None
        match = process.extractOne(token, self._vocabulary, scorer=fuzz.ratio, score_cutoff=80)
        return (match[0], match[1]) if match is not None else None

    def _closest_surface(self, token: str) -> tuple[list[str], float] | None:
        """A misspelt abbreviation, English word or chat word ("tthtd", "vlaid", "khogn"), with what it stands
        for.

        Such words are rewritten by the normaliser before matching, so the matched vocabulary never holds
        them; a close slip is read as the word and expanded the same way (chat words to nothing).
        """
        if len(token) < _MIN_SURFACE_LEN:
            return None
        match = process.extractOne(
            token, self._surface_words, scorer=fuzz.ratio, score_cutoff=_SURFACE_SIMILARITY
        )
        if match is None:
            return None
        vocabulary_match = self._closest(token)
        if vocabulary_match is not None and vocabulary_match[1] > match[1]:
            return None
        return self._normaliser.tokens(match[0]), match[1]

    def _split(self, token: str) -> list[str] | None:
        """'hoso' → ['ho', 'so'] when both halves are known words."""
        for cut in range(2, len(token) - 1):
            left, right = token[:cut], token[cut:]
            if left in self._vocabulary_set and right in self._vocabulary_set:
                return [left, right]
        return None


def _is_dropped_letter(token: str, candidate: str) -> bool:
    """'nhiu' is 'nhieu' with one letter left out (same first letter)."""
    if len(candidate) != len(token) + 1 or candidate[0] != token[0]:
        return False
    return any(candidate[:i] + candidate[i + 1 :] == token for i in range(1, len(candidate)))
