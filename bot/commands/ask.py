"""`python -m bot ask`: print the answer the bot would give, to test the FAQ knowledge base.

python -m bot ask "tt44 có mấy tiêu chí"        # one question, human-readable
python -m bot ask --json < questions.txt        # one question per line → one JSON object per line
python -m bot ask --kb path/to/faq "..."        # try an edited knowledge base
python -m bot ask --more "QĐ 387 ký ngày nào"  # the long version ("Xem thêm") where there is one

Each JSON line has `answered`, `answer` (the text as printed), `entry`, `score` and `suggestions`, plus
`kind` (answer, unconfirmed, suggest, none, small_talk), `language` (the answer's: vi or en), `small_talk`
(greeting, thanks, who, help, goodbye, complaint, apology, ack or null), `more` (a long version exists),
`document` (the record an answer was built from, or null) and `parts` (for two questions in one message:
entry, kind and score of each).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.core.faq import FaqAnswer, KnowledgeBaseError, to_plain
from bot.core.faq.build import build_matcher
from bot.core.faq.render import render
from bot.i18n import I18n, Translator


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register the `ask` subcommand."""
    parser = subparsers.add_parser("ask", help="answer a question from the FAQ knowledge base")
    parser.add_argument("question", nargs="*", help="the question (omit with --json to read stdin)")
    parser.add_argument(
        "--json", action="store_true", help="read one question per stdin line, write JSON lines"
    )
    parser.add_argument("--kb", type=Path, default=None, help="knowledge-base directory (default: packaged)")
    parser.add_argument(
        "--locale", default="vi", choices=("vi", "en"), help="the person's language setting (default: vi)"
    )
    parser.add_argument("--more", action="store_true", help="print the long version where there is one")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Answer the question(s); 0 on success, 2 on a bad knowledge base or missing question."""
    try:
        matcher = build_matcher(args.kb)
    except KnowledgeBaseError as exc:
        print(exc, file=sys.stderr)
        return 2
    i18n = I18n.load()
    translators = {locale: i18n.translator(locale) for locale in ("vi", "en")}
    more = getattr(args, "more", False)
    if args.json:
        lines = [" ".join(args.question)] if args.question else sys.stdin
        for line in lines:
            question = line.strip()
            if question:
                result = matcher.ask(question, args.locale)
                t = translators[result.language]
                print(
                    json.dumps(to_json(result, t, result.language, more=more), ensure_ascii=False), flush=True
                )
        return 0
    if not args.question:
        print("ask: give a question, or --json to read questions from standard input", file=sys.stderr)
        return 2
    result = matcher.ask(" ".join(args.question), args.locale)
    print(render_text(result, translators[result.language], result.language, more=more))
    return 0


def load_translations(locale: str) -> Translator:
    """The bot's texts for `locale` (the same catalogs the bot uses)."""
    return I18n.load().translator(locale)


def render_text(result: FaqAnswer, t: Translator, locale: str | None = None, *, more: bool = False) -> str:
    """The reply as plain text: answer with its source, small talk, suggestions, or a polite decline.

    `t` translates into the answer's language (`result.language`); `locale` is kept for callers that pass it.
    """
    return to_plain(render(result, t.gettext, long=more))


def to_json(
    result: FaqAnswer, t: Translator, locale: str | None = None, *, more: bool = False
) -> dict[str, object]:
    """The JSON line for one question (see module docstring)."""
    return {
        "answered": result.answered,
        "answer": render_text(result, t, locale, more=more),
        "entry": result.entry.id if result.entry is not None else None,
        "score": round(result.score, 4),
        "suggestions": [{"id": entry.id, "question": entry.title} for entry in result.suggestions],
        "kind": result.kind,
        "language": result.language,
        "small_talk": result.small_talk,
        "more": result.more,
        "document": result.document,
        "parts": [
            {"entry": part.entry.id if part.entry else None, "kind": part.kind, "score": round(part.score, 4)}
            for part in result.parts
        ],
    }
