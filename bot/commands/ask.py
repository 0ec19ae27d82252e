"""`python -m bot ask`: print the answer the bot would give, to test the FAQ knowledge base.

python -m bot ask "tt44 có mấy tiêu chí"        # one question, human-readable
python -m bot ask --json < questions.txt        # one question per line → one JSON object per line
python -m bot ask --kb path/to/faq "..."        # try an edited knowledge base
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.core.faq import FaqAnswer, FaqMatcher, KnowledgeBase, KnowledgeBaseError, to_plain
from bot.i18n import I18n, Translator


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


def load_translations(locale: str) -> Translator:
    """The bot's texts for `locale` (the same catalogs the bot uses)."""
    return I18n.load().translator(locale)


def render_text(result: FaqAnswer, t: Translator, locale: str) -> str:
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


def to_json(result: FaqAnswer, t: Translator, locale: str) -> dict[str, object]:
    """The JSON line for one question (see module docstring)."""
    return {
        "answered": result.answered,
        "answer": render_text(result, t, locale),
        "entry": result.entry.id if result.entry is not None else None,
        "score": round(result.score, 4),
        "suggestions": [{"id": entry.id, "question": entry.title} for entry in result.suggestions],
    }
