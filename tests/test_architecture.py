"""Telegram stays at the edge: the layers that every channel shares know nothing of it, and flows reach the
database only through the core's use cases."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def python_files(*parts: str) -> list[Path]:
    return sorted((ROOT.joinpath(*parts)).rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def top(name: str) -> str:
    return name.split(".")[0]


def ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


CORE = python_files("bot", "core")
FLOWS = python_files("handlers")
SHARED = [
    *CORE,
    *FLOWS,
    *python_files("storage"),
    *python_files("bot", "views"),
    *python_files("bot", "conversation"),
    *python_files("bot", "runtime"),
]
STORAGE_ATTRIBUTES = {"db", "outbox", "tasks", "member_store", "dialogs", "store"}
"""What a flow must not touch: the database, the queues and the stores behind the core's services."""


@pytest.mark.parametrize("path", SHARED, ids=ids)
def test_nothing_outside_the_channel_adapters_imports_telegram(path: Path) -> None:
    assert {name for name in imported_modules(path) if top(name) == "telegram"} == set()


def test_only_the_telegram_adapter_and_the_emulators_import_telegram() -> None:
    allowed = ("bot/channels/telegram/", "bot/emulator/", "bot/sandbox/")
    importers = {
        ids(path)
        for path in python_files("bot")
        if any(top(name) == "telegram" for name in imported_modules(path))
        and not ids(path).startswith(allowed)
    }
    assert importers == set()


@pytest.mark.parametrize("path", CORE, ids=ids)
def test_the_core_imports_no_channel_storage_or_flow_code(path: Path) -> None:
    forbidden = ("telegram", "aiosqlite", "psycopg", "handlers", "storage", "aiohttp", "httpx")
    bad = {name for name in imported_modules(path) if top(name) in forbidden}
    bad |= {
        name
        for name in imported_modules(path)
        if name.startswith(("bot.conversation", "bot.runtime", "bot.channels", "bot.views"))
        and name != "bot.conversation.replies"
    }
    assert bad == set()


@pytest.mark.parametrize("path", FLOWS, ids=ids)
def test_flows_import_no_storage(path: Path) -> None:
    assert {name for name in imported_modules(path) if top(name) in ("storage", "aiosqlite")} == set()


@pytest.mark.parametrize("path", FLOWS, ids=ids)
def test_flows_write_to_the_database_only_through_use_cases(path: Path) -> None:
    """No `services.db`, `.outbox`, `.tasks`, `.member_store`, `.dialogs` or `.store` in a flow."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = {
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in STORAGE_ATTRIBUTES
    }
    assert used == set()


@pytest.mark.parametrize("path", [*python_files("bot", "commands"), *python_files("bot", "views")], ids=ids)
def test_the_command_line_and_the_views_never_import_a_flow(path: Path) -> None:
    assert {name for name in imported_modules(path) if top(name) == "handlers"} == set()


def test_there_is_code_to_check() -> None:
    assert len(CORE) >= 5 and len(FLOWS) >= 5
