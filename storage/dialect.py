"""The one place where SQLite's SQL becomes PostgreSQL's.

Storage modules and migrations are written once, in SQLite's dialect; on PostgreSQL every query passes
through `query` and every migration statement through `ddl`. What differs, and how it is bridged:

- placeholders: `?` and `?NNN` become psycopg's `%(pN)s`, numbered as SQLite numbers them (`named` turns the
  parameters into the matching mapping); a literal `%` becomes `%%`, as psycopg reads the text;
- `INSERT OR IGNORE INTO …` becomes `INSERT INTO … ON CONFLICT DO NOTHING`;
- `LIKE` becomes `ILIKE` (SQLite's LIKE ignores ASCII case; text columns use the "C" collation, so both
  compare and sort text by code point);
- `IS NOT ?` (SQLite's NULL-safe "differs") becomes `IS DISTINCT FROM`, `IS ?` `IS NOT DISTINCT FROM`;
- `cursor.lastrowid`: an INSERT into a table with an `INTEGER PRIMARY KEY` gets `RETURNING <that column>`;
- `rowid`: tables without an `INTEGER PRIMARY KEY` get an identity column named `rowid` (insertion order);
- DDL: `INTEGER` is BIGINT (SQLite's integers are 64-bit: an id from a forged button, 70000000000, is looked
  up and not found, never "out of range"), `INTEGER PRIMARY KEY` a BIGINT identity column, `REAL` double
  precision, `BLOB` bytea, foreign keys are DEFERRABLE (so `migrate-db` can copy tables in any order);
- `SUM(<condition>)` counts the rows where it holds: PRELUDE defines `sum(boolean)`;
- SQLite's scalar `min(a, b, …)` and `max(a, b, …)` (two or more arguments) are `LEAST` and `GREATEST`;
- claiming rows: `skip_locked` adds `FOR UPDATE SKIP LOCKED` to a SELECT (SQLite has one writer at a time and
  no row locks, so there the SELECT stays as it is);
- `json_object`/`json_extract(col, '$.key')` (migration 0009 only) become `json_build_object`/`->`;
- `PRAGMA user_version` is the one-row table `schema_version`; other PRAGMAs do not apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

POSTGRES_SCHEMES = ("postgresql://", "postgres://")

# Run at every PostgreSQL open, before the migrations (idempotent).
PRELUDE = (
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    "INSERT INTO schema_version (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM schema_version)",
    "CREATE OR REPLACE FUNCTION sum_true(bigint, boolean) RETURNS bigint LANGUAGE sql IMMUTABLE "
    "AS 'SELECT $1 + CASE WHEN $2 THEN 1 ELSE 0 END'",
    "CREATE OR REPLACE AGGREGATE sum(boolean) (SFUNC = sum_true, STYPE = bigint, INITCOND = '0')",
)

# Tables that exist only on PostgreSQL, for the dialect itself (never copied by migrate-db).
INTERNAL_TABLES = frozenset({"schema_version"})


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(POSTGRES_SCHEMES)


def _code_and_literals(sql: str) -> list[tuple[bool, str]]:
    """Split SQL into (is_code, text) pieces; string literals and quoted identifiers are not code."""
    pieces: list[tuple[bool, str]] = []
    start = 0
    i = 0
    while i < len(sql):
        quote = sql[i]
        if quote in "'\"":
            if i > start:
                pieces.append((True, sql[start:i]))
            end = i + 1
            while end < len(sql):
                if sql[end] == quote:
                    if end + 1 < len(sql) and sql[end + 1] == quote:
                        end += 2
                        continue
                    break
                end += 1
            pieces.append((False, sql[i : end + 1]))
            i = start = end + 1
            continue
        i += 1
    if start < len(sql):
        pieces.append((True, sql[start:]))
    return pieces


def _masked(sql: str) -> str:
    """The SQL with its literals and quoted names blanked out (same length: positions still match)."""
    return "".join(text if is_code else " " * len(text) for is_code, text in _code_and_literals(sql))


_PLACEHOLDER = re.compile(r"\?(\d*)")
_LIKE = re.compile(r"\bLIKE\b", re.IGNORECASE)
_IS_VALUE = re.compile(r"\bIS\s+(NOT\s+)?(?=\?)", re.IGNORECASE)
_OR_IGNORE = re.compile(r"\bINSERT\s+OR\s+IGNORE\s+INTO\b", re.IGNORECASE)
_INSERT_INTO = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.IGNORECASE)
_RETURNING = re.compile(r"\bRETURNING\b", re.IGNORECASE)
_JSON_EXTRACT = re.compile(r"json_extract\((\w+),\s*'\$\.(\w+)'\)", re.IGNORECASE)
_MIN_MAX = re.compile(r"\b(min|max)\s*\(", re.IGNORECASE)


@lru_cache(maxsize=2048)
def query(sql: str) -> str:
    """A storage module's SQLite query, as PostgreSQL (with psycopg's placeholders) reads it."""
    ignore = False
    out = []
    last = 0

    def placeholder(match: re.Match[str]) -> str:
        nonlocal last
        number = int(match.group(1)) if match.group(1) else last + 1
        last = max(last, number)
        return f"%(p{number})s"

    for is_code, text in _code_and_literals(sql):
        if is_code:
            text, found = _OR_IGNORE.subn("INSERT INTO", text)
            ignore = ignore or bool(found)
            text = _IS_VALUE.sub(_distinct, text)
            text = _PLACEHOLDER.sub(placeholder, _LIKE.sub("ILIKE", text.replace("%", "%%")))
        else:
            text = text.replace("%", "%%")
        out.append(text)
    translated = _scalar_min_max("".join(out))
    if ignore:
        translated = _before_returning(translated, " ON CONFLICT DO NOTHING")
    return translated


def skip_locked(select: str) -> str:
    """A SELECT that locks the rows it returns and passes over rows another transaction has locked."""
    return f"{select} FOR UPDATE SKIP LOCKED"


def _scalar_min_max(sql: str) -> str:
    """`min(a, b)`/`max(a, b)` as `LEAST`/`GREATEST`; with one argument they are aggregates and stay."""
    code = _masked(sql)
    out, last = [], 0
    for match in _MIN_MAX.finditer(code):
        depth, index, several = 1, match.end(), False
        while index < len(code) and depth:
            char = code[index]
            depth += (char == "(") - (char == ")")
            several = several or (char == "," and depth == 1)
            index += 1
        if several:
            out.append(sql[last : match.start()])
            out.append("LEAST(" if match.group(1).lower() == "min" else "GREATEST(")
            last = match.end()
    out.append(sql[last:])
    return "".join(out)


def _distinct(match: re.Match[str]) -> str:
    return "IS DISTINCT FROM " if match.group(1) else "IS NOT DISTINCT FROM "


def named(params: Iterable[Any]) -> dict[str, Any]:
    """Positional parameters as the mapping `query`'s placeholders name (p1, p2, …)."""
    return {f"p{number}": value for number, value in enumerate(params, start=1)}


