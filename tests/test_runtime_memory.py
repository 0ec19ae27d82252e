"""After start-up the bot gives the memory start-up freed back to the system (bench/bench_mixed.py measures
how much); where the C library cannot, start-up goes on as before."""

from __future__ import annotations

import ctypes.util
import platform

import pytest

from bot.runtime import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_on_glibc_the_free_heap_is_handed_back():
    assert memory.release_free_memory() is True


def test_without_a_c_library_to_ask_nothing_happens(monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert memory.release_free_memory() is False
