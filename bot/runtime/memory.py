"""Giving memory freed during start-up back to the system.

Start-up reads the knowledge base, the catalogs and the database schema, and frees most of what it allocated
for that; glibc's malloc keeps freed pages for reuse instead of returning them, so a long-running bot would
hold them for good. `malloc_trim(0)` returns the free pages of the C heap once, after start-up. The standard
library has no call for it (ctypes reaches glibc's); where glibc is not the C library, nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc


def release_free_memory() -> bool:
    """Collect garbage, then hand the C heap's free pages back to the system; False where that cannot be
    done (no glibc)."""
    gc.collect()
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return False  # not glibc (musl, macOS): the allocator keeps what it keeps
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    trim(0)
    return True
