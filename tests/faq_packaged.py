"""The packaged FAQ matcher for tests that read it, built once per test process instead of once per module."""

from __future__ import annotations

import pickle
from functools import cache
from pathlib import Path

from bot.core.faq import FaqMatcher
from bot.core.faq.build import build_matcher
from eval.run import Scores, bot_answerer, load_items, score

_EVAL = Path(__file__).parent.parent / "eval"


@cache
def _pickled() -> bytes:
    return pickle.dumps(build_matcher(), protocol=pickle.HIGHEST_PROTOCOL)


def packaged_matcher() -> FaqMatcher:
    """The matcher of the packaged knowledge base as the bot loads it (its kept build, or a fresh one;
    tests/test_faq_build.py proves it ranks every question as one built in process), a copy of the
    caller's own: ~20 ms of CPU instead of a ~1 s build."""
    matcher: FaqMatcher = pickle.loads(_pickled())  # our own build: trusted
    return matcher


def scored_blind_set(name: str) -> Scores:
    """The packaged FAQ's scores on the frozen set `eval/faq_blind_2026_12_<name>.yaml`, checked whole."""
    items = load_items(_EVAL / f"faq_blind_2026_12_{name}.yaml")
    assert len(items) == 306, "the frozen set must not change"
    return score(items, bot_answerer(matcher=packaged_matcher()))


def scored_dev_set(name: str) -> Scores:
    """The packaged FAQ's scores on the frozen set `eval/faq_dev_2026_12_<name>.yaml` (written to find the
    hardest styles' misses and read to tune on), checked whole."""
    items = load_items(_EVAL / f"faq_dev_2026_12_{name}.yaml")
    assert len(items) == 306, "the frozen set must not change"
    return score(items, bot_answerer(matcher=packaged_matcher()))


def scored_english_set() -> Scores:
    """The packaged FAQ's scores on the frozen English set `eval/faq_english_2026_12_u.yaml`, whole."""
    items = load_items(_EVAL / "faq_english_2026_12_u.yaml")
    assert len(items) == 100, "the frozen set must not change"
    return score(items, bot_answerer(matcher=packaged_matcher()))


def scored_talk_set() -> Scores:
    """The packaged FAQ's scores on the frozen set `eval/faq_talk_2026_12.yaml` (small talk and questions
    from outside the subject), whole."""
    items = load_items(_EVAL / "faq_talk_2026_12.yaml")
    assert len(items) == 240, "the frozen set must not change"
    return score(items, bot_answerer(matcher=packaged_matcher()))
