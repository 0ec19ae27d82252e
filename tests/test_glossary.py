"""Every Vietnamese catalog string follows locales/GLOSSARY.md: none uses a variant it forbids."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def forbidden_variants() -> dict[str, str]:
    """Each forbidden variant of the glossary table, with the term to use instead."""
    found: dict[str, str] = {}
    for line in (LOCALES / "GLOSSARY.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2] and not set(cells[2]) <= set("-"):
            for variant in cells[2].split(";"):
                if variant.strip() and variant.strip() != "Forbidden":
                    found[variant.strip()] = cells[1]
    return found


def vietnamese_strings() -> list[tuple[str, str, str]]:
    """(catalog, msgid, msgstr) of every translated entry."""
    entries = []
    for path in sorted((LOCALES / "vi" / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            entries += [(path.name, msgid, s) for s in strings if s]
    return entries


def test_the_glossary_lists_forbidden_variants_for_the_terms_people_stumbled_on() -> None:
    variants = forbidden_variants()
    assert {"hội thảo", "huỷ", "bạn", "bấm"} <= set(variants)


def test_no_vietnamese_catalog_string_uses_a_variant_the_glossary_forbids() -> None:
    patterns = {v: re.compile(rf"(?<!\w){re.escape(v)}(?!\w)", re.IGNORECASE) for v in forbidden_variants()}
    offending = [
        f"{catalog}: {msgid!r} says {variant!r} (use: {forbidden_variants()[variant]})"
        for catalog, msgid, text in vietnamese_strings()
        for variant, pattern in patterns.items()
        if pattern.search(text)
    ]
    assert offending == []


def test_every_catalog_addresses_people_as_anh_chi() -> None:
    addressed = [text for _, _, text in vietnamese_strings() if re.search(r"(?i)anh/chị", text)]
    assert len(addressed) > 50
