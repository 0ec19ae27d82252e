"""The '➕ Mời thêm' dialog shared by trainings and seminars: pick wards, roles or chapters, confirm.

Each feature plugs in what differs: its token kind, the permission, how to begin (refusals, the opening text),
which groups are already invited (ticked from the start) and what confirming does. Choices carry the event id
(`v1:<kind>:<action>:<event id>:<value>`); the choice in progress is kept in the dialog's data, and the person
is authorised on every choice and again in the service on confirm.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from bot.conversation.dialogs import Dialog
from bot.conversation.replies import Choice, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.permissions import Action, can
from bot.i18n import N_
from handlers.audience_picker import (
    ALREADY,
    as_choices,
    audience_text,
    kind_lines,
    new_selection,
    pick,
    selected_audience,
)

EMPTY_CHOICE = N_("Choose at least one, or press Everyone.")
InviteAction = Literal["s", "ok", "x", "a", "tw", "tr", "tc", "cw"]


def invite_token(kind: str) -> type[Token]:
    """The token class of one feature's dialog (its own kind keeps old buttons meaningful)."""

    @token(kind)
    class InvitePress(Token):
        """s: start; a/tw/tr/tc/cw: lists and toggles; ok: send the invitations; x: stop."""

        action: InviteAction
        event_id: int
        value: str

    return InvitePress


@dataclass(frozen=True)
class InviteMoreStep:
    """One feature's '➕ Mời thêm' dialog."""

    kind: str
    action: Action
    denied: Callable[[Turn], str]
    """The refusal shown to someone who may not manage the event."""
    begin: Callable[[Turn, int], Awaitable[str | None]]
    """Checks the event can take more people; the opening text, or None after answering the refusal."""
    invited: Callable[[Turn, int], Awaitable[Audience | None]]
    """Who is invited now (the wards, roles and chapters invited whole are ticked from the start); None when
    the event is gone."""
    confirm: Callable[[Turn, int, Audience], Awaitable[None]]
    """Invites the added groups and edits the dialog's message with the outcome."""
    review_note: str
    """A msgid: what the newly included will receive (shown under the read-back)."""
    token_class: type[Token] = field(init=False)
    dialog: Dialog = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "token_class", invite_token(self.kind))
        object.__setattr__(self, "dialog", Dialog(f"invite_more_{self.kind}", timeout=timedelta(hours=2)))

    def start_token(self, event_id: int) -> Token:
        """The '➕ Invite more' choice of an event's management card."""
        return self.token_class("s", event_id, "-")  # type: ignore[call-arg]

    def make(self, event_id: int) -> Callable[[str, object], Token]:
        def make(action: str, value: object) -> Token:
            return self.token_class(action, event_id, str(value))  # type: ignore[call-arg]

        return make

    def register(self, router: Router) -> None:
        router.choice(self.token_class, self.pressed)
        router.dialog(self.dialog, {"pick": Step()})

    async def pressed(self, turn: Turn, press: Token) -> None:
        """Every choice of the dialog; anyone may press any button, so the person is checked first."""
        action, event_id, value = press.action, press.event_id, press.value  # type: ignore[attr-defined]
        if not can(turn.member, self.action):
            turn.toast(self.denied(turn), alert=True)
            return
        if action == "s":
            await self.start(turn, event_id)
            return
        if not turn.in_dialog(self.dialog) or turn.data.get("event_id") != event_id:
            turn.stale()
            return
        t = turn.t
        if action == "ok":
            selection = turn.data["selection"]
            turn.end()
            await self.confirm(turn, event_id, selected_audience(selection))
        elif action == "x":
            turn.end()
            turn.edit(t.gettext("Stopped. Nobody more was invited."))
        elif action == "a" and value in ("all", "done"):
            await self.review(turn, everyone=value == "all")
        else:
            await self.choose(turn, action, value)

    async def start(self, turn: Turn, event_id: int) -> None:
        """The opening text with the kinds of people that can be added."""
        opening = await self.begin(turn, event_id)
        if opening is None:
            return
        turn.begin(self.dialog, "pick", event_id=event_id, selection=new_selection())
        turn.reply(opening, choices=as_choices(kind_lines(turn.t, self.make(event_id))))

    async def choose(self, turn: Turn, action: str, value: str) -> None:
        """A list of wards, roles or chapters, or one of them ticked / unticked."""
        t, event_id = turn.t, turn.data["event_id"]
        invited = await self.invited(turn, event_id)
        if invited is None:
            turn.stale()
            return
        selection = turn.data["selection"]
        lines = await pick(turn, selection, action, value, self.make(event_id), invited=invited)
        if lines == ALREADY:
            turn.toast(
                t.gettext("Already invited: people cannot be removed from the invitation."), alert=True
            )
            return
        if not isinstance(lines, list):
            turn.stale()
            return
        turn.update(selection=selection)
        turn.edit(
            t.gettext("Tap to select or unselect, then press Done. Ticked from the start: already invited."),
            choices=as_choices(lines),
        )

    async def review(self, turn: Turn, *, everyone: bool) -> None:
        """Read the addition back before anyone is invited."""
        t = turn.t
        selection = {"all": True} if everyone else turn.data["selection"]
        added = selected_audience(selection)
        if added.empty:
            turn.toast(t.gettext(EMPTY_CHOICE), alert=True)
            return
        turn.update(selection=selection)
        make = self.make(turn.data["event_id"])
        turn.edit(
            t.gettext("Also invite: <b>{audience}</b>?").format(audience=await audience_text(turn, t, added))
            + "\n"
            + t.gettext(self.review_note),
            choices=rows(
                [
                    Choice(t.gettext("📣 Send the invitations"), make("ok", "-")),
                    Choice(t.gettext("✖️ Stop"), make("x", "-")),
                ]
            ),
        )
