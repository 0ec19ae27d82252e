"""Weekly summary: /summary (choice of week), /summary_subscribe, ward drill-down, the Monday delivery."""

from __future__ import annotations

import functools
import re
from datetime import date

from bot.conversation.inputs import Text
from bot.conversation.markup import esc
from bot.conversation.replies import Attachment
from bot.conversation.router import CommandSpec, Router
from bot.conversation.turn import Turn
from bot.core.parsing import ParseError
from bot.core.parsing.dates import parse_date
from bot.core.permissions import Action
from bot.core.summary import TASK_KIND, Outcome, Week, WeeklySummary, parse_week_key, week_of_day
from bot.core.text import fold
from bot.i18n import N_
from bot.views.summary.chart import PNG, chart_filename, chart_png, chart_rows
from bot.views.summary.text import chart_caption, render_summary, workbook_caption
from bot.views.summary.workbook import XLSX, render_workbook, workbook_filename
from handlers.summary.choices import (
    EarlierWeeks,
    SummaryWard,
    SummaryWeek,
    earlier_weeks,
    ward_choices,
    week_choice,
)
from handlers.summary.weekly import plan_on_start, run_weekly_summary

MAX_DRILL_TEXT = 60
WARD_FALLBACK_ORDER = 880
"""Typed ward names are looked at after dialogs, menu labels and check-in codes, before the FAQ (900)."""
_WARD_ONLY = re.compile(r"^\s*(?:phuong|p\.?)\s*\d{1,3}\s*$")
_WARD_NAMED = re.compile(r"^\s*(?:phuong|xa)\s+\w[\w\s]{0,30}$")


async def send_summary(turn: Turn, summary: WeeklySummary, *, files: bool = True) -> None:
    """The summary text (the channel splits it) with its ward choices, then the chart and the workbook (drawn
    after the turn commits, in a worker thread)."""
    t = turn.t
    turn.reply(render_summary(t, summary), choices=ward_choices(t, summary))
    if not files or summary.is_empty:
        return
    if chart_rows(summary):
        chart = Attachment(
            chart_filename(summary), PNG, image=True, render=functools.partial(chart_png, t, summary)
        )
        turn.reply(chart_caption(t, summary), attachment=chart)
    workbook = Attachment(
        workbook_filename(summary), XLSX, render=functools.partial(render_workbook, t, summary)
    )
    turn.reply(workbook_caption(t, summary), attachment=workbook)


def deny(turn: Turn) -> None:
    turn.reply(turn.t.gettext("The weekly summary is for district admins, organisers and ward leads."))


async def summary_command(turn: Turn) -> None:
    """/summary: choose a week; /summary 30/11 (a day of it, or 2026-W48) goes straight to that week."""
    t, service = turn.t, turn.services.summary
    arg = " ".join(turn.args).strip()
    if arg:
        week = parse_week_key(arg, service.tz)
        if week is None:
            day = parse_date(arg, now=turn.now, tz=service.tz, allow_past=True)
            if not isinstance(day, ParseError):
                if day > turn.now.astimezone(service.tz).date():  # "18/11": the last one, not the next
                    day = day - (date(day.year, 1, 1) - date(day.year - 1, 1, 1))
                week = week_of_day(day, service.tz)
        if week is None or week.start > turn.now:
            turn.reply(
                t.gettext(
                    "I could not read that week. Write a day of it, like 30/11, or send /summary and choose."
                )
            )
            return
        await show_week(turn, week)
        return
    if not service.may_view(turn.member):
        deny(turn)
        return
    turn.reply(t.gettext("Which week?"), choices=week_choice(t, service.week_of(turn.now)))


async def show_week(turn: Turn, week: Week, ward_id: int | None = None) -> None:
    service, t = turn.services.summary, turn.t
    result = await service.summary_for(turn.member, week, ward_id)
    if result.outcome is Outcome.DENIED and service.may_view(turn.member):
        turn.reply(t.gettext("You can only see the summary of your own ward."))
    elif result.outcome is Outcome.DENIED:
        deny(turn)
    elif result.outcome is Outcome.NOT_FOUND or result.summary is None:
        turn.reply(t.gettext("That ward no longer exists."))
    else:
        await send_summary(turn, result.summary, files=ward_id is None)


