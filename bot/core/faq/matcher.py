"""Matching a cadre's question to knowledge-base entries.

Retrieval is lexical over normalised tokens (see `normalise`): every stored phrasing of every entry is a
document; unigrams and adjacent-word bigrams are weighted by inverse document frequency (BM25's idf).
A phrasing's score is an F-measure of how much of the question's weight it explains and how much of
its own weight the question mentions; an entry also gets credit for a question spread over several
of its phrasings. rapidfuzz corrects misspelt words against the vocabulary and adds a character-level
similarity, so typos and run-together words still match. The best entry's score decides: answer,
suggest up to three entries, or decline.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.faq.loading import KnowledgeBase
from bot.core.faq.model import FaqAnswer, FaqEntry, to_plain
from bot.core.faq.normalise import Normaliser

ANSWER_THRESHOLD = 0.45
"""A best score at or above this is a confident match."""
SUGGEST_THRESHOLD = 0.4
"""Between this and ANSWER_THRESHOLD the bot offers suggestions; below it, it declines."""
MAX_SUGGESTIONS = 3

_BETA2 = 2.0**2  # the question's coverage counts more than the phrasing's
_ENTRY_LEVEL_FACTOR = 1.1
_FUZZ_WEIGHT = 0.3
_FUZZ_MIN_LEXICAL = 0.2
_MARGIN_BONUS = 0.5
_ANSWER_ONLY_CREDIT = 0.5
_ENTRY_LEVEL_CAP = 0.7  # a single phrasing that matches well must still win
_ENTRY_LEVEL_MIN_WORDS = 3  # two words spread over different phrasings are too easily a coincidence
_MIN_INFORMATION = 6.0  # summed idf of the question's words below which confidence is scaled down
_BIGRAM_FACTOR = 0.7  # adjacent-word pairs add precision, but the words themselves already count
_CORRECTED_CREDIT = 0.7  # a word matched only after spelling correction counts for less
_MIN_FUZZY_LEN = 4
_OTHER_DOCUMENT_FACTOR = 0.6  # the phrasing names a different circular/decision than the question
_DOCUMENT = re.compile(r"^(?:tt|qd|nd|nq|cv|ct)\d+$")


@dataclass(frozen=True, slots=True)
class _Doc:
    """One stored phrasing, indexed."""

    entry: int
    weight: float
    text: str
    documents: frozenset[str]


def _terms(tokens: list[str]) -> list[str]:
    """Unigrams, then adjacent-word bigrams ("ho_so")."""
    return tokens + [f"{a}_{b}" for a, b in zip(tokens, tokens[1:])]


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
        phrasings: list[tuple[int, list[str]]] = []
        for index, entry in enumerate(kb.entries):
            for question in entry.questions:
                tokens = self._normaliser.tokens(question)
                if tokens:
                    phrasings.append((index, tokens))
        df: Counter[str] = Counter()
        for _, tokens in phrasings:
            df.update(set(_terms(tokens)))
        n = len(phrasings)
        self._idf = {
            t: math.log(1 + (n - c + 0.5) / (c + 0.5)) * (_BIGRAM_FACTOR if "_" in t else 1.0)
            for t, c in df.items()
        }
        self._unknown_idf = math.log(1 + (n + 0.5) / 0.5)
        self._docs: list[_Doc] = []
        self._postings: dict[str, list[int]] = {}
        self._entry_postings: dict[str, set[int]] = {}
        self._answer_postings: dict[str, set[int]] = {}
        self._entry_documents: dict[int, set[str]] = {}
        for doc_index, (entry_index, tokens) in enumerate(phrasings):
            terms = set(_terms(tokens))
            self._docs.append(
                _Doc(
                    entry=entry_index,
                    weight=sum(self._idf[t] for t in terms),
                    text=" ".join(tokens),
                    documents=frozenset(t for t in tokens if _DOCUMENT.match(t)),
                )
            )
            for term in terms:
                self._postings.setdefault(term, []).append(doc_index)
                self._entry_postings.setdefault(term, set()).add(entry_index)
            self._entry_documents.setdefault(entry_index, set()).update(self._docs[-1].documents)
        # Answers widen what an entry is about: their words count for the entry as a whole and are known
        # words for spelling correction; their idf comes from how many answers use them.
        answer_df: Counter[str] = Counter()
        for entry_index, entry in enumerate(kb.entries):
            terms = set()
            for text in (entry.answer, entry.answer_en):
                terms.update(_terms(self._normaliser.tokens(to_plain(text))))
            answer_df.update(terms)
            for term in terms:
                self._answer_postings.setdefault(term, set()).add(entry_index)
        entries = len(kb.entries)
        for term, count in answer_df.items():
            if term not in self._idf:
                idf = math.log(1 + (entries - count + 0.5) / (count + 0.5))
                self._idf[term] = idf * (_BIGRAM_FACTOR if "_" in term else 1.0)
        self._entry_shares: dict[str, dict[int, float]] = {}
        for term, entry_indices in self._answer_postings.items():
            self._entry_shares[term] = dict.fromkeys(entry_indices, _ANSWER_ONLY_CREDIT)
        for term, entry_indices in self._entry_postings.items():
            self._entry_shares.setdefault(term, {}).update(dict.fromkeys(entry_indices, 1.0))
        self._vocabulary = sorted({t for t in self._idf if "_" not in t})
        self._vocabulary_set = frozenset(self._vocabulary)

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
        phrasing_best = self._score_phrasings(tokens, weights, credited, total)
        scores = dict(phrasing_best)
        query_documents = {t for t in tokens if _DOCUMENT.match(t)}
        for index, spread in self._score_entries(weights, credited, total).items():
            documents = self._entry_documents.get(index)
            if query_documents and documents and not query_documents & documents:
                spread *= _OTHER_DOCUMENT_FACTOR
            if spread > scores.get(index, 0.0):
                scores[index] = spread
        ranked = sorted(scores, key=lambda i: (-scores[i], -phrasing_best.get(i, 0.0), i))
        if not ranked:
            return []
        # An entry far ahead of the next one is a surer match than one among several close candidates.
        top = scores[ranked[0]]
        runner_up = scores[ranked[1]] if len(ranked) > 1 else 0.0
        scores[ranked[0]] = top + _MARGIN_BONUS * min(top, top - runner_up)
        # One or two common words ("học tập", "phường") say too little to answer with confidence.
        information = sum(self._idf.get(t, 0.0) for t in set(tokens))
        factor = min(1.0, information / _MIN_INFORMATION)
        return [(self.kb.entries[i], round(min(1.0, scores[i] * factor), 4)) for i in ranked[:limit]]

    def _query_weights(self, tokens: list[str], credit: list[float]) -> tuple[dict[str, float], dict[str, float]]:
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

    def _score_phrasings(
        self, tokens: list[str], weights: dict[str, float], credited: dict[str, float], total: float
    ) -> dict[int, float]:
        """Best phrasing score per entry: F-measure of question and phrasing coverage."""
        matched: dict[int, float] = {}
        matched_credited: dict[int, float] = {}
        for term in weights:
            for doc_index in self._postings.get(term, ()):
                matched[doc_index] = matched.get(doc_index, 0.0) + weights[term]
                matched_credited[doc_index] = matched_credited.get(doc_index, 0.0) + credited[term]
        query_documents = frozenset(t for t in tokens if _DOCUMENT.match(t))
        query_text = " ".join(tokens) if any(t not in self._vocabulary_set for t in tokens) else None
        best: dict[int, float] = {}
        for doc_index, weight in matched.items():
            doc = self._docs[doc_index]
            recall = matched_credited[doc_index] / total
            precision = weight / doc.weight
            score = (1 + _BETA2) * precision * recall / (_BETA2 * precision + recall)
            if query_text is not None and score >= _FUZZ_MIN_LEXICAL:
                # Words the vocabulary does not know may be typos: let character similarity help.
                similarity = fuzz.token_sort_ratio(query_text, doc.text) / 100.0
                if similarity > score:
                    score += _FUZZ_WEIGHT * (similarity - score)
            if query_documents and doc.documents and not query_documents & doc.documents:
                score *= _OTHER_DOCUMENT_FACTOR
            if score > best.get(doc.entry, 0.0):
                best[doc.entry] = score
        return best

    def _score_entries(self, weights: dict[str, float], credited: dict[str, float], total: float) -> dict[int, float]:
        """Credit for a question whose words are spread over several phrasings (and the answer) of one entry.

        Words found only in the answer count half: answers are long, so chance matches are likelier.
        """
        matched: dict[int, float] = {}
        count: Counter[int] = Counter()
        for term in weights:
            is_word = "_" not in term
            for entry_index, share in self._entry_shares.get(term, {}).items():
                matched[entry_index] = matched.get(entry_index, 0.0) + credited[term] * share
                count[entry_index] += is_word
        return {
            i: min(_ENTRY_LEVEL_CAP, _ENTRY_LEVEL_FACTOR * (m / total) ** 2)
            for i, m in matched.items()
            if count[i] >= _ENTRY_LEVEL_MIN_WORDS
        }

    def _correct(self, tokens: list[str]) -> tuple[list[str], list[float]]:
        """Fix misspelt and run-together words against the vocabulary; credit < 1 marks a guess."""
        fixed: list[str] = []
        credit: list[float] = []
        for token in tokens:
            if token in self._vocabulary_set or token.isdigit() or len(token) < 3:
                fixed.append(token)
                credit.append(1.0)
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
