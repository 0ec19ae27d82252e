"""Every text a member can see is translated into Vietnamese, with the same placeholders and tags."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import bot.i18n as i18n
from bot.i18n import SUPPORTED_LOCALES, CatalogError, I18n, read_catalogs
from bot.i18n_tools import extract, problems


def test_every_supported_locale_loads() -> None:
    i18n = I18n.load()
    assert set(i18n.catalogs) == set(SUPPORTED_LOCALES)
    assert i18n.translator("vi").gettext("Skip") == "Bỏ qua"
    assert i18n.translator("en").gettext("Skip") == "Skip"
    assert i18n.translator("fr").locale == "vi"


def test_the_code_has_texts_to_translate() -> None:
    assert len(extract()) > 50


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_no_untranslated_fuzzy_or_mismatched_entries(locale: str) -> None:
    assert problems(locale) == []


def test_no_po_file_has_fuzzy_entries() -> None:
    root = Path(__file__).resolve().parent.parent / "locales"
    fuzzy = [str(p) for p in root.rglob("*.po") if "#, fuzzy" in p.read_text(encoding="utf-8")]
    assert fuzzy == []


def test_a_missing_catalog_stops_the_bot_instead_of_showing_english(tmp_path: Path) -> None:
    (tmp_path / "vi" / "LC_MESSAGES").mkdir(parents=True)
    with pytest.raises(CatalogError):
        read_catalogs(tmp_path, "vi")


def test_numbers_and_dates_are_formatted_the_vietnamese_way() -> None:
    from datetime import UTC, datetime

    t = I18n.load().translator("vi")
    when = datetime(2026, 12, 15, 1, 30, tzinfo=UTC)
    assert t.datetime(when) == "Thứ Ba, 15/12/2026 08:30"
    assert t.number(1234567) == "1.234.567"
    assert t.percent(0.875) == "88%"


def test_a_restart_reuses_the_compiled_catalogs_and_a_changed_text_compiles_afresh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    locales_dir = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES_DIR, locales_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    compiled: list[str] = []
    compile_now = i18n.read_catalogs
    monkeypatch.setattr(i18n, "read_catalogs", lambda d, loc: compiled.append(loc) or compile_now(d, loc))

    def start_afresh() -> str:
        i18n._COMPILED.clear()  # what a new process starts with
        return I18n.load(locales_dir).translator("vi").gettext("Skip")

    assert start_afresh() == "Bỏ qua"
    assert start_afresh() == "Bỏ qua"
    assert sorted(compiled) == sorted(SUPPORTED_LOCALES)

    po = next(p for p in locales_dir.glob("vi/LC_MESSAGES/*.po") if 'msgstr "Bỏ qua"' in p.read_text("utf-8"))
    po.write_text(po.read_text("utf-8").replace('msgstr "Bỏ qua"', 'msgstr "Thôi"'), encoding="utf-8")
    assert start_afresh() == "Thôi"
    assert sorted(compiled) == sorted([*SUPPORTED_LOCALES, "vi"])
