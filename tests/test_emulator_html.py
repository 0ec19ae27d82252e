"""Telegram's HTML parse mode as the emulator applies it to the bot's messages."""

from __future__ import annotations

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.emulator.html import HtmlParseError, detect_entities, merge_entities, parse_html, utf16_len


def test_tags_become_entities_with_utf16_offsets():
    text, entities = parse_html('😀 <b>Đậm <i>nghiêng</i></b> <a href="https://hoi.vn?a=1&amp;b=2">Hội</a>')
    assert text == "😀 Đậm nghiêng Hội"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 11},
        {"type": "italic", "offset": 7, "length": 7},
        {"type": "text_link", "url": "https://hoi.vn?a=1&b=2", "offset": 15, "length": 3},
    ]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("<strong>x</strong>", "bold"), ("<em>x</em>", "italic"), ("<ins>x</ins>", "underline"),
        ("<del>x</del>", "strikethrough"), ("<strike>x</strike>", "strikethrough"),
        ("<tg-spoiler>x</tg-spoiler>", "spoiler"), ('<span class="tg-spoiler">x</span>', "spoiler"),
        ("<code>x</code>", "code"), ("<pre>x</pre>", "pre"), ("<blockquote>x</blockquote>", "blockquote"),
        ("<blockquote expandable>x</blockquote>", "expandable_blockquote"),
    ],
)  # fmt: skip
def test_every_allowed_tag(source, kind):
    assert parse_html(source) == ("x", [{"type": kind, "offset": 0, "length": 1}])


def test_entities_and_stray_ampersands():
    assert parse_html("&lt;&gt;&amp;&quot;&#272;&#x1F600; AT&T &nbsp;") == ('<>&"Đ😀 AT&T &nbsp;', [])


def test_pre_with_code_language_is_one_entity():
    assert parse_html('<pre><code class="language-python">x = 1</code></pre>') == (
        "x = 1", [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("<br/>", 'Unsupported start tag "br" at byte offset 0'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_invalid_html_is_explained(source, detail):
    with pytest.raises(HtmlParseError) as caught:
        parse_html(source)
    assert str(caught.value) == detail


@given(st.text())
def test_escaped_text_round_trips(text):
    plain, entities = parse_html(html.escape(text, quote=False))
    assert plain == text and entities == []


@given(st.text(min_size=1), st.text())
def test_bold_entity_covers_exactly_the_wrapped_text(before, inside):
    source = html.escape(before, quote=False) + "<b>" + html.escape(inside, quote=False) + "</b>"
    plain, entities = parse_html(source)
    assert plain == before + inside
    expected = [{"type": "bold", "offset": utf16_len(before), "length": utf16_len(inside)}] if inside else []
    assert entities == expected


def test_commands_and_links_are_detected_like_telegram_does():
    text = "Gõ /baocao hoặc /start@khuyenhoc_test_bot, xem https://hoi.vn/start."
    assert detect_entities(text) == [
        {"type": "bot_command", "offset": 3, "length": 7},
        {"type": "bot_command", "offset": 16, "length": 25},
        {"type": "url", "offset": 47, "length": 20},
    ]
    assert detect_entities("a/b 1/2 //x") == []


def test_detected_entities_stay_out_of_code_and_links():
    source = "<b>Dùng /help</b> <code>/raw</code> <a href='https://x.vn'>/link</a>"
    text, explicit = parse_html(source)
    merged = merge_entities(explicit, detect_entities(text))
    assert [(e["type"], text[e["offset"] : e["offset"] + e["length"]]) for e in merged] == [
        ("bold", "Dùng /help"), ("bot_command", "/help"), ("code", "/raw"), ("text_link", "/link")
    ]  # fmt: skip
