"""Catalog maintenance: extract msgids from the code, find missing translations, update .po files.

python -m bot.i18n_tools check            # list msgids without a Vietnamese translation
python -m bot.i18n_tools extract          # write locales/messages.pot
python -m bot.i18n_tools add FEATURE      # append missing msgids to <locale>/LC_MESSAGES/FEATURE.po
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import write_po

from bot.i18n import LOCALES_DIR, SUPPORTED_LOCALES, read_catalogs

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("bot", "handlers")
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None}
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
TAG = re.compile(r"</?[a-z-]+(?:\s[^>]*)?>")


@dataclass(frozen=True)
class SourceMessage:
    msgid: str
    plural: str | None
    location: str


def extract(root: Path = ROOT) -> dict[str, SourceMessage]:
    """Every translatable string used in the code."""
    found: dict[str, SourceMessage] = {}
    for folder in SOURCE_DIRS:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            root / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            msgid, plural = (message[0], message[1]) if isinstance(message, tuple) else (message, None)
            if msgid:
                found.setdefault(msgid, SourceMessage(msgid, plural, f"{folder}/{filename}:{lineno}"))
    return found


def problems(locale: str = "vi", root: Path = ROOT, locales_dir: Path = LOCALES_DIR) -> list[str]:
    """Untranslated, fuzzy, or placeholder/tag-mismatched entries for one locale."""
    catalog = read_catalogs(locales_dir, locale)
    issues = []
    for message in extract(root).values():
        entry = catalog.get(message.msgid)
        strings = entry.string if entry is not None else None
        texts = [s for s in (strings if isinstance(strings, tuple) else (strings,)) if s is not None]
        if entry is None or not texts or not all(texts):
            if locale == "vi":
                issues.append(f"untranslated: {message.msgid!r} ({message.location})")
            continue
        if entry.fuzzy:
            issues.append(f"fuzzy: {message.msgid!r}")
        for text in texts:
            if set(PLACEHOLDER.findall(text)) != set(PLACEHOLDER.findall(message.msgid)):
                issues.append(f"placeholders differ: {message.msgid!r} -> {text!r}")
            if sorted(TAG.findall(text)) != sorted(TAG.findall(message.msgid)):
                issues.append(f"HTML tags differ: {message.msgid!r} -> {text!r}")
    return issues


def write_pot(path: Path) -> None:
    catalog = Catalog(project="khuyenhoc-bot", domain="messages")
    catalog.fuzzy = False
    for message in extract().values():
        catalog.add(
            (message.msgid, message.plural) if message.plural else message.msgid,
            locations=[tuple(message.location.rsplit(":", 1))],
        )
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False)


def add_missing(feature: str) -> int:
    """Append msgids missing from every locale to FEATURE.po (empty msgstr for translators)."""
    from babel.messages.pofile import read_po

    added = 0
    for locale in SUPPORTED_LOCALES:
        merged = read_catalogs(LOCALES_DIR, locale)
        path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{feature}.po"
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
        else:
            catalog = Catalog(locale=locale, domain="messages", project="khuyenhoc-bot")
        for message in extract().values():
            if merged.get(message.msgid) is None and catalog.get(message.msgid) is None:
                catalog.add(
                    (message.msgid, message.plural) if message.plural else message.msgid,
                    string=("", "") if message.plural else "",
                )
                added += 1
        catalog.fuzzy = False
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            write_po(fh, catalog, width=100, omit_header=False, include_previous=False, no_location=True)
    return added


def main(argv: list[str]) -> int:
    if argv[:1] == ["check"]:
        issues = problems("vi") + problems("en")
        print("\n".join(issues) or "catalogs complete")
        return 1 if issues else 0
    if argv[:1] == ["extract"]:
        write_pot(LOCALES_DIR / "messages.pot")
        return 0
    if len(argv) == 2 and argv[0] == "add":
        print(f"added {add_missing(argv[1])} entries")
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
