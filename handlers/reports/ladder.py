"""The reminder ladder's durable tasks: chapters before the deadline, ward leads and the district office
after."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Protocol

from telegram.ext import Application

from bot.core.models import Role
from bot.core.reports import TASK_KIND, ChapterRow, Rung, Step
from bot.scheduler import register_task_kind
from bot.services import Services
from handlers.registry import add_startup_hook
from handlers.render import esc, split_message
from handlers.reports.overview import report_now_button
from handlers.reports.texts import period_label
from storage.outbox import OutgoingMessage


class Task(Protocol):
    """The due task the scheduler hands over (storage.tasks.Task)."""

    key: str
    payload: dict[str, Any]


async def run_rung(app: Application, task: Task) -> None:
    """A rung fell due (maybe after downtime): decide from fresh state, message only the missing, once
    each."""
    services: Services = app.bot_data["services"]
    now = services.clock.now()
    await services.reports.plan_ladders(now)
    rung = await services.reports.rung(str(task.payload.get("period")), str(task.payload.get("step")), now)
    if rung is None or not rung.missing:
        return
    if rung.step in (Step.BEFORE, Step.MORNING):
        messages = await chapter_reminders(services, task, rung)
    elif rung.step is Step.WARD:
        messages = await ward_escalations(services, task, rung)
    else:
        messages = await district_escalations(services, task, rung)
    if messages:
        await services.outbox.enqueue(f"report:{rung.period.key}:{rung.step.value}", messages, now=now)


async def chapter_reminders(services: Services, task: Task, rung: Rung) -> list[OutgoingMessage]:
    names = {c.chapter_id: c.chapter_name for c in rung.missing}
    cadres = await services.member_store.recipients(roles=[Role.CADRE], chapter_ids=list(names))
    messages = []
    for cadre in cadres:
        t = services.i18n.translator(cadre.locale)
        if rung.step is Step.BEFORE:
            text = t.gettext(
                "📝 Reminder: the new-member report of {chapter} for {period} is due on {deadline}. "
                "It takes a minute: press the button below."
            )
        else:
            text = t.gettext(
                "📝 Today is the deadline: the new-member report of {chapter} for {period} is due "
                "at {deadline}. Press the button below to send it."
            )
        assert cadre.chapter_id is not None
        messages.append(
            OutgoingMessage(
                f"{task.key}:to:{cadre.member_id}",
                cadre.member_id,
                cadre.chat_id,
                text.format(
                    chapter=esc(names[cadre.chapter_id]),
                    period=period_label(t, rung.period),
                    deadline=t.datetime(rung.period.deadline),
                ),
                markup=report_now_button(t, cadre.chapter_id, rung.period.key),
            )
        )
    return messages


def _by_ward(missing: tuple[ChapterRow, ...]) -> dict[int, list[ChapterRow]]:
    grouped: dict[int, list[ChapterRow]] = defaultdict(list)
    for chapter in missing:
        grouped[chapter.ward_id].append(chapter)
    return grouped


async def ward_escalations(services: Services, task: Task, rung: Rung) -> list[OutgoingMessage]:
    grouped = _by_ward(rung.missing)
    leads = await services.member_store.recipients(roles=[Role.WARD_LEAD], ward_ids=list(grouped))
    messages = []
    for lead in leads:
        t = services.i18n.translator(lead.locale)
        chapters = grouped.get(lead.ward_id or 0, [])
        if not chapters:
            continue
        text = t.gettext(
            "⏰ The deadline for {period} ({deadline}) has passed. Chapters of {ward} that have not "
            "reported yet:"
        ).format(
            period=period_label(t, rung.period),
            deadline=t.datetime(rung.period.deadline),
            ward=esc(chapters[0].ward_name),
        )
        text += "\n" + "\n".join(f"• {esc(c.chapter_name)}" for c in chapters)
        text += "\n\n" + t.gettext("Send /reports to remind them with one press.")
        messages.append(
            OutgoingMessage(f"{task.key}:to:{lead.member_id}", lead.member_id, lead.chat_id, text)
        )
    return messages


async def district_escalations(services: Services, task: Task, rung: Rung) -> list[OutgoingMessage]:
    grouped = _by_ward(rung.missing)
    office = await services.member_store.recipients(roles=[Role.ORGANISER, Role.ADMIN])
    messages = []
    for person in office:
        t = services.i18n.translator(person.locale)
        lines = [
            t.ngettext(
                "⏰ {count} chapter has still not reported for {period} (deadline {deadline}):",
                "⏰ {count} chapters have still not reported for {period} (deadline {deadline}):",
                len(rung.missing),
            ).format(
                count=len(rung.missing),
                period=period_label(t, rung.period),
                deadline=t.datetime(rung.period.deadline),
            )
        ]
        for chapters in grouped.values():
            lines.append(
                t.gettext("<b>{ward}</b>: {chapters}").format(
                    ward=esc(chapters[0].ward_name), chapters=", ".join(esc(c.chapter_name) for c in chapters)
                )
            )
        lines.append("")
        lines.append(t.gettext("Send /reports for the full picture."))
        for index, part in enumerate(split_message("\n".join(lines), 3500)):
            suffix = "" if index == 0 else f":{index}"
            messages.append(
                OutgoingMessage(
                    f"{task.key}:to:{person.member_id}{suffix}", person.member_id, person.chat_id, part
                )
            )
    return messages


async def plan_on_start(app: Application) -> None:
    """At start: plan the rungs still ahead (the ones that fell due while the bot was down are already
    planned)."""
    services: Services = app.bot_data["services"]
    await services.reports.plan_ladders()


def register(app: Application) -> None:
    register_task_kind(app, TASK_KIND, run_rung)
    add_startup_hook(app, plan_on_start)
