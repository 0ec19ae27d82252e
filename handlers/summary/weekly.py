"""The Monday delivery: a durable task per week (`summary:<week>`), planned again for the next week each time
it runs. Each addressee gets the message (with its ward choices), the chart and the workbook, queued once in
the transaction that records the delivery; files are drawn once per language and ward and shared."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Protocol

from bot.conversation.markup import split
from bot.conversation.replies import Attachment, Reply
from bot.core.models import Recipient
from bot.core.notices import OutgoingMessage
from bot.core.summary import TASK_PREFIX, Addressee, Schedule, Week, WeeklySummary, parse_schedule
from bot.i18n import Translator
from bot.views.summary.chart import PNG, chart_filename, render_chart
from bot.views.summary.text import chart_caption, render_summary, workbook_caption
from bot.views.summary.workbook import XLSX, render_workbook, workbook_filename
from handlers.summary.choices import ward_choices

if TYPE_CHECKING:
    from bot.core.summary import SummaryService
    from bot.runtime import Runtime

logger = logging.getLogger(__name__)


class DueTask(Protocol):
    """What the scheduler hands a task handler."""

    key: str
    payload: dict[str, Any]


TEXT_LIMIT = 4096
Files = tuple[Attachment | None, Attachment | None]


def configured_schedule(rt: Runtime) -> Schedule:
    """SUMMARY_SCHEDULE from the settings (checked at start), e.g. 'MON 07:00', in the bot's time zone."""
    return parse_schedule(rt.settings.summary_schedule) or Schedule()


async def plan_on_start(rt: Runtime) -> None:
    """At start: the reporting period comes from the reports feature; keep or plan the next delivery."""
    services = rt.services
    services.summary.period_source = services.reports.current_period
    await services.summary.plan_deliveries(configured_schedule(rt))


async def run_weekly_summary(rt: Runtime, task: DueTask) -> None:
    """Send the week's summary to everyone who should have it and has not; next week's is planned first."""
    week = await rt.services.summary.delivery_due(task.payload, configured_schedule(rt))
    if week is None:
        logger.info("summary task %s is stale (its delivery week is over); skipped", task.key)
        return
    await deliver_week(rt, week)


async def deliver_week(rt: Runtime, week: Week) -> int:
    """Queue the summary for each addressee who has not had this week's; returns how many were queued."""
    services = rt.services
    service = services.summary
    pending = await service.undelivered(week)
    if not pending:
        return 0
    summaries = await service.summaries(week, {addressee.ward_id for addressee, _ in pending})
    files: dict[tuple[str, int | None], Files] = {}
    queued = 0
    for addressee, recipient in pending:
        summary = summaries[addressee.ward_id]
        t = services.i18n.translator(recipient.locale)
        if (t.locale, addressee.ward_id) not in files:
            files[(t.locale, addressee.ward_id)] = await shared_files(service, t, summary)
        limit = rt.channel_info(recipient.channel).text_limit
        messages = summary_messages(
            t, summary, addressee, recipient, files[(t.locale, addressee.ward_id)], limit=limit
        )
        if await service.deliver(week, addressee, messages):
            queued += 1
    return queued


async def shared_files(service: SummaryService, t: Translator, summary: WeeklySummary) -> Files:
    """The chart (None without new members) and the workbook, drawn in worker threads so the bot keeps
    answering meanwhile, each stored once for every addressee who gets this version."""
    if summary.is_empty:
        return None, None
    png = await asyncio.to_thread(render_chart, t, summary)
    xlsx = await asyncio.to_thread(render_workbook, t, summary)
    chart = (
        await service.keep_file(Attachment(chart_filename(summary), PNG, png, image=True))
        if png is not None
        else None
    )
    workbook = await service.keep_file(Attachment(workbook_filename(summary), XLSX, xlsx))
    return chart, workbook


def summary_messages(
    t: Translator,
    summary: WeeklySummary,
    addressee: Addressee,
    recipient: Recipient,
    files: Files,
    *,
    limit: int = TEXT_LIMIT,
) -> list[OutgoingMessage]:
    """Text (split to fit the channel), with the ward choices under the last part, then the chart and the
    workbook; stable dedupe keys make queueing them idempotent."""
    base = f"{TASK_PREFIX}{summary.week.key}:to:{addressee.member.id}"
    parts = split(render_summary(t, summary), limit)
    choices = ward_choices(t, summary)
    messages = [
        OutgoingMessage.to(recipient, f"{base}:text:{i}", Reply(part, choices if i == len(parts) - 1 else ()))
        for i, part in enumerate(parts)
    ]
    chart, workbook = files
    if chart is not None:
        messages.append(
            OutgoingMessage.to(recipient, f"{base}:chart", Reply(chart_caption(t, summary), attachment=chart))
        )
    if summary.is_empty or workbook is None:
        return messages
    messages.append(
        OutgoingMessage.to(
            recipient, f"{base}:workbook", Reply(workbook_caption(t, summary), attachment=workbook)
        )
    )
    return messages
