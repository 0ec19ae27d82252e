"""/reports: a ward lead's chapters, or every ward for organisers; remind, excuse and drill down by choice."""

from __future__ import annotations

from typing import Literal

from bot.conversation.markup import esc
from bot.conversation.replies import Choice, Choices, Reply, grid, rows
from bot.conversation.router import Router
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.models import Role
from bot.core.notices import OutgoingMessage
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.reports import FileOutcome, ReportingPeriod, Rollup, Status, WardRollup
from bot.views.reports.texts import chapter_line, period_label, totals_line
from handlers.reports.export import export_reply
from handlers.reports.filing import report_now_choice


@token("repv")
class ReportsPress(Token):
    """w: a ward's chapters; n: remind a chapter; e/u: excuse / chase again; x: the workbook (target 0)."""

    action: Literal["w", "n", "e", "u", "x"]
    target: int
    period_key: str


async def show(turn: Turn) -> None:
    """/reports for the current period."""
    t, member = turn.t, turn.member
    if not can(member, Action.VIEW_REPORTS):
        turn.reply(
            t.gettext(
                "Only ward leads and organisers can see the reports of chapters. To file yours, send /report."
            )
        )
        return
    assert member is not None
    rp = await turn.services.reports.current_period()
    rollup = await turn.services.reports.view(member, rp.key)
    if reach_of(member, Action.VIEW_REPORTS) is Reach.OWN_WARD:
        ward = rollup.ward(member.ward_id) if rollup else None
        if ward is None:
            turn.reply(t.gettext("Your account is not linked to a ward yet."))
            return
        text, choices = ward_view(turn, rp, ward)
    else:
        assert rollup is not None
        text, choices = district_view(turn, rp, rollup)
    if not await turn.services.reports.chased(rp):
        text += "\n\n" + t.gettext(
            "ℹ️ This period was already under way when the bot started collecting reports, so no reminders "
            "are sent for it; reminders and escalations start with the next period."
        )
    turn.reply(text, choices=choices)


def district_view(turn: Turn, rp: ReportingPeriod, rollup: Rollup) -> tuple[str, Choices]:
    t = turn.t
    lines = [
        t.gettext("<b>New-member reports, {period}</b> (deadline {deadline})").format(
            period=period_label(t, rp), deadline=t.datetime(rp.deadline)
        ),
        t.gettext("<b>District:</b> {totals}").format(totals=totals_line(t, rollup.district)),
        "",
    ]
    for ward in rollup.wards:
        lines.append(
            t.gettext("<b>{ward}</b>: {totals}").format(
                ward=esc(ward.ward_name), totals=totals_line(t, ward.totals)
            )
        )
    choices = grid([Choice(w.ward_name, ReportsPress("w", w.ward_id, rp.key)) for w in rollup.wards], 3)
    if can(turn.member, Action.EXPORT_REPORTS):
        choices += rows([Choice(t.gettext("📊 Excel file"), ReportsPress("x", 0, rp.key))])
    return "\n".join(lines), choices


def ward_view(turn: Turn, rp: ReportingPeriod, ward: WardRollup) -> tuple[str, Choices]:
    t = turn.t
    lines = [
        t.gettext("<b>{ward}, {period}</b> (deadline {deadline})").format(
            ward=esc(ward.ward_name), period=period_label(t, rp), deadline=t.datetime(rp.deadline)
        ),
        totals_line(t, ward.totals),
        "",
    ]
    lines.extend(chapter_line(t, line) for line in ward.chapters)
    lines_of_choices: list[list[Choice]] = []
    may_excuse = can(turn.member, Action.EXCUSE_REPORT)
    for line in ward.chapters:
        chapter_id, name = line.chapter.chapter_id, line.chapter.chapter_name
        if line.status is Status.EXCUSED and may_excuse:
            label = t.gettext("↩️ Chase {chapter} again").format(chapter=name)
            lines_of_choices.append([Choice(label, ReportsPress("u", chapter_id, rp.key))])
        if line.status is not Status.MISSING:
            continue
        row = [
            Choice(
                t.gettext("🔔 Remind {chapter}").format(chapter=name), ReportsPress("n", chapter_id, rp.key)
            )
        ]
        if may_excuse:
            row.append(Choice(t.gettext("⏸ Excuse"), ReportsPress("e", chapter_id, rp.key)))
        lines_of_choices.append(row)
    return "\n".join(lines), rows(*lines_of_choices)


