"""The core stays channel-neutral so the Zalo adapter can reuse it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("telegram", "aiosqlite", "handlers", "storage", "aiohttp")
CORE_FILES = sorted((ROOT / "bot" / "core").rglob("*.py"))


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", CORE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_core_imports_no_channel_or_storage_code(path: Path) -> None:
    bad = {name for name in imported_modules(path) if name.split(".")[0] in FORBIDDEN}
    assert bad == set()


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").rglob("*.py")), ids=lambda p: p.name)
def test_handlers_reach_storage_only_through_services(path: Path) -> None:
    bad = {
        name
        for name in imported_modules(path)
        if name.split(".")[0] == "storage" and name != "storage.outbox"
    }
    assert bad == set()


def test_there_is_core_code_to_check() -> None:
    assert len(CORE_FILES) >= 5
