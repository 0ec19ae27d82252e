"""The "when?" step shared by the creation dialogs (trainings, seminars): start, read-back, end.

The organiser types the start ("15/12 8h30", "thứ Sáu 14h") or picks a day and a time with buttons; the bot
reads it back ("Thứ Hai, 15/12/2026 08:30 — đúng không?") with ✅ / ✏️; then it asks the end ("10h30", or Skip
to keep the usual length). A conversation plugs the step in with its own callback prefix, draft and states:

    WHEN = WhenStep(prefix="tn", draft_key=DRAFT, asking=WHEN, confirming=WHEN_CONFIRM, ending=END_TIME,
                    usual_length=timedelta(hours=3), then=ask_venue)
    ConversationHandler(states={..., **WHEN.states(), ...})
    return await WHEN.ask(update, ctx)          # from the step before

The draft (a dict in ctx.user_data) receives "starts_at" and "ends_at" as ISO strings. The rules (what is a
usable start or end) are bot.core.when's; this module parses, calls and renders.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.context import BotContext
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
from bot.i18n import Translator
from handlers import callbacks
from handlers.registry import N_
from handlers.render import answer_stale, buttons, esc, grid

TIME_CHOICES = ("07:30", "08:00", "08:30", "13:30", "14:00", "19:00")
START, END, DAY, CONFIRMED = "starts_at", "ends_at", "picked_day", "start_confirmed"
TEXT = filters.TEXT & ~filters.COMMAND

REFUSALS = {
    ParseReason.PAST.value: N_(
        "That moment is already in the past. Please give a date and time still to come."
    ),
    ParseReason.NO_TIME.value: N_("Please add the start time too, for example: 15/12 8h."),
    ParseReason.NO_DATE.value: N_("Please give the day too, for example: 15/12 8h30, or: thứ Sáu 14h."),
    WhenProblem.TOO_FAR.value: N_("That is more than two years away. Please check the year."),
}
WEEKDAYS = (N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su"))

Next = Callable[[Update, BotContext], Awaitable[int]]


def refusal(t: Translator, reason: str) -> str:
    """Why a start was refused, with examples."""
    message = REFUSALS.get(reason)
    if message:
        return t.gettext(message)
    return t.gettext(
        "I could not read that date and time. Please type it like: 15/12 8h, 15/12/2026 08:00 or "
        "8g30 thứ Hai."
    )


def typed_start(ctx: BotContext, text: str, *, picked_day: date | None = None) -> datetime | str:
    """A start from what the organiser typed (a time alone on a picked day), or the polite refusal."""
    t, now = ctx.t, ctx.services.clock.now()
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
    """Start (typed or picked), read back, then end, for one conversation."""

    prefix: str
    draft_key: str
    asking: int
    confirming: int
    ending: int
    usual_length: timedelta
    then: Next
    """Asks the conversation's next question once the end is known; returns that state."""

    def states(self) -> dict[object, list[BaseHandler]]:
        """The three states to merge into the conversation's states."""
        mine = rf"^{callbacks.VERSION}:{re.escape(self.prefix)}:w[a-z]:"
        return {
            self.asking: [MessageHandler(TEXT, self.typed), CallbackQueryHandler(self.pressed, pattern=mine)],
            self.confirming: [
                CallbackQueryHandler(self.pressed, pattern=mine),
                MessageHandler(TEXT, self.retyped),
            ],
            self.ending: [
                MessageHandler(TEXT, self.end_typed),
                CallbackQueryHandler(self.pressed, pattern=mine),
            ],
        }

    def button(self, kind: str, value: object = 0) -> str:
        return callbacks.encode(self.prefix, "w" + kind, value)

    def draft(self, ctx: BotContext) -> dict | None:
        return ctx.user_data.get(self.draft_key)

    def today(self, ctx: BotContext) -> date:
        return ctx.services.clock.now().astimezone(ctx.t.tz).date()

    async def ask(self, update: Update, ctx: BotContext, *, again: bool = False) -> int:
        """Ask for the start (a new message), with the day picker of the current month."""
        t, draft = ctx.t, self.draft(ctx)
        if draft is not None:
            for key in (START, END, DAY, CONFIRMED):
                draft.pop(key, None)
        today = self.today(ctx)
        question = (
            t.gettext("Please type the date and time again, or pick a day:")
            if again
            else t.gettext(
                "When does it start? Type the date and time, for example <i>15/12 8h30</i> or <i>thứ Sáu "
                "14h</i>, or pick a day below:"
            )
        )
        await update.effective_message.reply_text(question, reply_markup=self.calendar(t, today, today))
        return self.asking

    def calendar(self, t: Translator, month: date, today: date) -> InlineKeyboardMarkup:
        """A month of day buttons, Monday first; days that cannot be picked are blank."""
        first = month.replace(day=1)
        rows = [[(t.gettext(label), self.button("x")) for label in WEEKDAYS]]
        for week in month_grid(first.year, first.month):
            rows.append(
                [
                    (str(day), self.button("d", f"{first:%Y%m}{day:02d}"))
                    if day and pickable_day(date(first.year, first.month, day), today)
                    else (" ", self.button("x"))
                    for day in week
                ]
            )
        nav = []
        if first > today.replace(day=1):
            nav.append(("«", self.button("c", f"{shift_month(first, -1):%Y%m}")))
        nav.append((t.gettext("{month}/{year}").format(month=first.month, year=first.year), self.button("x")))
        if pickable_day(shift_month(first, 1), today):
            nav.append(("»", self.button("c", f"{shift_month(first, 1):%Y%m}")))
        rows.append(nav)
        return buttons(rows)

    async def typed(self, update: Update, ctx: BotContext) -> int:
        """A typed start: a time alone after picking a day, else a date and a time."""
        draft = self.draft(ctx)
        if draft is None:
            return await lost(update, ctx)
        picked = date.fromisoformat(draft[DAY]) if DAY in draft else None
        when = typed_start(ctx, update.effective_message.text or "", picked_day=picked)
        if isinstance(when, str):
            await update.effective_message.reply_text(when)
            return self.asking
        return await self.read_back(update, ctx, when)

    async def retyped(self, update: Update, ctx: BotContext) -> int:
        """Text while the read-back waits: another date and time is read back, anything else asks for a
        button."""
        parsed = parse_datetime(
            update.effective_message.text or "", now=ctx.services.clock.now(), tz=ctx.t.tz
        )
        if isinstance(parsed, ParseError) or not parsed.date_given:
            await update.effective_message.reply_text(
                ctx.t.gettext("Please use the buttons above, or type the date and time again.")
            )
            return self.confirming
        return await self.typed(update, ctx)

    async def read_back(self, update: Update, ctx: BotContext, when: datetime) -> int:
        """Refuse a past or absurd start; otherwise read it back before going on."""
        t, draft = ctx.t, self.draft(ctx)
        assert draft is not None
        problem = start_problem(when, ctx.services.clock.now())
        if problem is not None:
            await update.effective_message.reply_text(refusal(t, problem.value))
            return self.asking
        draft[START] = when.isoformat()
        await update.effective_message.reply_text(
            t.gettext("I understood: <b>{when}</b>. Is that right?").format(when=t.datetime(when)),
            reply_markup=buttons(
                [
                    [
                        (t.gettext("✅ Yes, that is right"), self.button("y")),
                        (t.gettext("✏️ Type it again"), self.button("n")),
                    ]
                ]
            ),
        )
        return self.confirming

    async def pressed(self, update: Update, ctx: BotContext) -> int:
        """Any button of the step: month, day, time, ✅, ✏️, Skip (the end); stale ones change nothing."""
        query, t, draft = update.callback_query, ctx.t, self.draft(ctx)
        parts = callbacks.decode(query.data, self.prefix, 2)
        kind, value = parts if parts else ("", "")
        handler = {
            "wc": self.month_pressed,
            "wd": self.day_pressed,
            "wt": self.time_pressed,
            "wy": self.start_confirmed,
            "wn": self.retype_pressed,
            "ws": self.end_skipped,
        }.get(kind)
        if draft is None or handler is None:
            await answer_stale(update, t)
            return self.current(draft) if draft is not None else ConversationHandler.END
        result = await handler(update, ctx, draft, value)
        if result is None:
            await answer_stale(update, t)
            return self.current(draft)
        return result

    def current(self, draft: dict) -> int:
        """The step's state, from what the draft already holds."""
        return (
            self.ending
            if START in draft and CONFIRMED in draft
            else (self.confirming if START in draft else self.asking)
        )

    async def month_pressed(self, update: Update, ctx: BotContext, draft: dict, value: str) -> int | None:
        today = self.today(ctx)
        try:
            month = datetime.strptime(value, "%Y%m").date()
        except ValueError:
            return None
        if not pickable_day(month, today) and month > today:
            return None
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(
            self.calendar(ctx.t, max(month, today.replace(day=1)), today)
        )
        return self.current(draft)

    async def day_pressed(self, update: Update, ctx: BotContext, draft: dict, value: str) -> int | None:
        t = ctx.t
        try:
            day = datetime.strptime(value, "%Y%m%d").date()
        except ValueError:
            return None
        if not pickable_day(day, self.today(ctx)) or CONFIRMED in draft:
            return None
        draft[DAY] = day.isoformat()
        draft.pop(START, None)
        await update.callback_query.answer()
        rows = grid([(c, self.button("t", c.replace(":", ""))) for c in TIME_CHOICES], 3)
        await update.callback_query.edit_message_text(
            t.gettext("{day}: at what time? Choose below or type it (for example 8h or 13g30).").format(
                day=esc(f"{t.weekday(day)}, {t.date(day)}")
            ),
            reply_markup=buttons(rows),
        )
        return self.asking

    async def time_pressed(self, update: Update, ctx: BotContext, draft: dict, value: str) -> int | None:
        if DAY not in draft or CONFIRMED in draft:
            return None
        try:
            clock = datetime.strptime(value, "%H%M").time()
        except ValueError:
            return None
        await update.callback_query.answer()
        return await self.read_back(
            update, ctx, datetime.combine(date.fromisoformat(draft[DAY]), clock, tzinfo=ctx.t.tz)
        )

    async def retype_pressed(self, update: Update, ctx: BotContext, draft: dict, value: str) -> int | None:
        if START not in draft or CONFIRMED in draft:
            return None
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
        return await self.ask(update, ctx, again=True)

    async def start_confirmed(self, update: Update, ctx: BotContext, draft: dict, value: str) -> int | None:
        """✅: the start is kept; ask the end."""
        if START not in draft or CONFIRMED in draft:
            return None
        t, starts = ctx.t, datetime.fromisoformat(draft[START])
        if start_problem(starts, ctx.services.clock.now()) is not None:
            await update.callback_query.answer()
            await update.effective_message.reply_text(refusal(t, WhenProblem.PAST.value))
            return await self.ask(update, ctx)
        draft[CONFIRMED] = True
        await update.callback_query.answer()
        await update.callback_query.edit_message_text(
            t.gettext("Start: <b>{when}</b>").format(when=t.datetime(starts))
        )
        await update.effective_message.reply_text(
            t.gettext(
                "What time does it end? Type it, for example 10h30, or press Skip to end at {end}."
            ).format(end=t.time(starts + self.usual_length)),
            reply_markup=buttons([[(t.gettext("Skip"), self.button("s"))]]),
        )
        return self.ending

    async def end_typed(self, update: Update, ctx: BotContext) -> int:
        """The end as a clock time on the start's day: after the start, not absurdly long."""
        t, draft = ctx.t, self.draft(ctx)
        if draft is None or START not in draft:
            return await lost(update, ctx)
        starts = datetime.fromisoformat(draft[START])
        clock = parse_time(update.effective_message.text or "")
        if isinstance(clock, ParseError):
            await update.effective_message.reply_text(
                t.gettext("I could not read that time. Please type it like 10h30 or 16:00, or press Skip.")
            )
            return self.ending
        ends = end_on_start_day(starts, clock)
        problem = end_problem(starts, ends)
        if problem is WhenProblem.BEFORE_START:
            await update.effective_message.reply_text(
                t.gettext(
                    "Please type an end time after the start ({start}), for example 11h30, or press Skip."
                ).format(start=t.time(starts))
            )
            return self.ending
        if problem is not None:
            await update.effective_message.reply_text(
                t.gettext(
                    "That would last more than {hours} hours. Please check the end time, or press Skip."
                ).format(hours=t.number(MAX_LENGTH // timedelta(hours=1)))
            )
            return self.ending
        return await self.finish(update, ctx, draft, ends)

    async def end_skipped(self, update: Update, ctx: BotContext, draft: dict, value: str) -> int | None:
        if CONFIRMED not in draft or END in draft:
            return None
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
        return await self.finish(update, ctx, draft, datetime.fromisoformat(draft[START]) + self.usual_length)

    async def finish(self, update: Update, ctx: BotContext, draft: dict, ends: datetime) -> int:
        draft[END] = ends.isoformat()
        draft.pop(DAY, None)
        draft.pop(CONFIRMED, None)
        return await self.then(update, ctx)


async def lost(update: Update, ctx: BotContext) -> int:
    await update.effective_message.reply_text(
        ctx.t.gettext("I lost track of this draft. Please send the command again to start over.")
    )
    return ConversationHandler.END
