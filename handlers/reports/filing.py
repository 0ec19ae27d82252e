"""/report: a chapter cadre (or a lead on the chapter's behalf) files the period's new-member report.

One question at a time (new members, total, an optional note, an optional photo of the paper list), read back
before it is saved. Where the person stands is kept in the database: a restart in the middle loses nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from bot.conversation.dialogs import Dialog
from bot.conversation.inputs import SharedFile
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, grid, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.parsing import ParseError, ParseReason, parse_count
from bot.core.permissions import Action, Reach, can, reach_of
from bot.core.reports import FileOutcome, FileResult, ReportValues, Target
from bot.core.reports.rules import MAX_COUNT, MAX_NOTE
from bot.i18n import N_, Translator
from bot.views.reports.texts import WARNING_TEXTS, period_label
from handlers.text_steps import skipping, text_step

MENU_LABEL = N_("📝 New-member report")
REPORT = Dialog(
    "report",
    timeout=timedelta(hours=2),
    expired=N_("Your report was interrupted. Please send /report to start again."),
    cancelled=N_("Report cancelled; nothing was saved."),
)


@token("repf")
class ReportStart(Token):
    """'📝 Report now' under a reminder: this chapter, this period."""

    chapter_id: int
    period_key: str


@token("repc:w")
class ReportWard(Token):
    ward_id: int


@token("repc:c")
class ReportChapter(Token):
    chapter_id: int


@token("repc:skip")
class ReportSkip(Token):
    what: Literal["note", "photo"]


@token("repc:a")
class ReportAnswer(Token):
    answer: Literal["ok", "edit"]


def report_now_choice(t: Translator, chapter_id: int, period_key: str) -> Choice:
    return Choice(t.gettext("📝 Report now"), ReportStart(chapter_id, period_key))


async def start(turn: Turn) -> None:
    """/report or the menu: the current period, the member's chapter (or a choice of chapters)."""
    t, member = turn.t, turn.member
    turn.end()
    if not can(member, Action.FILE_REPORT):
        turn.reply(t.gettext("Only chapter cadres, ward leads and organisers can file new-member reports."))
        return
    reach = reach_of(member, Action.FILE_REPORT)
    chapters = await turn.services.reports.chapters_to_file(member)
    if reach is Reach.OWN_CHAPTER:
        if not chapters:
            turn.reply(t.gettext("Your account is not linked to a chapter yet. Please ask your ward lead."))
            return
        await begin(turn, chapters[0].id, None)
        return
    turn.begin(REPORT, "choose")
    if reach is Reach.OWN_WARD:
        turn.reply(
            t.gettext("Which chapter are you reporting for?"),
            choices=grid([Choice(c.name, ReportChapter(c.id)) for c in chapters], 1),
        )
        return
    wards = await turn.services.org.wards()
    turn.reply(
        t.gettext("Which ward is the chapter in?"),
        choices=grid([Choice(w.name, ReportWard(w.id)) for w in wards], 3),
    )


async def start_from_reminder(turn: Turn, token: ReportStart) -> None:
    await begin(turn, token.chapter_id, token.period_key)


async def ward_chosen(turn: Turn, token: ReportWard) -> None:
    if not can(turn.member, Action.FILE_REPORT, ward_id=token.ward_id):
        turn.stale()
        return
    chapters = await turn.services.org.chapters(token.ward_id)
    turn.edit(
        turn.t.gettext("Which chapter are you reporting for?"),
        choices=grid([Choice(c.name, ReportChapter(c.id)) for c in chapters], 1),
    )


async def chapter_chosen(turn: Turn, token: ReportChapter) -> None:
    turn.clear_choices()
    await begin(turn, token.chapter_id, None)


