"""Word lists written as text, one or many lines: `words("a b c")` is the set {"a", "b", "c"}."""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of `text`, as a set."""
    return frozenset(text.split())
