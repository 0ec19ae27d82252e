"""`python -m bot ask`: print the answer the bot would give, to test the FAQ knowledge base.

python -m bot ask "tt44 có mấy tiêu chí"        # one question, human-readable
python -m bot ask --json < questions.txt        # one question per line → one JSON object per line
python -m bot ask --kb path/to/faq "..."        # try an edited knowledge base
"""

from __future__ import annotations

import argparse
import gettext
import io
import json
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import locales
from bot.core.faq import FaqAnswer, FaqMatcher, KnowledgeBase, KnowledgeBaseError, to_plain

DOMAIN = "faq"
LOCALES_DIR = Path(locales.__file__).resolve().parent


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `ask` subcommand."""
    parser = subparsers.add_parser("ask", help="answer a question from the FAQ knowledge base")
    parser.add_argument("question", nargs="*", help="the question (omit with --json to read stdin)")
    parser.add_argument(
        "--json", action="store_true", help="read one question per stdin line, write JSON lines"
    )
    parser.add_argument("--kb", type=Path, default=None, help="knowledge-base directory (default: packaged)")
    parser.add_argument("--locale", default="vi", choices=("vi", "en"), help="answer language (default: vi)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Answer the question(s); 0 on success, 2 on a bad knowledge base or missing question."""
    try:
        matcher = FaqMatcher(KnowledgeBase.load(args.kb))
    except KnowledgeBaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    t = load_translations(args.locale)
    if args.json:
        lines = [" ".join(args.question)] if args.question else sys.stdin
        for line in lines:
            question = line.strip()
            if question:
                result = matcher.ask(question)
                print(json.dumps(to_json(result, t, args.locale), ensure_ascii=False), flush=True)
        return 0
    if not args.question:
        print("ask: give a question, or --json to read questions from standard input", file=sys.stderr)
        return 2
    print(render_text(matcher.ask(" ".join(args.question)), t, args.locale))
    return 0


def load_translations(locale: str) -> gettext.NullTranslations:
    """The FAQ catalog for `locale`, compiled in memory from its .po file (fails loudly if missing)."""
    po_path = LOCALES_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def render_text(result: FaqAnswer, t: gettext.NullTranslations, locale: str) -> str:
    """The reply as plain text: answer with source, suggestions, or a polite decline."""
    _ = t.gettext
    if result.entry is not None:
        parts = [
            to_plain(result.entry.answer_for(locale)),
            _("Source: {source}").format(source=result.entry.source),
        ]
        if result.kind == "unconfirmed":
            parts.append(
                _("There is no confirmed answer to this yet. I can send your question to the organisers.")
            )
        return "\n\n".join(parts)
    if result.suggestions:
        lines = [_("Did you mean…")] + [f"• {entry.title}" for entry in result.suggestions]
        return "\n".join(lines)
    return _("Sorry, there is no answer to this question yet. I can send it to the organisers.")


def to_json(result: FaqAnswer, t: gettext.NullTranslations, locale: str) -> dict[str, object]:
    """The JSON line for one question (see module docstring)."""
    return {
        "answered": result.answered,
        "answer": render_text(result, t, locale),
        "entry": result.entry.id if result.entry is not None else None,
        "score": round(result.score, 4),
        "suggestions": [{"id": entry.id, "question": entry.title} for entry in result.suggestions],
    }