def _before_returning(sql: str, clause: str) -> str:
    code = _masked(sql)
    found = _RETURNING.search(code)
    if found is None:
        return sql.rstrip() + clause
    return sql[: found.start()].rstrip() + clause + " " + sql[found.start() :]


def returning_id(sql: str, id_columns: dict[str, str]) -> str | None:
    """For an INSERT without RETURNING into a table with an integer key: that column (for lastrowid)."""
    match = _INSERT_INTO.match(sql)
    if match is None:
        return None
    code = _masked(sql)
    if _RETURNING.search(code):
        return None
    return id_columns.get(match.group(1).lower())


_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)\s*\(", re.IGNORECASE)
_INTEGER_KEY = re.compile(r"\b(\w+)\s+INTEGER\s+PRIMARY\s+KEY\b(\s+AUTOINCREMENT\b)?", re.IGNORECASE)
_REFERENCES = re.compile(r"\bREFERENCES\s+\w+\s*\(\s*\w+\s*\)", re.IGNORECASE)
# Types are written in upper case in the migrations (a column may be called `text`).
_INTEGER = re.compile(r"\bINTEGER\b")
_TEXT = re.compile(r"(?<!\bAS )\bTEXT\b")  # a column's type; `CAST(x AS TEXT)` takes no collation
_REAL = re.compile(r"\bREAL\b")
_BLOB = re.compile(r"\bBLOB\b")
_PRAGMA = re.compile(r"^\s*PRAGMA\b", re.IGNORECASE)


def integer_key(statement: str) -> tuple[str, str] | None:
    """(table, column) when a CREATE TABLE statement has an `INTEGER PRIMARY KEY` (SQLite's rowid alias)."""
    table = _CREATE_TABLE.match(statement)
    if table is None:
        return None
    code = _masked(statement)
    key = _INTEGER_KEY.search(code)
    return (table.group(1).lower(), key.group(1).lower()) if key else None


def ddl(statement: str) -> str | None:
    """A migration statement as PostgreSQL runs it, or None when it does not apply there (PRAGMAs)."""
    if _PRAGMA.match(statement):
        return None
    table = _CREATE_TABLE.match(statement)
    has_key = integer_key(statement) is not None
    out = []
    for is_code, text in _code_and_literals(statement):
        if is_code:
            text = _INTEGER_KEY.sub(r"\1 BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", text)
            text = _INTEGER.sub("BIGINT", text)
            text = _REFERENCES.sub(lambda m: m.group(0) + " DEFERRABLE", text)
            text = _TEXT.sub('TEXT COLLATE "C"', text)
            text = _REAL.sub("DOUBLE PRECISION", text)
            text = _BLOB.sub("BYTEA", text)
        out.append(text)
    translated = _JSON_EXTRACT.sub(r"(\1::json -> '\2')", "".join(out))
    translated = translated.replace("json_object(", "json_build_object(")
    if table is not None and not has_key:
        opening = table.end()
        translated = (
            translated[:opening]
            + "\n    rowid BIGINT GENERATED BY DEFAULT AS IDENTITY,"
            + translated[opening:]
        )
    return translated
