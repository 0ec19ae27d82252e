"""/report_settings: an admin sets the reporting period (month, week, quarter) and the deadline."""

from __future__ import annotations

from datetime import timedelta

from bot.conversation.dialogs import Dialog
from bot.conversation.replies import Choice, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.parsing import PeriodKind
from bot.core.permissions import Action, can
from bot.core.reports import FileOutcome, ReportConfig, parse_deadline
from bot.i18n import N_, Translator
from bot.views.labels import weekday_name
from bot.views.reports.texts import KIND_LABELS, period_label

SETTINGS = Dialog("report_settings", timeout=timedelta(hours=1), cancelled=N_("Settings unchanged."))
DEADLINE_EXAMPLES = {
    PeriodKind.MONTH: "25 20:00",
    PeriodKind.WEEK: "thứ 6 17:00",
    PeriodKind.QUARTER: "25 20:00",
}


@token("reps")
class PeriodKindChoice(Token):
    kind: PeriodKind


def describe(t: Translator, config: ReportConfig) -> str:
    at = config.deadline_time.strftime("%H:%M")
    if config.kind is PeriodKind.WEEK:
        return t.gettext("Weekly reports, due every {weekday} at {time}.").format(
            weekday=weekday_name(t, config.deadline_day), time=at
        )
    if config.kind is PeriodKind.QUARTER:
        return t.gettext("Quarterly reports, due on day {day} of the quarter's last month at {time}.").format(
            day=config.deadline_day, time=at
        )
    return t.gettext("Monthly reports, due on day {day} of the month at {time}.").format(
        day=config.deadline_day, time=at
    )


async def start(turn: Turn) -> None:
    t = turn.t
    turn.end()
    if not can(turn.member, Action.CONFIGURE_REPORTS):
        turn.reply(t.gettext("Only district admins can change the report settings."))
        return
    config = await turn.services.reports.config()
    rp = await turn.services.reports.current_period()
    turn.begin(SETTINGS, "kind")
    turn.reply(
        t.gettext(
            "<b>Report settings</b>\n{settings}\nCurrent period: {period}, deadline {deadline}.\n\n"
            "Choose how often chapters report:"
        ).format(settings=describe(t, config), period=period_label(t, rp), deadline=t.datetime(rp.deadline)),
        choices=rows([Choice(t.gettext(KIND_LABELS[k]), PeriodKindChoice(k)) for k in PeriodKind]),
    )


async def kind_chosen(turn: Turn, token: PeriodKindChoice) -> None:
    if not can(turn.member, Action.CONFIGURE_REPORTS):
        turn.stale()
        return
    turn.clear_choices()
    turn.goto("deadline", kind=token.kind.value)
    turn.reply(deadline_question(turn.t, token.kind))


def deadline_question(t: Translator, kind: PeriodKind) -> str:
    if kind is PeriodKind.WEEK:
        question = t.gettext("Which weekday and time is the deadline? For example: {example}")
    elif kind is PeriodKind.QUARTER:
        question = t.gettext(
            "Which day of the quarter's last month, and what time, is the deadline? For example: {example}"
        )
    else:
        question = t.gettext("Which day of the month and what time is the deadline? For example: {example}")
    return question.format(example=DEADLINE_EXAMPLES[kind])


async def deadline_received(turn: Turn) -> None:
    t = turn.t
    kind = PeriodKind(turn.data["kind"])
    parsed = parse_deadline(turn.text, kind)
    if parsed is None:
        turn.reply(t.gettext("I did not understand that deadline.") + "\n" + deadline_question(t, kind))
        return
    config = ReportConfig(kind, parsed[0], parsed[1])
    turn.end()
    if await turn.services.reports.configure(turn.member, config) is FileOutcome.DENIED:
        turn.reply(t.gettext("Only district admins can change the report settings."))
        return
    rp = await turn.services.reports.current_period()
    turn.reply(
        t.gettext(
            "Saved. {settings}\nCurrent period: {period}, deadline {deadline}. Reminders are planned again."
        ).format(settings=describe(t, config), period=period_label(t, rp), deadline=t.datetime(rp.deadline))
    )


def register(router: Router) -> None:
    router.command("report_settings", start)
    router.choice(PeriodKindChoice, kind_chosen, dialog=SETTINGS, steps=("kind",))
    router.dialog(SETTINGS, {"deadline": Step(text=deadline_received)})
