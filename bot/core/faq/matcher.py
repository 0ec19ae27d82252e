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
from collections import Counter
from dataclasses import dataclass

import numpy as np
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


@dataclass(frozen=True, slots=True)
class _Postings:
    """Where a term occurs: documents (phrasings or entries), and which of them spell it with which marks."""

    items: np.ndarray
    shares: np.ndarray
    accented: frozenset[int]
    by_accent: dict[str, frozenset[int]]

    def other_accent(self, typed: str) -> np.ndarray:
        """Mask over `items`: those that spell the word with other diacritics than `typed`."""
        other = self.accented - self.by_accent.get(typed, frozenset())
        if not other:
            return np.zeros(len(self.items), dtype=bool)
        return np.isin(self.items, np.fromiter(other, dtype=np.int64))


def _build_postings(
    occurrences: dict[str, dict[int, float]], accents: dict[str, dict[str, set[int]]]
) -> dict[str, _Postings]:
    postings = {}
    for term, shares in occurrences.items():
        by_accent = {form: frozenset(ids) for form, ids in accents.get(term, {}).items()}
        postings[term] = _Postings(
            items=np.fromiter(shares, dtype=np.int64, count=len(shares)),
            shares=np.fromiter(shares.values(), dtype=np.float64, count=len(shares)),
            accented=frozenset().union(*by_accent.values()) if by_accent else frozenset(),
            by_accent=by_accent,
        )
    return postings


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
        df: Counter[str] = Counter()
        for tokens in doc_tokens:
            df.update(set(_terms(tokens)))
        self._idf = {t: _idf(c, len(doc_tokens), t) for t, c in df.items()}
        self._unknown_idf = _idf(0, len(doc_tokens), "")

        occurrences: dict[str, dict[int, float]] = {}
        accents: dict[str, dict[str, set[int]]] = {}
        entry_occurrences: dict[str, dict[int, float]] = {}
        entry_accents: dict[str, dict[str, set[int]]] = {}
        for doc, (entry_index, tokens, typed) in enumerate(zip(doc_entry, doc_tokens, doc_accents)):
            for term in set(_terms(tokens)):
                occurrences.setdefault(term, {})[doc] = 1.0
                entry_occurrences.setdefault(term, {})[entry_index] = 1.0
            for folded, form in typed.items():
                accents.setdefault(folded, {}).setdefault(form, set()).add(doc)
                entry_accents.setdefault(folded, {}).setdefault(form, set()).add(entry_index)
        # Answers widen what an entry is about: their words count (half) for the entry as a whole and are
        # known words for spelling correction; their idf comes from how many answers use them.
        answer_df: Counter[str] = Counter()
        for entry_index, entry in enumerate(kb.entries):
            terms: set[str] = set()
            for text in (to_plain(entry.answer), to_plain(entry.answer_en)):
                terms.update(_terms(self._normaliser.tokens(text)))
                for folded, form in accent_forms(text).items():
                    entry_accents.setdefault(folded, {}).setdefault(form, set()).add(entry_index)
            answer_df.update(terms)
            for term in terms:
                entry_occurrences.setdefault(term, {}).setdefault(entry_index, _ANSWER_ONLY_CREDIT)
        for term, count in answer_df.items():
            self._idf.setdefault(term, _idf(count, len(kb.entries), term))

        self._doc_entry = np.array(doc_entry, dtype=np.int64)
        self._doc_weight = np.array([sum(self._idf[t] for t in set(_terms(ts))) for ts in doc_tokens])
        self._doc_texts = [" ".join(tokens) for tokens in doc_tokens]
        self._postings = _build_postings(occurrences, accents)
        self._entry_postings = _build_postings(entry_occurrences, entry_accents)
        self._has_document = np.array([any(_DOCUMENT.match(t) for t in ts) for ts in doc_tokens])
        self._entry_has_document = np.zeros(len(kb.entries), dtype=bool)
        self._entry_has_document[self._doc_entry[self._has_document]] = True
        entry_documents: list[set[str]] = [set() for _ in kb.entries]
        for entry_index, tokens in zip(doc_entry, doc_tokens):
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
        """Entries most likely meant by `question`, best first, with scores in 0..1."""
        tokens, credit = self._correct(self._normaliser.tokens(question))
        if not tokens:
            return []
        weights, credited = self._query_weights(tokens, credit)
        total = sum(weights.values())
        typed = accent_forms(question)
        documents = [t for t in tokens if _DOCUMENT.match(t)]
        phrasing_best = self._score_phrasings(tokens, weights, credited, total, typed, documents)
        spread = self._score_entries(weights, credited, total, typed, documents)
        scores = np.maximum(phrasing_best, spread) * self._key_coverage(tokens, credit)
        candidates = np.nonzero(scores > 0)[0]
        if not len(candidates):
            return []
        order = candidates[np.lexsort((candidates, -phrasing_best[candidates], -scores[candidates]))]
        # An entry far ahead of the next one is a surer match than one among several close candidates.
        top = float(scores[order[0]])
        runner_up = float(scores[order[1]]) if len(order) > 1 else 0.0
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
            score = boosted if rank == 0 else float(scores[index])
            ranked.append((self.kb.entries[index], round(min(1.0, score * factor), 4)))
        return ranked

    def _key_coverage(self, tokens: list[str], credit: list[float]) -> np.ndarray:
        """Per entry, a factor for how much of the question's rarest words the entry explains.

        The words that set a question apart ("khiếu nại", "minh chứng") weigh more than its common ones:
        each known word counts with its squared idf, over the entry's phrasings and (half) its answer.
        An entry that leaves the question's key words unexplained loses up to _KEY_PENALTY of its score.
        """
        size = len(self.kb.entries)
        keys = {t: self._idf[t] ** _KEY_POWER * c for t, c in zip(tokens, credit) if t in self._idf}
        total = sum(keys.values())
        if not total:
            return np.ones(size)
        explained = np.zeros(size)
        for term, weight in keys.items():
            hit = self._entry_postings.get(term)
            if hit is not None:
                explained[hit.items] += weight * hit.shares
        return 1.0 - _KEY_PENALTY + _KEY_PENALTY * explained / total

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

    def _accumulate(
        self,
        postings: dict[str, _Postings],
        size: int,
        weights: dict[str, float],
        credited: dict[str, float],
        typed: dict[str, str],
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Matched weight, credited matched weight and matched word count per document."""
        matched = np.zeros(size)
        gained = np.zeros(size)
        words = np.zeros(size)
        for term, weight in weights.items():
            hit = postings.get(term)
            if hit is None:
                continue
            gain = credited[term] * hit.shares
            form = typed.get(term)
            if form is not None and hit.accented:
                # "dạy" typed, "đây" stored: probably another word.
                gain = np.where(hit.other_accent(form), gain * _OTHER_ACCENT_CREDIT, gain)
            matched[hit.items] += weight
            gained[hit.items] += gain
            if "_" not in term:
                words[hit.items] += 1
        return matched, gained, words

    def _conflicts(
        self, postings: dict[str, _Postings], has_document: np.ndarray, documents: list[str]
    ) -> np.ndarray:
        """Mask: the item names circulars/decisions, but none of those the question names."""
        named = np.zeros(len(has_document), dtype=bool)
        for document in documents:
            hit = postings.get(document)
            if hit is not None:
                named[hit.items] = True
        return has_document & ~named

    def _score_phrasings(
        self,
        tokens: list[str],
        weights: dict[str, float],
        credited: dict[str, float],
        total: float,
        typed: dict[str, str],
        documents: list[str],
    ) -> np.ndarray:
        """Best phrasing score per entry: F-measure of question coverage and phrasing coverage."""
        matched, gained, _ = self._accumulate(self._postings, len(self._doc_entry), weights, credited, typed)
        recall = gained / total
        precision = matched / self._doc_weight
        # A long message carries chat around the question: then a phrasing it fully contains matters more.
        beta2 = max(1.0, _BETA2 - max(0, len(tokens) - _LONG_QUESTION) * _BETA2_STEP)
        denominator = beta2 * precision + recall
        score = np.divide(
            (1 + beta2) * precision * recall, denominator, out=np.zeros_like(recall), where=denominator > 0
        )
        if any(t not in self._vocabulary_set for t in tokens):
            # Words the vocabulary does not know may be typos: let character similarity help.
            query_text = " ".join(tokens)
            for doc in np.nonzero(score >= _FUZZ_MIN_LEXICAL)[0]:
                similarity = fuzz.token_sort_ratio(query_text, self._doc_texts[doc]) / 100.0
                if similarity > score[doc]:
                    score[doc] += _FUZZ_WEIGHT * (similarity - score[doc])
        if documents:
            score[self._conflicts(self._postings, self._has_document, documents)] *= _OTHER_DOCUMENT_FACTOR
        best = np.zeros(len(self.kb.entries))
        np.maximum.at(best, self._doc_entry, score)
        if documents:
            best[self._entries_about_other_documents(documents)] *= _OTHER_TOPIC_DOCUMENT_FACTOR
        return best

    def _entries_about_other_documents(self, documents: list[str]) -> np.ndarray:
        """Mask: entries whose phrasings name circulars/decisions, none of them named in the question.

        "chấm điểm CĐHT theo TT44" should not land on an entry asked about as TT25's, even through one
        of its phrasings that names no document.
        """
        named = set(documents)
        return np.array([bool(d) and not (d & named) for d in self._entry_documents], dtype=bool)

    def _score_entries(
        self,
        weights: dict[str, float],
        credited: dict[str, float],
        total: float,
        typed: dict[str, str],
        documents: list[str],
    ) -> np.ndarray:
        """Credit for a question whose words are spread over several phrasings (and the answer) of one entry.

        Words found only in the answer count half: answers are long, so chance matches are likelier.
        """
        _, gained, words = self._accumulate(
            self._entry_postings, len(self.kb.entries), weights, credited, typed
        )
        spread = np.minimum(_ENTRY_LEVEL_CAP, _ENTRY_LEVEL_FACTOR * (gained / total) ** 2)
        spread[words < _ENTRY_LEVEL_MIN_WORDS] = 0.0
        if documents:
            spread[self._conflicts(self._entry_postings, self._entry_has_document, documents)] *= (
                _OTHER_DOCUMENT_FACTOR
            )
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
        """A misspelt abbreviation, English word or chat word ("tthtd", "vlaid", "khogn"), with what it stands for.

        Such words are rewritten by the normaliser before matching, so the matched vocabulary never holds
        them; a close slip is read as the word and expanded the same way (chat words to nothing).
        """
        if len(token) < _MIN_SURFACE_LEN:
            return None
        match = process.extractOne(token, self._surface_words, scorer=fuzz.ratio, score_cutoff=_SURFACE_SIMILARITY)
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
