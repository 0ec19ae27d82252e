"""Texts the FAQ core writes itself (answers from document records, two-in-one answers, small talk).

msgids are English; the Vietnamese is in locales/vi/LC_MESSAGES/faq.po. The matcher is built once (in a child
process, see build.py) and carries these texts translated into both languages, so a result holds its answer
in both languages like any knowledge-base entry.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path


def N_(message: str) -> str:  # noqa: N802 - the usual gettext marker, extracted by bot.i18n_tools
    """Mark `message` for translation; it is translated when the matcher is built."""
    return message


SIGNED = N_("{name} was issued on {date}.")
SIGNED_YEAR = N_("{name} was issued in {date}.")
SIGNED_UNCONFIRMED = N_("There is no confirmed information on the date of {name}.")
SIGNER = N_("{name} was signed by {signer}.")
ISSUER = N_("{name} was issued by {issuer}.")
ISSUER_ON = N_("{name} was issued by {issuer} on {date}.")
ISSUER_IN = N_("{name} was issued by {issuer} in {date}.")
IN_FORCE = N_("{name} took effect on {date}.")
IN_FORCE_UNCONFIRMED = N_("There is no confirmed information on the date {name} took effect.")
STATUS_IN_FORCE = N_("{name} is in force.")
STATUS_IN_FORCE_SINCE = N_("{name} is in force and applies now (since {date}).")
STATUS_UNCONFIRMED = N_("There is no confirmed information on whether {name} is still in force.")
REPEALED = N_("{name} is no longer in force: it was repealed on {date}.")
REPEALED_REPLACED = N_("{name} is no longer in force: it was repealed on {date} and replaced by {other}.")
REPLACES = N_("{name} replaced {other}.")
AMENDED_BY = N_("{name} was amended by {other}.")
AMENDS = N_("{name} amends {other}.")
NUMBER = N_("{name} has the number {number}.")
NUMBERS = N_("{name} is written with either number, {numbers}: both are the same document.")
BASIS = N_("{name} was issued on the basis of {basis}.")
ARTICLES = N_("The layout of {name}: {articles}.")
ABOUT = N_("{name}: {about}.")
ABOUT_ISSUED = N_("{name} ({issuer}, {date}): {about}.")
ABOUT_ISSUED_YEAR = N_("{name} ({issuer}, in {date}): {about}.")
REPEALED_NOTE = N_("⚠️ {name} has no longer been in force since {date}; {other} applies now.")
UNKNOWN_OTHER = N_("a newer document (its number is not confirmed)")
PART = N_("{n}. {answer}")
SPELLED = N_("{short} stands for {full}.")

ALL = (
    SIGNED,
    SIGNED_YEAR,
    SIGNED_UNCONFIRMED,
    SIGNER,
    ISSUER,
    ISSUER_ON,
    ISSUER_IN,
    IN_FORCE,
    IN_FORCE_UNCONFIRMED,
    STATUS_IN_FORCE,
    STATUS_IN_FORCE_SINCE,
    STATUS_UNCONFIRMED,
    REPEALED,
    REPEALED_REPLACED,
    REPLACES,
    AMENDED_BY,
    AMENDS,
    NUMBER,
    NUMBERS,
    BASIS,
    ARTICLES,
    ABOUT,
    ABOUT_ISSUED,
    ABOUT_ISSUED_YEAR,
    REPEALED_NOTE,
    UNKNOWN_OTHER,
    PART,
    SPELLED,
)

Texts = Mapping[str, Mapping[str, str]]
"""locale → msgid → text."""


def load_texts(locales_dir: Path | None = None) -> dict[str, dict[str, str]]:
    """The core's texts in both languages, read from the faq catalogs (msgid itself when untranslated)."""
    from babel.messages.pofile import read_po

    if locales_dir is None:
        import locales

        locales_dir = Path(locales.__file__).parent
    texts: dict[str, dict[str, str]] = {}
    for locale in ("vi", "en"):
        path = locales_dir / locale / "LC_MESSAGES" / "faq.po"
        strings: dict[str, str] = {}
        if path.exists():
            with path.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            wanted = set(ALL)
            for message in catalog:
                if message.id in wanted and isinstance(message.string, str) and message.string:
                    strings[message.id] = message.string
        texts[locale] = {msgid: strings.get(msgid, msgid) for msgid in ALL}
    return texts


SMALL_TALK = {
    "greeting": N_(
        "Hello! I answer questions on learning communities (Circular 44/2014, Circular 25/2023), community "
        "learning centres and the learning models. Type your question, or choose a topic from the menu."
    ),
    "thanks": N_("You're welcome! If you have another question about learning communities, just type it."),
    "who": N_(
        "I am the Study Promotion Association's assistant. "
        "I answer questions on learning communities from the "
        "documents I know, and pass the ones I cannot answer on to the organisers."
    ),
    "help": N_(
        "You can ask, for example: “Is Circular 44 still in force?”, "
        "“What goes in the recognition dossier?”, "
        "“When was Decision 387 signed?”. Or choose a topic from the menu."
    ),
    "goodbye": N_("Goodbye! Come back any time."),
    "complaint": N_(
        "Sorry the answer did not help. Try asking in other words – name the circular or decision, for "
        "example – or choose a topic from the menu; a question I cannot answer can go to the organisers."
    ),
    "apology": N_("No problem at all! Just type your question again."),
    "ack": N_("All right. Whenever you need, just type your question about learning communities."),
}


def small_talk_text(kind: str, gettext: Callable[[str], str]) -> str:
    """The short friendly answer to small talk of `kind`, translated with `gettext` (the chat layer adds the
    menu)."""
    return gettext(SMALL_TALK.get(kind, SMALL_TALK["help"]))
