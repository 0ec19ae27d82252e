"""The "when?" step shared by the creation and reschedule dialogs (trainings and seminars):
start, read-back, end.

The organiser types the start ("15/12 8h30", "thứ Sáu 14h") or picks a day and a time; the bot reads it back
("Thứ Hai, 15/12/2026 08:30 — đúng không?") with ✅ / ✏️; then it asks the end ("10h30", or Skip to keep the
usual length). A dialog plugs the step in (as its steps "when", "when_ok" and "when_end") with what comes
next:

    WHEN = WhenStep(DIALOG, usual_length=timedelta(hours=3), then=ask_venue)
    WHEN.attach(router)                     # in the feature's register()
    await WHEN.ask(turn)                    # from the step before

The dialog data receives "starts_at" and "ends_at" as ISO strings. The rules (what is a usable start or end)
are bot.core.when's; this module parses, calls and renders. The choices (month, day, time, yes, retype, skip)
are one set of tokens for every dialog: a press goes to the WhenStep of the dialog the person is in. The
reschedule dialogs share the read-back of a new start (`ask_to_move`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import ClassVar, Literal

from bot.conversation.dialogs import Dialog
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, Choices, grid, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.parsing import ParseError, ParseReason, parse_datetime, parse_time
from bot.core.when import (
    MAX_LENGTH,
    WhenProblem,
    end_on_start_day,
    end_problem,
    month_grid,
    pickable_day,
    shift_month,
    start_problem,
)
from bot.i18n import N_, Translator

TIME_CHOICES = ("07:30", "08:00", "08:30", "13:30", "14:00", "19:00")
START, END, DAY, CONFIRMED = "starts_at", "ends_at", "picked_day", "start_confirmed"
ASKING, CONFIRMING, ENDING = "when", "when_ok", "when_end"
"""The steps it adds to a dialog: the start asked, the start read back, the end asked."""

REFUSALS = {
    ParseReason.PAST.value: N_(
        "That moment is already in the past. Please give a date and time still to come."
    ),
    ParseReason.NO_TIME.value: N_("Please add the start time too, for example: 15/12 8h."),
    ParseReason.NO_DATE.value: N_("Please give the day too, for example: 15/12 8h30, or: thứ Sáu 14h."),
    WhenProblem.TOO_FAR.value: N_("That is more than two years away. Please check the year."),
}
WEEKDAYS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))

Next = Callable[[Turn], Awaitable[None]]


@token("when:m")
class WhenMonth(Token):
    """Show the calendar of another month (yyyymm)."""

    month: str


@token("when:d")
class WhenDay(Token):
    """A day picked on the calendar (yyyymmdd)."""

    day: str


@token("when:t")
class WhenTime(Token):
    """A time picked for the picked day (hhmm)."""

    clock: str


@token("when:a")
class WhenAnswer(Token):
    """yes: the start read back is right; retype: type it again; skip: the usual end; none: a blank cell."""

    answer: Literal["yes", "retype", "skip", "none"]


def refusal(t: Translator, reason: str) -> str:
    """Why a start was refused, with examples."""
    message = REFUSALS.get(reason)
    if message:
        return t.gettext(message)
    return t.gettext(
        "I could not read that date and time. Please type it like: 15/12 8h, 15/12/2026 08:00 or "
        "8g30 thứ Hai."
    )


def typed_start(turn: Turn, text: str, *, picked_day: date | None = None) -> datetime | str:
    """A start from what the organiser typed (a time alone on a picked day), or the polite refusal."""
    t, now = turn.t, turn.now
    clock = parse_time(text) if picked_day is not None else None
    if picked_day is not None and not isinstance(clock, ParseError) and clock is not None:
        when = datetime.combine(picked_day, clock, tzinfo=t.tz)
    else:
        parsed = parse_datetime(text, now=now, tz=t.tz)
        if isinstance(parsed, ParseError):
            return refusal(t, parsed.reason.value)
        if not parsed.date_given:
            return refusal(t, ParseReason.NO_DATE.value)
        when = parsed.when
    problem = start_problem(when, now)
    return refusal(t, problem.value) if problem is not None else when


@dataclass(frozen=True)
class WhenStep:
    """Start (typed or picked), read back, then end, inside one dialog."""

    dialog: Dialog
    usual_length: timedelta
    then: Next
    """Asks the dialog's next question once the end is known (and moves the dialog on)."""

    _by_dialog: ClassVar[dict[str, WhenStep]] = {}

    def attach(self, router: Router) -> None:
        """Register the step's three dialog steps (and, once, the shared choices)."""
        WhenStep._by_dialog[self.dialog.name] = self
        router.dialog(
            self.dialog,
            {
                ASKING: Step(text=self.typed),
                CONFIRMING: Step(text=self.retyped),
                ENDING: Step(text=self.end_typed),
            },
        )
        if WhenDay not in router.choices:
            for token_class in (WhenMonth, WhenDay, WhenTime, WhenAnswer):
                router.choice(token_class, _pressed)

    def today(self, turn: Turn) -> date:
        return turn.now.astimezone(turn.t.tz).date()

    async def ask(self, turn: Turn, *, again: bool = False) -> None:
        """Ask for the start (a new message), with the day picker of the current month."""
        t = turn.t
        turn.goto(ASKING, **{START: None, END: None, DAY: None, CONFIRMED: None})
        today = self.today(turn)
        question = (
            t.gettext("Please type the date and time again, or pick a day:")
            if again
            else t.gettext(
                "When does it start? Type the date and time, for example <i>15/12 8h30</i> or <i>thứ Sáu "
                "14h</i>, or pick a day below:"
            )
        )
        turn.reply(question, choices=self.calendar(t, today, today))

    def calendar(self, t: Translator, month: date, today: date) -> Choices:
        """A month of days, Monday first; days that cannot be picked are blank."""
        blank = WhenAnswer("none")
        lines = [[Choice(t.gettext(label), blank, display_only=True) for label in WEEKDAYS]]
        first = month.replace(day=1)
        for week in month_grid(first.year, first.month):
            lines.append(
                [
                    Choice(str(day), WhenDay(f"{first:%Y%m}{day:02d}"), optional=True)
                    if day and pickable_day(date(first.year, first.month, day), today)
                    else Choice(" ", blank, display_only=True)
                    for day in week
                ]
            )
        nav = []
        if first > today.replace(day=1):
            nav.append(Choice("«", WhenMonth(f"{shift_month(first, -1):%Y%m}"), optional=True))
        month_label = t.gettext("{month}/{year}").format(month=first.month, year=first.year)
        nav.append(Choice(month_label, blank, display_only=True))
        if pickable_day(shift_month(first, 1), today):
            nav.append(Choice("»", WhenMonth(f"{shift_month(first, 1):%Y%m}"), optional=True))
        lines.append(nav)
        return rows(*lines)

    async def typed(self, turn: Turn) -> None:
        """A typed start: a time alone after picking a day, else a date and a time."""
        picked = turn.data.get(DAY)
        when = typed_start(turn, turn.text, picked_day=date.fromisoformat(picked) if picked else None)
        if isinstance(when, str):
            turn.reply(when)
            return
        self.read_back(turn, when)

    async def retyped(self, turn: Turn) -> None:
        """Text while the read-back waits: another date and time is read back; else, ask to choose."""
        parsed = parse_datetime(turn.text, now=turn.now, tz=turn.t.tz)
        if isinstance(parsed, ParseError) or not parsed.date_given:
            turn.reply(turn.t.gettext("Please use the buttons above, or type the date and time again."))
            return
        await self.typed(turn)

    def read_back(self, turn: Turn, when: datetime) -> None:
        """Refuse a past or absurd start; otherwise read it back before going on."""
        t = turn.t
        problem = start_problem(when, turn.now)
        if problem is not None:
            turn.goto(ASKING)
            turn.reply(refusal(t, problem.value))
            return
        turn.goto(CONFIRMING, **{START: when.isoformat()})
        turn.reply(
            t.gettext("I understood: <b>{when}</b>. Is that right?").format(when=t.datetime(when)),
            choices=rows(
                [
                    Choice(t.gettext("✅ Yes, that is right"), WhenAnswer("yes")),
                    Choice(t.gettext("✏️ Type it again"), WhenAnswer("retype")),
                ]
            ),
        )

    async def pressed(self, turn: Turn, token: Token) -> bool:
        """A choice of this step; False when it does not fit where the dialog stands (stale)."""
        data = turn.data
        if isinstance(token, WhenMonth):
            return self.month_pressed(turn, token.month)
        if isinstance(token, WhenDay):
            return self.day_pressed(turn, token.day, data)
        if isinstance(token, WhenTime):
            return self.time_pressed(turn, token.clock, data)
        if isinstance(token, WhenAnswer):
            if token.answer == "none":
                return True
            if token.answer == "yes":
                return await self.start_confirmed(turn, data)
            if token.answer == "retype":
                return await self.retype_pressed(turn, data)
            return await self.end_skipped(turn, data)
        return False

    def month_pressed(self, turn: Turn, value: str) -> bool:
        today = self.today(turn)
        try:
            month = datetime.strptime(value, "%Y%m").date()
        except ValueError:
            return False
        if turn.step != ASKING or (not pickable_day(month, today) and month > today):
            return False
        turn.edit_choices(self.calendar(turn.t, max(month, today.replace(day=1)), today))
        return True

    def day_pressed(self, turn: Turn, value: str, data: dict) -> bool:
        t = turn.t
        try:
            day = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            return False
        if not pickable_day(day, self.today(turn)) or data.get(CONFIRMED) or turn.step == ENDING:
            return False
        turn.goto(ASKING, **{DAY: day.isoformat(), START: None})
        choices = grid([Choice(c, WhenTime(c.replace(":", ""))) for c in TIME_CHOICES], 3)
        turn.edit(
            t.gettext("{day}: at what time? Choose below or type it (for example 8h or 13g30).").format(
                day=esc(f"{t.weekday(day)}, {t.date(day)}")
            ),
            choices=choices,
        )
        return True

    def time_pressed(self, turn: Turn, value: str, data: dict) -> bool:
        if not data.get(DAY) or data.get(CONFIRMED):
            return False
        try:
            clock = datetime.strptime(value, "%H%M").time()
        except ValueError:
            return False
        self.read_back(turn, datetime.combine(date.fromisoformat(data[DAY]), clock, tzinfo=turn.t.tz))
        return True

    async def retype_pressed(self, turn: Turn, data: dict) -> bool:
        if not data.get(START) or data.get(CONFIRMED):
            return False
        turn.clear_choices()
        await self.ask(turn, again=True)
        return True

    async def start_confirmed(self, turn: Turn, data: dict) -> bool:
        """✅: the start is kept; ask the end."""
        if not data.get(START) or data.get(CONFIRMED):
            return False
        t, starts = turn.t, datetime.fromisoformat(data[START])
        if start_problem(starts, turn.now) is not None:
            turn.clear_choices()
            turn.reply(refusal(t, WhenProblem.PAST.value))
            await self.ask(turn)
            return True
        turn.goto(ENDING, **{CONFIRMED: True})
        turn.edit(t.gettext("Start: <b>{when}</b>").format(when=t.datetime(starts)))
        turn.reply(
            t.gettext(
                "What time does it end? Type it, for example 10h30, or press Skip to end at {end}."
            ).format(end=t.time(starts + self.usual_length)),
            choices=rows([Choice(t.gettext("Skip"), WhenAnswer("skip"))]),
        )
        return True

    async def end_typed(self, turn: Turn) -> None:
        """The end as a clock time on the start's day: after the start, not absurdly long."""
        t, data = turn.t, turn.data
        starts = datetime.fromisoformat(data[START])
        clock = parse_time(turn.text)
        if isinstance(clock, ParseError):
            turn.reply(
                t.gettext("I could not read that time. Please type it like 10h30 or 16:00, or press Skip.")
            )
            return
        ends = end_on_start_day(starts, clock)
        problem = end_problem(starts, ends)
        if problem is WhenProblem.BEFORE_START:
            turn.reply(
                t.gettext(
                    "Please type an end time after the start ({start}), for example 11h30, or press Skip."
                ).format(start=t.time(starts))
            )
            return
        if problem is not None:
            turn.reply(
                t.gettext(
                    "That would last more than {hours} hours. Please check the end time, or press Skip."
                ).format(hours=t.number(MAX_LENGTH // timedelta(hours=1)))
            )
            return
        await self.finish(turn, ends)

    async def end_skipped(self, turn: Turn, data: dict) -> bool:
        if turn.step != ENDING or data.get(END):
            return False
        turn.clear_choices()
        await self.finish(turn, datetime.fromisoformat(data[START]) + self.usual_length)
        return True

    async def finish(self, turn: Turn, ends: datetime) -> None:
        turn.update(**{END: ends.isoformat(), DAY: None, CONFIRMED: None})
        await self.then(turn)


def ask_to_move(turn: Turn, when: datetime, question: str, yes: Token, retype: Token) -> None:
    """A new start typed to move a session or a seminar, read back (`question`: a msgid with `{when}`)
    before anyone is told: ✅ Yes, move it / ✏️ Type it again."""
    t = turn.t
    turn.reply(
        t.gettext(question).format(when=t.datetime(when)),
        choices=rows(
            [Choice(t.gettext("✅ Yes, move it"), yes), Choice(t.gettext("✏️ Type it again"), retype)]
        ),
    )


async def _pressed(turn: Turn, token: Token) -> None:
    """A calendar, time, yes/retype or skip choice: handled by the WhenStep of the person's dialog, if any."""
    step = WhenStep._by_dialog.get(turn.state.dialog) if turn.state else None
    if step is None or turn.step not in (ASKING, CONFIRMING, ENDING):
        turn.stale()
        return
    if not await step.pressed(turn, token):
        turn.stale()
