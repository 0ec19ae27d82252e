"""The '➕ Mời thêm' dialog shared by trainings and seminars: pick wards, roles or chapters, read back,
confirm.

Each feature plugs in what differs: its callback prefix, the permission, how to begin (refusals, the opening
text), which groups are already invited (ticked from the start) and what confirming does. Buttons:
v1:<prefix>:<kind>:<event id>:<value>; the choice in progress is kept in user_data, and the presser is
authorised on every press and again in the service on confirm.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.core.attendance import Audience
from bot.core.permissions import Action, can
from handlers import callbacks
from handlers.attendance.audience_picker import (
    ALREADY,
    audience_text,
    kind_rows,
    new_selection,
    pick,
    selected_audience,
)
from handlers.registry import N_
from handlers.render import answer_stale, buttons

ButtonData = Callable[[str, object], str]


@dataclass(frozen=True)
class InviteMoreStep:
    """One feature's '➕ Mời thêm' dialog."""

    prefix: str
    state_key: str
    action: Action
    denied: Callable[[BotContext], str]
    """The refusal shown to someone who may not manage the event."""
    begin: Callable[[Update, BotContext, int], Awaitable[str | None]]
    """Checks the event can take more people; returns the opening text, or None after answering the
    refusal."""
    invited: Callable[[BotContext, int], Awaitable[Audience | None]]
    """The groups already invited whole (ticked from the start); None when the event is gone."""
    confirm: Callable[[Update, BotContext, int, Audience], Awaitable[None]]
    """Invites the added groups and edits the dialog's message with the outcome."""
    review_note: str
    """A msgid: what the newly included will receive (shown under the read-back)."""

    def data(self, event_id: int) -> ButtonData:
        """Callback data of one event's dialog buttons."""

        def data(kind: str, value: object) -> str:
            return callbacks.encode(self.prefix, kind, event_id, value)

        return data

    def register(self, app: Application) -> None:
        app.add_handler(CallbackQueryHandler(self.pressed, pattern=callbacks.pattern(self.prefix)))

    async def pressed(self, update: Update, ctx: BotContext) -> None:
        """Every button of the dialog; anyone may press any button, so the presser is checked first."""
        query, t = update.callback_query, ctx.t
        parts = callbacks.decode(query.data, self.prefix, 3)
        event_id = callbacks.parse_int(parts[1]) if parts else None
        if parts is None or event_id is None:
            await answer_stale(update, t)
            return
        if not can(ctx.member, self.action):
            await query.answer(self.denied(ctx), show_alert=True)
            return
        kind, value = parts[0], parts[2]
        if kind == "s":
            await self.start(update, ctx, event_id)
            return
        state = ctx.user_data.get(self.state_key)
        if not state or state["id"] != event_id:
            await answer_stale(update, t)
            return
        if kind == "ok":
            ctx.user_data.pop(self.state_key, None)
            await query.answer()
            await self.confirm(update, ctx, event_id, selected_audience(state["selection"]))
        elif kind == "x":
            ctx.user_data.pop(self.state_key, None)
            await query.answer()
            await query.edit_message_text(t.gettext("Stopped. Nobody more was invited."))
        elif kind == "a" and value in ("all", "done"):
            await self.review(update, ctx, state, everyone=value == "all")
        else:
            await self.choose(update, ctx, state, kind, value)

    async def start(self, update: Update, ctx: BotContext, event_id: int) -> None:
        """The opening text with the kinds of people that can be added."""
        opening = await self.begin(update, ctx, event_id)
        if opening is None:
            return
        ctx.user_data[self.state_key] = {"id": event_id, "selection": new_selection()}
        await update.callback_query.answer()
        await update.effective_message.reply_text(
            opening, reply_markup=buttons(kind_rows(ctx.t, self.data(event_id)))
        )

    async def choose(self, update: Update, ctx: BotContext, state: dict, kind: str, value: str) -> None:
        """A list of wards, roles or chapters, or one of them ticked / unticked."""
        query, t = update.callback_query, ctx.t
        invited = await self.invited(ctx, state["id"])
        if invited is None:
            await answer_stale(update, t)
            return
        rows = await pick(ctx, state["selection"], kind, value, self.data(state["id"]), invited=invited)
        if rows == ALREADY:
            await query.answer(
                t.gettext("Already invited: people cannot be removed from the invitation."), show_alert=True
            )
            return
        if not isinstance(rows, list):
            await answer_stale(update, t)
            return
        await query.answer()
        await query.edit_message_text(
            t.gettext("Tap to select or unselect, then press Done. Ticked from the start: already invited."),
            reply_markup=buttons(rows),
        )

    async def review(self, update: Update, ctx: BotContext, state: dict, *, everyone: bool) -> None:
        """Read the addition back before anyone is invited."""
        query, t = update.callback_query, ctx.t
        if everyone:
            state["selection"] = {"all": True}
        added = selected_audience(state["selection"])
        if added.empty:
            await query.answer(t.gettext(EMPTY_CHOICE), show_alert=True)
            return
        await query.answer()
        data = self.data(state["id"])
        await query.edit_message_text(
            t.gettext("Also invite: <b>{audience}</b>?").format(audience=await audience_text(ctx, t, added))
            + "\n"
            + t.gettext(self.review_note),
            reply_markup=buttons(
                [
                    [
                        (t.gettext("📣 Send the invitations"), data("ok", "-")),
                        (t.gettext("✖️ Stop"), data("x", "-")),
                    ]
                ]
            ),
        )


EMPTY_CHOICE = N_("Choose at least one, or press Everyone.")