def chosen_week(turn: Turn, key: str) -> Week | None:
    """The week a choice names, if it is a real week that has begun."""
    week = parse_week_key(key, turn.services.summary.tz)
    return week if week is not None and week.start <= turn.now else None


async def week_chosen(turn: Turn, choice: SummaryWeek) -> None:
    week = chosen_week(turn, choice.week)
    if week is None:
        turn.stale()
        return
    await show_week(turn, week)


async def earlier_chosen(turn: Turn, choice: EarlierWeeks) -> None:
    week = chosen_week(turn, choice.before)
    if week is None:
        turn.stale()
        return
    turn.edit(turn.t.gettext("Which week?"), choices=earlier_weeks(turn.t, week))


async def ward_chosen(turn: Turn, choice: SummaryWard) -> None:
    """A ward choice under the summary: that ward's details for the same week."""
    week = parse_week_key(choice.week, turn.services.summary.tz)
    if week is None:
        turn.stale()
        return
    result = await turn.services.summary.summary_for(turn.member, week, choice.ward_id)
    if result.outcome is not Outcome.OK or result.summary is None:
        turn.toast(turn.t.gettext("You cannot see this ward's details."), alert=True)
        return
    await send_summary(turn, result.summary, files=False)


async def ward_typed(turn: Turn) -> bool:
    """'phường 5' typed alone: that ward's details for this week so far.

    Also a ward's name after the word 'phường' or 'xã' ('phường Tân Định') when it names a known ward, for
    those who may see summaries: a reply to a summary with a ward's name meant that, and channels do not tell
    yet which message a text replies to. Anything else (questions that mention a ward) is left to the FAQ.
    """
    if not isinstance(turn.event, Text) or not turn.input.sender.private:
        return False
    text, service = turn.text, turn.services.summary
    if not text or len(text) > MAX_DRILL_TEXT or text.startswith("/"):
        return False
    folded = fold(text)
    ward_only = bool(_WARD_ONLY.match(folded))
    if not ward_only and not _WARD_NAMED.match(folded):
        return False
    ward = await service.find_ward(text)
    if ward is None and ward_only:
        turn.reply(
            turn.t.gettext(
                "I do not know a ward called “{text}”. Write its name as in the summary, for example “phường "
                "5”."
            ).format(text=esc(text))
        )
        return True
    if ward is None or not (ward_only or service.may_view(turn.member)):
        return False
    await show_week(turn, service.week_of(turn.now), ward.id)
    return True


async def toggle_subscription(turn: Turn) -> None:
    t = turn.t
    subscribed = await turn.services.summary.toggle_subscription(turn.member)
    if subscribed is None:
        deny(turn)
    elif subscribed:
        turn.reply(
            t.gettext(
                "You will receive the weekly summary every Monday morning. Send /summary_subscribe again to "
                "stop."
            )
        )
    else:
        turn.reply(
            t.gettext(
                "You will no longer receive the weekly summary. Send /summary_subscribe to receive it again."
            )
        )


def register(router: Router) -> None:
    router.command(
        "summary",
        summary_command,
        CommandSpec("summary", N_("Weekly summary of the association"), Action.VIEW_SUMMARY),
    )
    router.command(
        "summary_subscribe",
        toggle_subscription,
        CommandSpec(
            "summary_subscribe", N_("Receive the weekly summary every Monday (or stop)"), Action.VIEW_SUMMARY
        ),
    )
    router.choice(SummaryWeek, week_chosen)
    router.choice(EarlierWeeks, earlier_chosen)
    router.choice(SummaryWard, ward_chosen)
    router.fallback(ward_typed, WARD_FALLBACK_ORDER)
    router.task(TASK_KIND, run_weekly_summary)
    router.on_startup(plan_on_start)
