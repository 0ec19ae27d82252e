"""The neutral markup replies are written in: escaped text with a few tags, rendered per channel.

It is the HTML subset every channel can show or flatten: <b>, <i>, <u>, <s>, <code>, <pre>, <blockquote> and
<a href="…">. People's data goes in through `esc()`. Telegram takes it as its HTML parse mode; plain-text
channels take `to_plain()`. `split()` cuts long text at line breaks into parts that each fit a channel's
limit,
closing and reopening tags across the cut so every part stays well formed.
"""

from __future__ import annotations

import html
import re

TAGS = ("b", "i", "u", "s", "code", "pre", "blockquote", "a")
_TAG = re.compile(r"<(/?)(b|i|u|s|code|pre|blockquote|a)(\s+href=\"[^\"]*\")?\s*>")
_LINK = re.compile(r"<a\s+href=\"([^\"]*)\"\s*>(.*?)</a>", re.S)


def esc(value: object) -> str:
    """Escape people's data (names, notes, titles) before it goes into markup."""
    return html.escape(str(value), quote=False)


def to_plain(text: str) -> str:
    """Markup → plain text: tags dropped, links shown as 'label (address)', entities decoded."""

    def link(match: re.Match[str]) -> str:
        label, href = match.group(2), match.group(1)
        plain_label = _TAG.sub("", label)
        return plain_label if html.unescape(plain_label) == html.unescape(href) else f"{plain_label} ({href})"

    return html.unescape(_TAG.sub("", _LINK.sub(link, text)))


def split(text: str, limit: int) -> list[str]:
    """Parts of at most `limit` characters, cut at line breaks (inside a too-long line, at spaces)."""
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    prefix = current = ""
    for line in _lines(text, limit):
        candidate = f"{current}\n{line}" if current else line
        if current and _closed_length(prefix + candidate) > limit:
            parts.append(_closed(prefix + current))
            prefix = "".join(_open_tags(prefix + current))
            current = line
        else:
            current = candidate
    if current:
        parts.append(_closed(prefix + current))
    return parts


def _lines(text: str, limit: int) -> list[str]:
    """Lines no longer than the room a part has (leaving space for closing tags)."""
    room = max(20, limit - 64)
    out: list[str] = []
    for line in text.split("\n"):
        while len(line) > room:
            cut = line.rfind(" ", 0, room)
            cut = cut if cut > room // 2 else room
            out.append(line[:cut])
            line = line[cut:].lstrip(" ")
        out.append(line)
    return out


def _open_tags(text: str) -> list[str]:
    """The opening tags still open at the end of `text`, outermost first."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        if match.group(1):
            if match.group(2) in [_name(t) for t in stack]:
                while stack and _name(stack.pop()) != match.group(2):
                    pass
        else:
            stack.append(match.group(0))
    return stack


def _name(open_tag: str) -> str:
    match = _TAG.match(open_tag)
    return match.group(2) if match else ""


def _closed_length(text: str) -> int:
    return len(text) + sum(len(_name(t)) + 3 for t in _open_tags(text))


def _closed(text: str) -> str:
    """`text` with the tags it leaves open closed at its end."""
    return text + "".join(f"</{_name(t)}>" for t in reversed(_open_tags(text)))
