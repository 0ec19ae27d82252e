"""Every text a member can see is translated into Vietnamese, with the same placeholders and tags."""

from __future__ import annotations

from pathlib import Path

import pytest

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
