"""The order the parallel workers get the tests in (tests/conftest.py `dealt`): every test once, and the long
ones spread over the workers' shares, early in each, instead of all in the first share."""

from __future__ import annotations

from tests.conftest import dealt


def shares_of(ordered: list[int], workers: int) -> list[list[int]]:
    """The contiguous shares `--dist worksteal` hands out: len // workers of what is left, in turn."""
    shares, left, start = [], len(ordered), 0
    for n in range(workers):
        size = left // (workers - n)
        shares.append(ordered[start : start + size])
        start, left = start + size, left - size
    return shares


def test_every_test_is_run_once_and_the_long_ones_start_early_on_every_worker():
    tests = list(range(2231))
    long_tests = set(range(330))  # the longest-first order puts them at the head of the list
    ordered = dealt(tests, 5, lambda t: t in long_tests)

    assert sorted(ordered) == tests
    for share in shares_of(ordered, 5):
        positions = [n for n, t in enumerate(share) if t in long_tests]
        assert len(positions) == 66, "each worker gets its fifth of the long tests"
        assert positions[0] == 0, "its longest first"
        assert positions[-1] < 2 * len(share) // 3 + 1, "and none of them after the first two thirds"


def test_with_more_long_tests_than_a_share_holds_nothing_is_lost():
    ordered = dealt(list(range(10)), 3, lambda t: True)
    assert sorted(ordered) == list(range(10))
