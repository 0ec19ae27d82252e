"""Callback data: versioned, short, parsed strictly so forged or stale buttons are refused."""

from __future__ import annotations

import re

VERSION = "v1"
MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")


def encode(prefix: str, *parts: object) -> str:
    """'v1:<prefix>:<part>:…'; raises ValueError if a part is unsafe or the result is too long."""
    items = [prefix, *(str(p) for p in parts)]
    for item in items:
        if not _PART.match(item):
            raise ValueError(f"unsafe callback part {item!r}")
    data = ":".join([VERSION, *items])
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data longer than {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None, prefix: str, arity: int) -> list[str] | None:
    """The parts after 'v1:<prefix>:' when there are exactly `arity` well-formed ones, else None."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    items = data.split(":")
    if len(items) != arity + 2 or items[0] != VERSION or items[1] != prefix:
        return None
    parts = items[2:]
    return parts if all(_PART.match(p) for p in parts) else None


def pattern(prefix: str) -> str:
    """Regex for CallbackQueryHandler(pattern=…) matching one prefix."""
    return rf"^{VERSION}:{re.escape(prefix)}(:|$)"


def parse_int(value: str) -> int | None:
    """A positive id from callback data, or None."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None