async def begin(turn: Turn, chapter_id: int, period_key: str | None) -> None:
    """Check the member may report for this chapter and period, then ask the first question."""
    t = turn.t
    target = await turn.services.reports.target(turn.member, chapter_id, period_key)
    if target is None:
        turn.end()
        turn.reply(t.gettext("You can only file reports for your own chapter."))
        return
    if not target.period.is_open(turn.now):
        turn.end()
        turn.reply(
            t.gettext("The reporting period {period} is closed; its report can no longer be changed.").format(
                period=period_label(t, target.period)
            )
        )
        return
    turn.begin(REPORT, "new", chapter_id=target.chapter.id, period_key=target.period.key)
    lines = [
        t.gettext("<b>New-member report</b>\n{chapter} ({ward}), {period}. Deadline: {deadline}.").format(
            chapter=esc(target.chapter.name),
            ward=esc(target.ward.name if target.ward else ""),
            period=period_label(t, target.period),
            deadline=t.datetime(target.period.deadline),
        )
    ]
    if target.on_behalf:
        lines.append(t.gettext("You are filing on the chapter's behalf; this is recorded."))
    if target.existing is not None:
        lines.append(
            t.gettext(
                "Already reported: {new} new members, total {total}. Your answers will replace them."
            ).format(new=t.number(target.existing.new_members), total=t.number(target.existing.total_members))
        )
    lines.append("")
    lines.append(ask_new_text(t))
    turn.reply("\n".join(lines))


def ask_new_text(t: Translator) -> str:
    return t.gettext("How many new members did the chapter gain this period? (a number, for example 3)")


def ask_total_text(t: Translator) -> str:
    return t.gettext("How many members does the chapter have in total now?")


def count_problem(t: Translator, error: ParseError) -> str:
    if error.reason is ParseReason.NEGATIVE:
        return t.gettext("The number cannot be negative.")
    if error.reason is ParseReason.TOO_LARGE:
        return t.gettext("That number is too large (at most {max}).").format(max=t.number(MAX_COUNT))
    if error.reason is ParseReason.NOT_WHOLE:
        return t.gettext("Please type a whole number of people.")
    if error.reason is ParseReason.AMBIGUOUS:
        return t.gettext("Please type just one number.")
    return t.gettext("I did not understand that as a number.")


async def new_received(turn: Turn) -> None:
    t = turn.t
    value = parse_count(turn.text, max_value=MAX_COUNT)
    if isinstance(value, ParseError):
        turn.reply(count_problem(t, value) + "\n" + ask_new_text(t))
        return
    turn.goto("total", new_members=value)
    turn.reply(ask_total_text(t))


async def total_received(turn: Turn) -> None:
    t = turn.t
    value = parse_count(turn.text, max_value=MAX_COUNT)
    if isinstance(value, ParseError):
        turn.reply(count_problem(t, value) + "\n" + ask_total_text(t))
        return
    turn.goto("note", total_members=value)
    turn.reply(
        t.gettext("Any note for the ward (optional)? Type it, or press Skip."),
        choices=rows([Choice(t.gettext("Skip"), ReportSkip("note"))]),
    )


async def ask_photo(turn: Turn) -> None:
    turn.goto("photo")
    turn.reply(
        turn.t.gettext("You may send a photo of the paper list (optional), or press Skip."),
        choices=rows([Choice(turn.t.gettext("Skip"), ReportSkip("photo"))]),
    )


async def photo_received(turn: Turn) -> None:
    event = turn.event
    if not isinstance(event, SharedFile) or not event.image:
        await not_a_photo(turn)
        return
    turn.update(photo=f"{turn.input.channel}:{event.ref}")
    await read_back(turn)


async def not_a_photo(turn: Turn) -> None:
    turn.reply(turn.t.gettext("Please send a photo of the paper list, or press Skip."))


async def read_back(turn: Turn) -> None:
    """'Chi hội …, tháng 11/2026: 3 hội viên mới, tổng 45 — đúng không?' with the sanity warnings."""
    t, data = turn.t, turn.data
    target = await turn.services.reports.target(turn.member, data["chapter_id"], data["period_key"])
    if target is None:
        turn.end()
        turn.reply(t.gettext("Your report was interrupted. Please send /report to start again."))
        return
    warnings = await turn.services.reports.warnings(
        data["chapter_id"], data["period_key"], data["new_members"], data["total_members"]
    )
    turn.goto("confirm")
    confirm = t.gettext("✅ Confirm") if not warnings else t.gettext("✅ Yes, it is correct")
    turn.reply(
        summary(t, target, turn.data, warnings),
        choices=rows(
            [Choice(confirm, ReportAnswer("ok")), Choice(t.gettext("✏️ Edit"), ReportAnswer("edit"))]
        ),
    )


