"""The reminder ladder's durable tasks: chapters before the deadline, ward leads and the office after."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from bot.conversation.markup import esc, split
from bot.conversation.replies import Reply, rows
from bot.conversation.router import Router
from bot.core.audience import Audience
from bot.core.models import Role
from bot.core.notices import OutgoingMessage
from bot.core.reports import TASK_KIND, ChapterRow, Rung, Step
from bot.views.reports.texts import period_label
from handlers.reports.filing import report_now_choice

if TYPE_CHECKING:
    from bot.core.tasks import Task
    from bot.runtime import Runtime
    from bot.services import Services

PART_LIMIT = 3500


async def run_rung(rt: Runtime, task: Task) -> None:
    """A rung fell due (maybe after downtime): decide from fresh state; message only the missing, once."""
    services = rt.services
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
        await services.notices.queue(f"report:{rung.period.key}:{rung.step.value}", messages)


async def chapter_reminders(services: Services, task: Task, rung: Rung) -> list[OutgoingMessage]:
    names = {c.chapter_id: c.chapter_name for c in rung.missing}
    cadres = await services.notices.recipients(Audience.of(roles=[Role.CADRE], chapter_ids=names))
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
        text = text.format(
            chapter=esc(names[cadre.chapter_id]),
            period=period_label(t, rung.period),
            deadline=t.datetime(rung.period.deadline),
        )
        reply = Reply(text, rows([report_now_choice(t, cadre.chapter_id, rung.period.key)]))
        messages.append(OutgoingMessage.to(cadre, f"{task.key}:to:{cadre.member_id}", reply))
    return messages


def _by_ward(missing: tuple[ChapterRow, ...]) -> dict[int, list[ChapterRow]]:
    grouped: dict[int, list[ChapterRow]] = defaultdict(list)
    for chapter in missing:
        grouped[chapter.ward_id].append(chapter)
    return grouped


async def ward_escalations(services: Services, task: Task, rung: Rung) -> list[OutgoingMessage]:
    grouped = _by_ward(rung.missing)
    leads = await services.notices.recipients(Audience.of(roles=[Role.WARD_LEAD], ward_ids=grouped))
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
        messages.append(OutgoingMessage.to(lead, f"{task.key}:to:{lead.member_id}", Reply(text)))
    return messages


async def district_escalations(services: Services, task: Task, rung: Rung) -> list[OutgoingMessage]:
    grouped = _by_ward(rung.missing)
    office = await services.notices.recipients(Audience.of(roles=[Role.ORGANISER, Role.ADMIN]))
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
        for index, part in enumerate(split("\n".join(lines), PART_LIMIT)):
            suffix = "" if index == 0 else f":{index}"
            messages.append(
                OutgoingMessage.to(person, f"{task.key}:to:{person.member_id}{suffix}", Reply(part))
            )
    return messages


async def plan_on_start(rt: Runtime) -> None:
    """At start: plan the rungs still ahead (those that fell due while the bot was down are planned)."""
    await rt.services.reports.plan_ladders()


def register(router: Router) -> None:
    router.task(TASK_KIND, run_rung)
    router.on_startup(plan_on_start)
