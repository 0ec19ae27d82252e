"""Translations (Babel gettext, loaded straight from .po files) and locale-aware formatting."""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

import locales
from bot import cache

DEFAULT_LOCALE = "vi"
SUPPORTED_LOCALES = ("vi", "en")
LOCALES_DIR = Path(locales.__file__).parent


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where the reader's locale is known."""
    return message


def _compiled(locales_dir: Path, locale: str) -> bytes:
    """`locale`'s catalog as .mo bytes: kept from an earlier run on the same .po files, or compiled now."""
    kept = cache.kept_file(
        f"catalogs-{locale}", sorted((locales_dir / locale).glob("LC_MESSAGES/*.po")), ".mo"
    )
    data = cache.read_kept(kept)
    if data is None:
        buffer = io.BytesIO()
        write_mo(buffer, read_catalogs(locales_dir, locale))
        data = buffer.getvalue()
        if kept is not None:
            cache.keep(kept, data)
    return data


class CatalogError(RuntimeError):
    """A catalog is missing or contradicts itself; the bot refuses to start."""


def read_catalogs(locales_dir: Path, locale: str) -> Catalog:
    """Merge every `<locale>/LC_MESSAGES/*.po` (one file per feature) into one catalog."""
    folder = locales_dir / locale / "LC_MESSAGES"
    files = sorted(folder.glob("*.po"))
    if not files:
        raise CatalogError(f"no catalog for locale {locale!r} in {folder}")
    merged = Catalog(locale=locale, domain="messages")
    for path in files:
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        for message in catalog:
            if not message.id:
                continue
            existing = merged.get(message.id, message.context)
            if (
                existing is not None
                and existing.string
                and message.string
                and existing.string != message.string
            ):
                raise CatalogError(f"{path.name}: {message.id!r} is translated differently in two files")
            if existing is None or (message.string and not existing.string):
                merged[message.id] = message
    return merged


class Translator:
    """One locale's texts and formats: `t.gettext(...)`, `t.datetime(...)`, `t.number(...)`."""

    def __init__(self, locale: str, translations: gettext.NullTranslations, tz: ZoneInfo) -> None:
        self.locale = locale
        self.tz = tz
        self._translations = translations

    def gettext(self, message: str) -> str:
        return self._translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._translations.ngettext(singular, plural, n)

    def datetime(self, when: datetime, fmt: str = "short_day") -> str:
        """'Thứ Hai, 15/12/2026 08:30' style, in the bot's time zone."""
        local = when.astimezone(self.tz)
        if fmt == "short_day":
            return f"{self.weekday(local)}, {self.date(local)} {self.time(local)}"
        return format_datetime(local, fmt, tzinfo=self.tz, locale=self.locale)

    def date(self, day: date | datetime) -> str:
        """15/12/2026 (vi) or 12/15/2026-like short English."""
        if isinstance(day, datetime):
            day = day.astimezone(self.tz).date()
        return format_date(day, "dd/MM/yyyy" if self.locale == "vi" else "d MMM yyyy", locale=self.locale)

    def time(self, when: datetime) -> str:
        return format_time(when.astimezone(self.tz), "HH:mm", tzinfo=self.tz, locale=self.locale)

    def weekday(self, day: date | datetime) -> str:
        if isinstance(day, datetime):
            day = day.astimezone(self.tz).date()
        return " ".join(word.capitalize() for word in format_date(day, "EEEE", locale=self.locale).split())

    def number(self, value: float | Decimal, *, decimals: int | None = None) -> str:
        """1.234.567 (vi); with `decimals`, exactly that many places: 4,3."""
        if decimals is None:
            return format_decimal(value, locale=self.locale)
        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        return format_decimal(value, format=pattern, locale=self.locale, decimal_quantization=True)

    def percent(self, ratio: float) -> str:
        return format_percent(ratio, locale=self.locale)


_COMPILED: dict[tuple[str, tuple[tuple[str, int], ...]], dict[str, gettext.NullTranslations]] = {}


@dataclass
class I18n:
    """All supported locales, loaded once at start."""

    catalogs: dict[str, gettext.NullTranslations]
    tz: ZoneInfo

    @classmethod
    def load(cls, locales_dir: Path = LOCALES_DIR, tz: ZoneInfo | None = None) -> I18n:
        """Every locale's catalog compiled from its .po files; raise CatalogError when one is missing.

        Compiled catalogs are kept per process while the files are unchanged (parsing them is most of the
        cost of building a runtime, which tests and the sandbox do often), and between runs in the cache
        folder (bot/cache.py), which saves every start ~0.15 s of CPU."""
        key = (
            str(locales_dir),
            tuple((str(p), p.stat().st_mtime_ns) for p in sorted(locales_dir.glob("*/LC_MESSAGES/*.po"))),
        )
        catalogs = _COMPILED.get(key)
        if catalogs is None:
            catalogs = {
                locale: gettext.GNUTranslations(io.BytesIO(_compiled(locales_dir, locale)))
                for locale in SUPPORTED_LOCALES
            }
            _COMPILED.clear()
            _COMPILED[key] = catalogs
        return cls(catalogs, tz or ZoneInfo("Asia/Ho_Chi_Minh"))

    def translator(self, locale: str | None) -> Translator:
        """The translator for a member's stored locale (Vietnamese when unknown)."""
        chosen = locale if locale in self.catalogs else DEFAULT_LOCALE
        return Translator(chosen, self.catalogs[chosen], self.tz)