async def pressed(turn: Turn, press: ReportsPress) -> None:
    """Drill down into a ward, remind or excuse a chapter, or export: authorised again for the presser."""
    rp = await turn.services.reports.period(press.period_key)
    if rp is None:
        turn.stale()
        return
    if press.action == "w":
        rollup = await turn.services.reports.view(turn.member, rp.key, ward_id=press.target)
        ward = rollup.ward(press.target) if rollup else None
        if ward is None:
            turn.stale()
            return
        text, choices = ward_view(turn, rp, ward)
        turn.reply(text, choices=choices)
    elif press.action == "n":
        await remind(turn, press.target, rp)
    elif press.action in ("e", "u"):
        await excuse(turn, press.target, rp, excused=press.action == "e")
    else:
        await export_reply(turn, rp.period, rp.period)


async def remind(turn: Turn, chapter_id: int, rp: ReportingPeriod) -> None:
    """Remind the cadres of a chapter that has not reported, now (at most once an hour per chapter)."""
    t, services = turn.t, turn.services
    chapter = await services.reports.may_nudge(turn.member, chapter_id)
    if chapter is None:
        turn.stale()
        return
    assert turn.member is not None
    rollup = await services.reports.rollup(rp.key, ward_id=chapter.ward_id)
    ward = rollup.ward(chapter.ward_id) if rollup else None
    line = next((c for c in ward.chapters if c.chapter.chapter_id == chapter_id), None) if ward else None
    if line is None or line.status is not Status.MISSING:
        turn.toast(
            t.gettext("{chapter} does not need a reminder: it has reported or is excused.").format(
                chapter=chapter.name
            ),
            alert=True,
        )
        return
    cadres = await services.notices.recipients(Audience.of(roles=[Role.CADRE], chapter_ids=[chapter_id]))
    if not cadres:
        turn.toast(
            t.gettext("Nobody from {chapter} uses the bot yet; please call them.").format(
                chapter=chapter.name
            ),
            alert=True,
        )
        return
    hour = int(turn.now.timestamp()) // 3600
    messages = []
    for cadre in cadres:
        ct = services.i18n.translator(cadre.locale)
        text = ct.gettext(
            "🔔 {lead} reminds you: the new-member report of {chapter} for {period} has not been "
            "sent yet. Deadline: {deadline}."
        ).format(
            lead=esc(turn.member.full_name),
            chapter=esc(chapter.name),
            period=period_label(ct, rp),
            deadline=ct.datetime(rp.deadline),
        )
        reply = Reply(text, rows([report_now_choice(ct, chapter_id, rp.key)]))
        messages.append(
            OutgoingMessage.to(
                cadre, f"report:{rp.key}:nudge:{chapter_id}:{hour}:to:{cadre.member_id}", reply
            )
        )
    if not await services.notices.queue(f"report:{rp.key}:nudge", messages):
        turn.toast(
            t.gettext("{chapter} was already reminded this hour.").format(chapter=chapter.name), alert=True
        )
        return
    turn.toast(
        t.ngettext(
            "Reminder sent to {count} cadre of {chapter}.",
            "Reminder sent to {count} cadres of {chapter}.",
            len(cadres),
        ).format(count=len(cadres), chapter=chapter.name),
        alert=True,
    )


async def excuse(turn: Turn, chapter_id: int, rp: ReportingPeriod, *, excused: bool) -> None:
    """An organiser excuses a missing chapter for the period (no more chasing, not counted missing), or takes
    the excuse back."""
    t = turn.t
    outcome = await turn.services.reports.excuse(turn.member, chapter_id, rp.key, excused=excused)
    if outcome is FileOutcome.DENIED or outcome is FileOutcome.NOT_FOUND:
        turn.toast(t.gettext("Only organisers can excuse a chapter."), alert=True)
        return
    chapter = await turn.services.org.chapter(chapter_id)
    name = chapter.name if chapter else ""
    if excused:
        text = t.gettext("{chapter} is excused for {period}.")
    else:
        text = t.gettext("{chapter} is expected to report for {period} again.")
    turn.toast(text.format(chapter=name, period=period_label(t, rp)), alert=True)
    rollup = await turn.services.reports.view(
        turn.member, rp.key, ward_id=chapter.ward_id if chapter else None
    )
    ward = rollup.ward(chapter.ward_id) if rollup and chapter else None
    if ward is not None:
        text, choices = ward_view(turn, rp, ward)
        turn.edit(text, choices=choices)


def register(router: Router) -> None:
    router.command(("reports", "xembaocao"), show)
    router.choice(ReportsPress, pressed)
