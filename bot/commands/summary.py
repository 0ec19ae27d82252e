"""`python -m bot summary [--week 2026-W48] [--ward NAME] [--xlsx FILE] [--png FILE]`: the weekly summary."""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.commands._common import database_path, settings_or_exit
from bot.core.summary import parse_week_key
from bot.i18n import SUPPORTED_LOCALES
from bot.services import Services
from bot.views.summary.chart import render_chart
from bot.views.summary.text import render_summary
from bot.views.summary.workbook import render_workbook
from storage.db import Database

_TAG = re.compile(r"</?[a-z]+>")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "summary", help="print the weekly summary and write its chart and workbook"
    )
    parser.add_argument("--week", help="ISO week such as 2026-W48 (default: last week)")
    parser.add_argument("--ward", help="only this ward, e.g. 'Phường 5'")
    parser.add_argument("--xlsx", type=Path, help="write the Excel workbook here")
    parser.add_argument("--png", type=Path, help="write the chart here")
    parser.add_argument("--locale", choices=SUPPORTED_LOCALES, default="vi")
    parser.add_argument("--database", help="SQLite file (default: DATABASE_PATH)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(require_token=False)
    source = database_path(args.database, settings)
    if isinstance(source, Path) and not source.is_file():
        print(f"No database at {source}.", file=sys.stderr)
        return 1
    return asyncio.run(_summary(args, settings, source))


def plain(text: str) -> str:
    """The message without its HTML markup, for a terminal."""
    return html.unescape(_TAG.sub("", text))


async def _summary(args: argparse.Namespace, settings, source: Path | str) -> int:
    services = await Services.create(settings, SystemClock(), db=await Database.open(source))
    try:
        service = services.summary
        service.period_source = services.reports.current_period
        week = parse_week_key(args.week, service.tz) if args.week else service.last_week()
        if week is None:
            print(f"Not an ISO week: {args.week!r} (write it like 2026-W48).", file=sys.stderr)
            return 2
        ward_id = None
        if args.ward:
            ward = await service.find_ward(args.ward)
            if ward is None:
                print(f"No ward matches {args.ward!r}.", file=sys.stderr)
                return 2
            ward_id = ward.id
        summary = await service.summary(week, ward_id)
        t = services.i18n.translator(args.locale)
        print(plain(render_summary(t, summary)))
        if args.xlsx:
            args.xlsx.write_bytes(render_workbook(t, summary))
            print(f"\n{args.xlsx}", file=sys.stderr)
        if args.png:
            png = render_chart(t, summary)
            if png is None:
                print("No new members in either week: no chart written.", file=sys.stderr)
            else:
                args.png.write_bytes(png)
                print(f"{args.png}", file=sys.stderr)
    finally:
        await services.close()
    return 0
