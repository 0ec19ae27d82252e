"""Choice tokens: what pressing a button (or typing a list number) means, typed and checked in one place.

A token class names its kind and its fields; `Token.parse()` turns the wire form back into an instance or
None (stale, forged or malformed), never an exception. The wire form is the one the bot has always put in
Telegram's `callback_data` ('v1:<kind>:<field>:…', at most 64 bytes), so buttons sent before an upgrade still
mean the same thing.

    @token("repc")
    class ReportPick(Token):
        what: Literal["w", "c"]
        target_id: int
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from enum import Enum
from typing import Any, ClassVar, Literal, TypeVar, get_args, get_origin

VERSION = "v1"
MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
_INT = re.compile(r"^-?[0-9]{1,12}$")

_KINDS: dict[str, type[Token]] = {}
T = TypeVar("T", bound="Token")


class TokenError(ValueError):
    """A token could not be built (a programming error: unsafe value or too long)."""


@dataclasses.dataclass(frozen=True)
class Token:
    """Base of every choice token; subclasses are frozen dataclasses registered with @token(kind)."""

    token_kind: ClassVar[str] = ""
    _fields: ClassVar[tuple[tuple[str, Any], ...]] = ()

    def encode(self) -> str:
        """'v1:<kind>:<field>:…'; raises TokenError when a value is unsafe or the result too long."""
        items = [*self.token_kind.split(":"), *(_dump(getattr(self, name)) for name, _ in self._fields)]
        for item in items:
            if not _PART.match(item):
                raise TokenError(f"unsafe token part {item!r} in {type(self).__name__}")
        data = ":".join([VERSION, *items])
        if len(data.encode()) > MAX_BYTES:
            raise TokenError(f"token longer than {MAX_BYTES} bytes: {data!r}")
        return data

    @staticmethod
    def parse(data: str | None) -> Token | None:
        """The token this wire form stands for, or None when it is unknown, stale or forged."""
        if not data or len(data.encode()) > MAX_BYTES:
            return None
        items = data.split(":")
        if len(items) < 2 or items[0] != VERSION:
            return None
        for width in (2, 1):
            cls = _KINDS.get(":".join(items[1 : 1 + width]))
            if cls is not None and len(items) - 1 - width == len(cls._fields):
                return _build(cls, items[1 + width :])
        return None


def _build(cls: type[Token], raw_values: list[str]) -> Token | None:
    values: dict[str, Any] = {}
    for (name, kind), raw in zip(cls._fields, raw_values, strict=True):
        value = _load(kind, raw)
        if value is _INVALID:
            return None
        values[name] = value
    return cls(**values)


def token(kind: str) -> typing.Callable[[type[T]], type[T]]:
    """Register a token class: a kind of one or two parts (letters, digits, '_', '.', '-'), ':' between."""
    parts = kind.split(":")
    if len(parts) > 2 or not all(_PART.match(part) for part in parts):
        raise TokenError(f"unsafe token kind {kind!r}")

    def register(cls: type[T]) -> type[T]:
        if kind in _KINDS and _KINDS[kind].__qualname__ != cls.__qualname__:
            raise TokenError(f"token kind {kind!r} is used twice")
        cls = dataclasses.dataclass(frozen=True)(cls)
        hints = typing.get_type_hints(cls)
        cls.token_kind = kind
        cls._fields = tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))
        for name, hint in cls._fields:
            _check_supported(cls, name, hint)
        _KINDS[kind] = cls
        return cls

    return register


def is_kind(data: str | None, kind: str) -> bool:
    """Whether raw wire data names this kind (for channels that route before parsing)."""
    return bool(data) and data.startswith(f"{VERSION}:{kind}:")  # type: ignore[union-attr]


_INVALID = object()


def _dump(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Enum):
        return str(value.value)
    if value is None:
        return "-"
    return str(value)


def _load(kind: Any, raw: str) -> Any:
    origin = get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(kind) if a is not type(None)]
        if raw == "-" and len(options) < len(get_args(kind)):
            return None
        return _load(options[0], raw) if len(options) == 1 else _INVALID
    if origin is Literal:
        return raw if raw in {str(a) for a in get_args(kind)} else _INVALID
    if kind is bool:
        return {"1": True, "0": False}.get(raw, _INVALID)
    if kind is int:
        return int(raw) if _INT.match(raw) else _INVALID
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(raw)
        except ValueError:
            return _INVALID
    if kind is str:
        return raw if _PART.match(raw) else _INVALID
    return _INVALID


def _check_supported(cls: type, name: str, hint: Any) -> None:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _check_supported(cls, name, options[0])
    elif origin is Literal or hint in (bool, int, str) or (isinstance(hint, type) and issubclass(hint, Enum)):
        return None
    raise TokenError(f"{cls.__name__}.{name}: unsupported token field type {hint!r}")
