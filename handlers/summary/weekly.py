"""The Monday delivery: a durable task per week (`summary:<week>`), re-planned for the next week after each
run."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from telegram.ext import Application

from bot.core.summary import (
    Addressee,
    Schedule,
    Week,
    WeeklySummary,
    parse_schedule,
    parse_week_key,
    summary_week,
)
from bot.i18n import Translator
from handlers.render import split_message
from handlers.summary.chart import render_chart
from handlers.summary.keyboards import ward_buttons
from handlers.summary.text import render_summary
from handlers.summary.workbook import render_workbook
from storage.outbox import OutgoingMessage

if TYPE_CHECKING:
    from bot.services import Services

logger = logging.getLogger(__name__)


class DueTask(Protocol):
    """What the scheduler hands a task handler (storage.tasks.Task)."""

    key: str
    payload: dict[str, Any]


TASK_KIND = "weekly_summary"
TASK_PREFIX = "summary:"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def configured_schedule(app: Application) -> Schedule:
    """SUMMARY_SCHEDULE from the settings (checked at start), e.g. 'MON 07:00', in the bot's time zone."""
    return parse_schedule(app.bot_data["settings"].summary_schedule) or Schedule()


def link_report_periods(services: Services) -> None:
    """Read the reporting period (and its deadline) from the reports feature."""
    services.summary.period_source = services.reports.current_period


def task_key(week: Week) -> str:
    return f"{TASK_PREFIX}{week.key}"


async def plan_summaries(app: Application) -> None:
    """At start: keep the pending week's task (it runs at once if the bot was down at the time) at the
    configured time, or plan the next delivery when none is pending (a fresh install sends nothing old)."""
    services = app.bot_data["services"]
    summary, now = services.summary, services.clock.now()
    schedule = configured_schedule(app)
    pending = await services.tasks.pending(TASK_PREFIX)
    if pending:
        for task in pending:
            week = parse_week_key(task.payload.get("week", ""), summary.tz)
            if week is not None:
                await services.tasks.plan(
                    task.key, TASK_KIND, schedule.due(week), {"week": week.key}, now=now
                )
        return
    week = summary_week(now, summary.tz)
    if schedule.due(week) <= now:
        week = week.next()
    await services.tasks.plan(task_key(week), TASK_KIND, schedule.due(week), {"week": week.key}, now=now)


async def run_weekly_summary(app: Application, task: DueTask) -> None:
    """Send the week's summary to everyone who should have it and has not; then plan next week's."""
    services = app.bot_data["services"]
    summary_service, now = services.summary, services.clock.now()
    schedule = configured_schedule(app)
    week = parse_week_key(task.payload.get("week", ""), summary_service.tz)
    if week is None:
        raise ValueError(f"task {task.key} has no valid week")
    nxt = week.next()
    await services.tasks.plan(task_key(nxt), TASK_KIND, schedule.due(nxt), {"week": nxt.key}, now=now)
    if now >= nxt.end:
        logger.info("summary of %s is stale (its delivery week is over); skipped", week.key)
        return
    await deliver_week(app, week)


async def deliver_week(app: Application, week: Week) -> int:
    """Queue the summary for each addressee who has not had this week's; returns how many were queued."""
    services = app.bot_data["services"]
    summary_service = services.summary
    members = await services.member_store.list_members()
    audience = await summary_service.audience(members)
    already = await summary_service.delivered(week)
    audience = [a for a in audience if a.member.id not in already]
    if not audience:
        return 0
    summaries = await summary_service.summaries(week, {a.ward_id for a in audience})
    attachments: dict[tuple[str, int | None], tuple[int | None, int]] = {}
    queued = 0
    for addressee in audience:
        recipient = await services.member_store.recipient(addressee.member.id)
        if recipient is None:
            continue
        ward = addressee.ward_id
        summary = summaries[ward]
        t = services.i18n.translator(recipient.locale)
        if (t.locale, ward) not in attachments:
            attachments[(t.locale, ward)] = await _save_attachments(services, t, summary)
        messages = summary_messages(t, summary, addressee, recipient.chat_id, attachments[(t.locale, ward)])
        if await summary_service.deliver(week, addressee, messages):
            queued += 1
    delivery = app.bot_data.get("delivery")
    if queued and delivery is not None:
        delivery.wake()
    return queued


async def _save_attachments(
    services: Services, t: Translator, summary: WeeklySummary
) -> tuple[int | None, int]:
    now: datetime = services.clock.now()
    png, xlsx = await render_files(t, summary)
    chart_id = (
        await services.outbox.save_blob(f"tom-tat-{summary.week.key}.png", "image/png", png, now=now)
        if png
        else None
    )
    workbook_id = await services.outbox.save_blob(workbook_filename(summary), XLSX, xlsx, now=now)
    return chart_id, workbook_id


async def render_files(t: Translator, summary: WeeklySummary) -> tuple[bytes | None, bytes]:
    """The chart and the workbook, drawn in a worker thread so the bot keeps answering meanwhile."""
    png = await asyncio.to_thread(render_chart, t, summary)
    return png, await asyncio.to_thread(render_workbook, t, summary)


def workbook_filename(summary: WeeklySummary) -> str:
    suffix = f"-phuong-{summary.ward_id}" if summary.ward_id is not None else ""
    return f"tom-tat-{summary.week.key}{suffix}.xlsx"


def summary_messages(
    t: Translator,
    summary: WeeklySummary,
    addressee: Addressee,
    chat_id: str,
    attachments: tuple[int | None, int],
) -> list[OutgoingMessage]:
    """Text (split to fit), with ward buttons under the last part, then the chart and the workbook."""
    base = f"{TASK_PREFIX}{summary.week.key}:to:{addressee.member.id}"
    parts = split_message(render_summary(t, summary))
    markup = ward_buttons(t, summary)
    messages = [
        OutgoingMessage(
            f"{base}:text:{i}",
            addressee.member.id,
            chat_id,
            part,
            markup=markup.to_dict() if markup and i == len(parts) - 1 else None,
        )
        for i, part in enumerate(parts)
    ]
    chart_id, workbook_id = attachments
    if chart_id is not None:
        messages.append(
            OutgoingMessage(
                f"{base}:chart",
                addressee.member.id,
                chat_id,
                t.gettext("New members by ward, {week}").format(week=summary.week.key),
                kind="photo",
                blob_id=chart_id,
            )
        )
    if summary.is_empty:
        return messages
    messages.append(
        OutgoingMessage(
            f"{base}:workbook",
            addressee.member.id,
            chat_id,
            t.gettext("Weekly summary {week} (Excel)").format(week=summary.week.key),
            kind="document",
            blob_id=workbook_id,
        )
    )
    return messages
