"""/report_export: the reports workbook of this period,
one period ('10/2026') or a range ('9/2026 11/2026')."""

from __future__ import annotations

import functools

from bot.conversation.replies import Attachment
from bot.conversation.router import Router
from bot.conversation.turn import Turn
from bot.core.parsing import ParseError, Period, parse_period
from bot.core.permissions import Action, can
from bot.views.reports.texts import period_label
from bot.views.reports.workbook import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def export_command(turn: Turn) -> None:
    t = turn.t
    if not can(turn.member, Action.EXPORT_REPORTS):
        turn.reply(t.gettext("Only organisers can export the reports."))
        return
    config = await turn.services.reports.config()
    parsed = [parse_period(a, kind=config.kind, now=turn.now) for a in turn.args[:3]]
    if len(parsed) > 2 or any(isinstance(p, ParseError) for p in parsed):
        turn.reply(
            t.gettext(
                "Type /report_export alone for this period, or with one or two periods, for example: "
                "/report_export 9/2026 11/2026"
            )
        )
        return
    current = (await turn.services.reports.current_period(turn.now)).period
    first = parsed[0] if parsed else current
    last = parsed[-1] if parsed else current
    assert isinstance(first, Period) and isinstance(last, Period)
    await export_reply(turn, first, last)


async def export_reply(turn: Turn, first: Period, last: Period) -> None:
    """The workbook as a document (built after the turn commits: a year's workbook takes seconds)."""
    t = turn.t
    data = await turn.services.reports.export(turn.member, first, last)
    if data is None:
        if turn.pressed:
            turn.toast(t.gettext("Only organisers can export the reports."), alert=True)
        else:
            turn.reply(
                t.gettext(
                    "That range of periods cannot be exported (the first must come before the last, "
                    "at most 60 periods)."
                )
            )
        return
    name = f"bao-cao-hoi-vien-{first.label_key}" + (f"_{last.label_key}" if last != first else "") + ".xlsx"
    caption = t.gettext("New-member reports: {periods}").format(
        periods=", ".join(period_label(t, rp) for rp, _ in data.periods[:3])
        + (" …" if len(data.periods) > 3 else "")
    )
    turn.reply(caption, attachment=Attachment(name, XLSX, render=functools.partial(workbook_bytes, data, t)))


def register(router: Router) -> None:
    router.command("report_export", export_command)
