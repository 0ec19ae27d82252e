"""Telegram's HTML parse mode: validate like the Bot API does and produce plain text + entities.

Offsets and lengths of entities are in UTF-16 code units, as in the real API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_TAG_NAME_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")

_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
ALLOWED_TAGS = frozenset(_SIMPLE_TAGS) | {"a", "span", "tg-emoji"}


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; str(error) is the API's detail."""


@dataclass
class _Open:
    tag: str
    entity: dict
    start: int


def utf16_len(text: str) -> int:
    """Length of text in UTF-16 code units (Telegram's unit for entity offsets)."""
    return len(text.encode("utf-16-le")) // 2


def _decode_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)


def _unescape(value: str) -> str:
    return _ENTITY_RE.sub(lambda m: _decode_entity(m) or m.group(0), value)


def parse_html(source: str) -> tuple[str, list[dict]]:
    """Parse Telegram-flavoured HTML into (plain text, entities); raise HtmlParseError when invalid."""
    out: list[str] = []
    position = 0  # UTF-16 offset in the output
    stack: list[_Open] = []
    entities: list[dict] = []
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "&":
            match = _ENTITY_RE.match(source, i)
            decoded = _decode_entity(match) if match else None
            if decoded is not None:
                out.append(decoded)
                position += utf16_len(decoded)
                i = match.end()
            else:
                out.append("&")
                position += 1
                i += 1
            continue
        if char != "<":
            j = i
            while j < n and source[j] not in "&<":
                j += 1
            chunk = source[i:j]
            out.append(chunk)
            position += utf16_len(chunk)
            i = j
            continue
        offset = len(source[:i].encode("utf-8"))
        if source.startswith("</", i):
            close = source.find(">", i)
            if close == -1:
                raise HtmlParseError(f"Unclosed end tag at byte offset {offset}")
            name = source[i + 2 : close].strip().lower()
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {offset}")
            top = stack.pop()
            if name != top.tag:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{top.tag}>", found "</{name}>"'
                )
            length = position - top.start
            if length > 0 and top.entity["type"]:
                top.entity["offset"] = top.start
                top.entity["length"] = length
                _merge_pre_language(top.entity, entities)
                entities.append(top.entity)
            i = close + 1
            continue
        name_match = _TAG_NAME_RE.match(source, i + 1)
        if not name_match:
            raise HtmlParseError(f'Unsupported start tag "" at byte offset {offset}')
        name = name_match.group(0).lower()
        if name not in ALLOWED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        close = source.find(">", name_match.end())
        if close == -1:
            raise HtmlParseError(f"Unclosed start tag at byte offset {offset}")
        attributes = _parse_attributes(source[name_match.end() : close], offset)
        stack.append(_Open(name, _entity_for(name, attributes, offset), position))
        i = close + 1
    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _merge_pre_language(entity: dict, entities: list[dict]) -> None:
    """<pre><code class="language-x">…</code></pre> becomes one pre entity with a language."""
    if entity["type"] != "pre" or not entities:
        return
    inner = entities[-1]
    if (
        inner["type"] == "code"
        and "language" in inner
        and (inner["offset"], inner["length"])
        == (
            entity["offset"],
            entity["length"],
        )
    ):
        entities.pop()
        entity["language"] = inner["language"]


def _parse_attributes(text: str, offset: int) -> dict[str, str]:
    attributes: dict[str, str] = {}
    text = text.rstrip().removesuffix("/")
    pos = 0
    while pos < len(text):
        match = _ATTR_RE.match(text, pos)
        if not match or match.end() == pos:
            if text[pos:].strip():
                raise HtmlParseError(
                    f"Expected equal sign in declaration of an attribute at byte offset {offset}"
                )
            break
        name = match.group(1).lower()
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attributes[name] = _unescape(value)
        pos = match.end()
    return attributes


def _entity_for(tag: str, attributes: dict[str, str], offset: int) -> dict:
    if tag == "a":
        href = attributes.get("href", "")
        return {"type": "text_link", "url": href} if href else {"type": ""}
    if tag == "span":
        if attributes.get("class") != "tg-spoiler":
            raise HtmlParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
        return {"type": "spoiler"}
    if tag == "tg-emoji":
        emoji_id = attributes.get("emoji-id")
        if not emoji_id:
            raise HtmlParseError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
        return {"type": "custom_emoji", "custom_emoji_id": emoji_id}
    kind = _SIMPLE_TAGS[tag]
    if kind == "blockquote" and "expandable" in attributes:
        return {"type": "expandable_blockquote"}
    if kind == "code" and attributes.get("class", "").startswith("language-"):
        return {"type": "code", "language": attributes["class"].removeprefix("language-")}
    return {"type": kind}


_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_URL_RE = re.compile(r"https?://[^\s<>\"']+")
_OPAQUE = frozenset({"code", "pre", "text_link", "url", "bot_command", "custom_emoji"})


def _utf16_span(text: str, start: int, end: int) -> tuple[int, int]:
    offset = utf16_len(text[:start])
    return offset, utf16_len(text[start:end])


def detect_entities(text: str) -> list[dict]:
    """Entities Telegram finds by itself in any message: bot commands and URLs (UTF-16 offsets)."""
    found = []
    url_spans = []
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        url_spans.append((match.start(), match.start() + len(url)))
        offset, length = _utf16_span(text, match.start(), match.start() + len(url))
        found.append({"type": "url", "offset": offset, "length": length})
    for match in _COMMAND_RE.finditer(text):
        if any(start <= match.start() < end for start, end in url_spans):
            continue
        offset, length = _utf16_span(text, match.start(), match.end())
        found.append({"type": "bot_command", "offset": offset, "length": length})
    found.sort(key=lambda e: e["offset"])
    return found


def merge_entities(explicit: list[dict], detected: list[dict]) -> list[dict]:
    """Add detected entities that neither cross an explicit one nor sit inside code or a link."""
    merged = list(explicit)
    for entity in detected:
        start, end = entity["offset"], entity["offset"] + entity["length"]
        clash = False
        for other in explicit:
            o_start, o_end = other["offset"], other["offset"] + other["length"]
            if end <= o_start or o_end <= start:
                continue
            inside = o_start <= start and end <= o_end
            if not inside or other["type"] in _OPAQUE:
                clash = True
                break
        if not clash:
            merged.append(entity)
    merged.sort(key=lambda e: (e["offset"], -e["length"]))
    return merged
