"""Whatever people (or files, or the environment) throw at the bot's parsers, they answer with a value.

Names, phones, counts, dates and periods are covered in test_core_parsing.py; this file covers the
organisation CSV, button data and the settings read from the environment.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Literal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.config import ConfigError, Settings
from bot.conversation.tokens import MAX_BYTES, Token, TokenError, token
from bot.core.org import MAX_NAME_LENGTH, OrgFile, parse_org_csv
from bot.core.text import clean_name

PART = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
ENV_KEYS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_URL",
    "DATABASE_PATH",
    "ADMIN_IDS",
    "BOT_TIMEZONE",
    "ASSOCIATION_NAME",
    "OPS_CHAT_ID",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "ZALO_BOT_TOKEN",
    "ZALO_WEBHOOK_SECRET",
    "PUBLIC_BASE_URL",
    "PORT",
    "ZALO_SEND_RATE",
    "STARTUP_RETRY_SECONDS",
)
names = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
parts = st.from_regex(PART, fullmatch=True)


# --- the organisation CSV -------------------------------------------------------------------------------


def assert_well_formed(result: OrgFile) -> None:
    assert isinstance(result, OrgFile)
    for problem in result.problems:
        assert problem.line >= 1 and isinstance(problem.message, str) and problem.message
    for row in result.rows:
        assert row.ward and row.chapter
        assert len(row.ward) <= MAX_NAME_LENGTH and len(row.chapter) <= MAX_NAME_LENGTH
        assert not any(ord(ch) < 32 for ch in row.ward + row.chapter)
    if result.ok:
        assert result.rows and not result.problems


@given(st.binary(max_size=2000))
@example(b"\xff\xfe\x00w\x00a\x00r\x00d")
@example(b'ward,chapter\n"unterminated')
@example(b"ward,chapter\n" + b"x," * 100_00)
@example(b"\x00ward,chapter\n")
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_any_bytes_give_rows_or_numbered_problems_never_an_exception(data: bytes) -> None:
    assert_well_formed(parse_org_csv(data))


@given(st.lists(st.text(max_size=40), max_size=8).map(lambda cells: ",".join(cells)), st.text(max_size=400))
def test_any_text_after_a_valid_header_is_read_or_refused_line_by_line(extra_header: str, body: str) -> None:
    header = "ward,chapter" + ("," + extra_header if extra_header else "")
    assert_well_formed(parse_org_csv((header + "\n" + body).encode("utf-8", "surrogatepass")))


@given(st.lists(st.tuples(names, names), min_size=1, max_size=20))
def test_a_well_formed_file_is_read_back_exactly(pairs: list[tuple[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ward", "chapter"])
    writer.writerows(pairs)
    result = parse_org_csv(buffer.getvalue().encode())
    assert_well_formed(result)
    expected = list(dict.fromkeys((clean_name(w), clean_name(c)) for w, c in pairs))
    clean = all(w and c and not any(ord(ch) < 32 for ch in w + c) for w, c in expected)
    unique = len({(w.casefold(), c.casefold()) for w, c in expected}) == len(expected)
    if clean and unique and len(expected) == len(pairs):
        assert result.ok, result.problems
        assert [(r.ward, r.chapter) for r in result.rows] == expected


# --- button data ----------------------------------------------------------------------------------------


@token("ptest")
class Sample(Token):
    """A choice token of every field type the project uses, for the properties below."""

    name: str
    number: int
    flag: bool
    pick: Literal["a", "b"]


@given(st.one_of(st.none(), st.text(max_size=120)))
@example("v1:join:a:12")
@example("v2:join:a:12")
@example("v1:join:a:12:extra")
@example("v1:join:a:" + "9" * 80)
@example("v1:join:a:１２")
@example("v1:ptest:x:１２:1:a")
def test_any_button_data_is_a_well_formed_token_or_none(data: str | None) -> None:
    parsed = Token.parse(data)
    if parsed is not None:
        assert data is not None and len(data.encode()) <= MAX_BYTES
        assert parsed.encode().split(":")[:2] == data.split(":")[:2]
        assert Token.parse(parsed.encode()) == parsed


@given(parts, st.integers(min_value=-(10**11), max_value=10**11), st.booleans(), st.sampled_from(["a", "b"]))
def test_tokens_round_trip_or_are_refused_when_too_long(
    name: str, number: int, flag: bool, pick: str
) -> None:
    sample = Sample(name, number, flag, pick)  # type: ignore[arg-type]
    try:
        data = sample.encode()
    except TokenError:
        assert len(f"v1:ptest:{name}:{number}:{int(flag)}:{pick}".encode()) > MAX_BYTES
        return
    assert len(data.encode()) <= MAX_BYTES
    assert Token.parse(data) == sample


@given(st.text(max_size=60))
def test_unsafe_text_in_a_token_is_refused(part: str) -> None:
    try:
        data = Sample(part, 1, True, "a").encode()
    except TokenError:
        assert not PART.match(part)
    else:
        assert Token.parse(data) == Sample(part, 1, True, "a")


@given(st.text(max_size=30))
@example("²")
@example("١٢٣")
@example("0" * 13)
def test_numbers_in_button_data_are_plain_ascii_digits_or_the_button_is_stale(value: str) -> None:
    parsed = Token.parse(f"v1:ptest:x:{value}:1:a")
    assert parsed is None or (value.lstrip("-").isascii() and value.lstrip("-").isdigit())


# --- settings from the environment ----------------------------------------------------------------------


env_values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "123456:ABCDEFGHIJKLMNOP",
            "0",
            "-1",
            "1,2;3",
            " ",
            "Asia",
            "Asia/Ho_Chi_Minh",
            "../../etc/passwd",
            "UTC/",
            "http://127.0.0.1:1/bot",
            "ftp://x",
            "debug",
            "/",
            ".",
            "\x00",
            "1_000",
            "١٢",
            "99999999999999999999999",
        ]
    ),
)


@given(st.dictionaries(st.sampled_from(ENV_KEYS), env_values, max_size=len(ENV_KEYS)))
@settings(max_examples=150)
def test_any_environment_gives_settings_or_a_config_error_that_says_what_to_fix(env: dict[str, str]) -> None:
    try:
        result = Settings.from_env(env, require_token=False)
    except ConfigError as error:
        message = str(error)
        lines = message.splitlines()
        assert lines and len(lines) % 2 == 0, "each problem in Vietnamese, then in English"
        assert all(
            vi.startswith("- ") and en.startswith("  ")
            for vi, en in zip(lines[::2], lines[1::2], strict=True)
        )
        return
    assert isinstance(result, Settings)
    assert result.log_level in ("DEBUG", "INFO", "WARNING", "ERROR")
    assert result.api_url.startswith(("http://", "https://"))