def summary(t: Translator, target: Target, data: dict, warnings: list) -> str:
    lines = [
        t.gettext("{chapter}, {period}: {new} new members, total {total} — is that right?").format(
            chapter=esc(target.chapter.name),
            period=period_label(t, target.period),
            new=t.number(data["new_members"]),
            total=t.number(data["total_members"]),
        )
    ]
    if data.get("note"):
        lines.append(t.gettext("Note: {note}").format(note=esc(data["note"])))
    if data.get("photo"):
        lines.append(t.gettext("Photo of the paper list: attached."))
    if warnings:
        lines.append("")
        new = t.number(data["new_members"])
        lines.extend(t.gettext(WARNING_TEXTS[w]).format(new=new) for w in warnings)
        lines.append(t.gettext("Please check the numbers. If they are right, confirm; otherwise press Edit."))
    return "\n".join(lines)


async def answered(turn: Turn, token: ReportAnswer) -> None:
    """Confirm saves (once; filing again updates); Edit asks the numbers again."""
    turn.clear_choices()
    if token.answer == "edit":
        turn.goto("new", new_members=None, total_members=None)
        turn.reply(ask_new_text(turn.t))
        return
    data = turn.data
    values = ReportValues(data["new_members"], data["total_members"], data.get("note"), data.get("photo"))
    result = await turn.services.reports.file(turn.member, data["chapter_id"], data["period_key"], values)
    turn.end()
    turn.reply(outcome_text(turn.t, result), menu=True)


def outcome_text(t: Translator, result: FileResult) -> str:
    if result.outcome is FileOutcome.FILED:
        if result.on_time:
            return t.gettext("✅ Report saved. Thank you!")
        return t.gettext("✅ Report saved (after the deadline). Thank you!")
    if result.outcome is FileOutcome.UPDATED and result.previous and result.report:
        return t.gettext(
            "✅ Report corrected: was {old_new} new, total {old_total}; now {new} new, total {total}."
        ).format(
            old_new=t.number(result.previous.new_members),
            old_total=t.number(result.previous.total_members),
            new=t.number(result.report.new_members),
            total=t.number(result.report.total_members),
        )
    if result.outcome is FileOutcome.UNCHANGED:
        return t.gettext("The report already says exactly this; nothing changed.")
    if result.outcome is FileOutcome.CLOSED:
        return t.gettext("The reporting period is closed; the report can no longer be changed.")
    if result.outcome is FileOutcome.DENIED:
        return t.gettext("You can only file reports for your own chapter.")
    return t.gettext("The report could not be saved. Please send /report to try again.")


async def use_the_buttons(turn: Turn) -> None:
    turn.reply(turn.t.gettext("Please use the buttons above, or send /cancel to stop the report."))


def register(router: Router) -> None:
    router.command(("report", "baocao"), start)
    router.choice(ReportStart, start_from_reminder)
    router.choice(ReportWard, ward_chosen, dialog=REPORT, steps=("choose",))
    router.choice(ReportChapter, chapter_chosen, dialog=REPORT, steps=("choose",))
    skipped = skipping({"note": ask_photo, "photo": read_back})
    router.choice(ReportSkip, skipped, dialog=REPORT, steps=("note", "photo"))
    router.choice(ReportAnswer, answered, dialog=REPORT, steps=("confirm",))
    router.dialog(
        REPORT,
        {
            "choose": Step(text=use_the_buttons),
            "new": Step(text=new_received),
            "total": Step(text=total_received),
            "note": text_step(
                "note",
                MAX_NOTE,
                N_("The note is too long (at most {limit} characters). Please shorten it, or press Skip."),
                ask_photo,
            ),
            "photo": Step(file=photo_received, text=not_a_photo),
            "confirm": Step(text=use_the_buttons),
        },
    )
