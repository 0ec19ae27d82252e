"""The FAQ matcher against realistic questions: the development sets (tests/data/faq_dev.yaml, faq_dev2.yaml:
the categories of issue #17's second round) and the blind batches written before each round of tuning
(tests/data/faq_blind*.yaml), scored together."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.faq import FaqMatcher, to_plain
from bot.core.faq.glossary import spell_out

DATA = Path(__file__).parent / "data"
QUESTION_SETS = [DATA / "faq_dev.yaml", DATA / "faq_dev2.yaml", *sorted(DATA.glob("faq_blind*.yaml"))]


@pytest.fixture(scope="module")
def dev_set() -> list[dict]:
    return [
        q for path in QUESTION_SETS for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    ]


def _acceptable(item: dict) -> list[str]:
    expected = item["expect_entry"]
    return [expected] if isinstance(expected, str) else list(expected)


def _right_entry(entry_id: str, item: dict) -> bool:
    """The expected entry, or (for a question naming a document) an answer built from that document's record,
    or two answers one of which is the expected entry."""
    parts = entry_id.split("+")
    return any(p in _acceptable(item) or p.startswith("doc-") for p in parts)


def _contains(text: str, fact: str, matcher: FaqMatcher, locale: str) -> bool:
    """`fact` in `text`, as written or with its abbreviations spelled out the way answers spell them."""
    table = matcher.kb.spelled.get("en" if locale.startswith("en") else "vi", {})
    return fact in text or spell_out(fact, table, locale) in text


def test_the_dev_set_is_big_and_varied_enough(dev_set, matcher):
    in_scope = [q for q in dev_set if not q.get("out_of_scope")]
    out_of_scope = [q for q in dev_set if q.get("out_of_scope")]
    english = [q for q in dev_set if q.get("locale") == "en"]
    assert len(dev_set) >= 150 and len(out_of_scope) >= 20
    assert len(english) >= 0.1 * len(dev_set)
    known = {e.id for e in matcher.kb.entries}
    for item in in_scope:
        assert set(_acceptable(item)) <= known, item["q"]
        assert item.get("must_contain"), item["q"]


def test_at_least_90_percent_of_in_scope_questions_get_a_correct_answer(dev_set, matcher):
    in_scope = [q for q in dev_set if not q.get("out_of_scope")]
    misses = []
    for item in in_scope:
        locale = item.get("locale", "vi")
        result = matcher.ask(item["q"], locale)
        entry = result.entry if result.kind in ("answer", "unconfirmed") else None
        if entry is None or not _right_entry(entry.id, item):
            misses.append(f"{item['q']!r}: {result.kind} {entry and entry.id} ({result.score:.2f})")
            continue
        text = to_plain(result.text())
        missing = [
            fact for fact in item["must_contain"] if not _contains(text, fact, matcher, result.language)
        ]
        if missing:
            misses.append(f"{item['q']!r}: {entry.id} lacks {missing}")
    accuracy = 1 - len(misses) / len(in_scope)
    print(f"\nin scope: {accuracy:.1%} correct ({len(in_scope) - len(misses)}/{len(in_scope)})")
    print("\n".join(misses))
    assert accuracy >= 0.9, "\n".join(misses)


def test_at_least_90_percent_of_out_of_scope_questions_are_declined(dev_set, matcher):
    out_of_scope = [q for q in dev_set if q.get("out_of_scope")]
    misses = []
    for item in out_of_scope:
        result = matcher.ask(item["q"], item.get("locale", "vi"))
        if result.kind not in ("none", "small_talk"):  # a greeting is not an FAQ answer either
            shown = result.entry.id if result.entry else [e.id for e in result.suggestions]
            misses.append(f"{item['q']!r}: {result.kind} {shown} ({result.score:.2f})")
    declined = 1 - len(misses) / len(out_of_scope)
    print(f"\nout of scope: {declined:.1%} declined ({len(out_of_scope) - len(misses)}/{len(out_of_scope)})")
    print("\n".join(misses))
    assert declined >= 0.9, "\n".join(misses)
