"""The '➕ Mời thêm' dialog shared by trainings and seminars: the audience picker
(handlers/audience_picker.py) offering wards, roles or chapters, then a read-back and the invitations.

Each feature plugs in what differs: its token class (an `EventPick` under its own kind, so the card's
'v1:<kind>:s:<event id>:-' keeps working), the permission, how to begin (refusals, the opening text), which
groups are already invited (ticked from the start) and what confirming does. The person is authorised on
every choice and again in the service on confirm.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.conversation.dialogs import Dialog
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, rows
from bot.conversation.router import Router, Step
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.permissions import Action, can
from handlers.audience_picker import AudienceStep, EventPick, Offer, audience_text


@dataclass(frozen=True)
class Invitable:
    """An event that can take more people: its name, who is invited now (a line of text) and as an
    audience (the wards, roles and chapters invited whole are ticked from the start)."""

    name: str
    invited_now: str
    audience: Audience


@dataclass(frozen=True)
class InviteMoreStep:
    """One feature's '➕ Mời thêm' dialog."""

    token: type[EventPick]
    action: Action
    denied: Callable[[Turn], str]
    """The refusal shown to someone who may not manage the event."""
    begin: Callable[[Turn, int], Awaitable[Invitable | str | None]]
    """Checks the event can take more people: the event, or why not (a refusal, shown as an alert), or
    None when the event is gone."""
    rules: str
    """A msgid: what inviting more does to those already invited (shown when the dialog opens)."""
    confirm: Callable[[Turn, int, Audience], Awaitable[None]]
    """Invites the added groups and edits the dialog's message with the outcome."""
    review_note: str
    """A msgid: what the newly included will receive (shown under the read-back)."""
    dialog: Dialog = field(init=False)
    picker: AudienceStep = field(init=False)

    def __post_init__(self) -> None:
        dialog = Dialog(f"invite_more_{self.token.token_kind}", timeout=timedelta(hours=2))
        picker = AudienceStep(
            dialog,
            "pick",
            self.token,
            (Offer.EVERYONE, Offer.WARDS, Offer.ROLES, Offer.CHAPTERS),
            question=self.opening,
            then=self.review,
            invited=self.invited,
        )
        object.__setattr__(self, "dialog", dialog)
        object.__setattr__(self, "picker", picker)

    def start_token(self, event_id: int) -> EventPick:
        """The '➕ Invite more' choice of an event's management card."""
        return self.token("s", event_id, "-")

    def register(self, router: Router) -> None:
        router.choice(self.token, self.pressed)
        router.dialog(self.dialog, {"pick": Step(), "review": Step()})

    async def pressed(self, turn: Turn, press: EventPick) -> None:
        """Every choice of the dialog; anyone may press any button, so the person is checked first."""
        if not can(turn.member, self.action):
            turn.toast(self.denied(turn), alert=True)
            return
        if press.action == "s":
            await self.start(turn, press.event_id)
        elif not turn.in_dialog(self.dialog) or turn.data.get("event_id") != press.event_id:
            turn.stale()
        elif press.action == "ok" and turn.step == "review":
            added = Audience.from_json(turn.data["added"], legacy="training")
            turn.end()
            await self.confirm(turn, press.event_id, added)
        elif press.action == "x":
            turn.end()
            turn.edit(turn.t.gettext("Stopped. Nobody more was invited."))
        else:
            await self.picker.pressed(turn, press)

    async def start(self, turn: Turn, event_id: int) -> None:
        """The opening text with the kinds of people that can be added."""
        event = await self.begin(turn, event_id)
        if not isinstance(event, Invitable):
            if event is None:
                turn.stale()
            else:
                turn.toast(event, alert=True)
            return
        t = turn.t
        opening = (
            t.gettext("<b>Invite more people: {name}</b>").format(name=esc(event.name))
            + f"\n{event.invited_now}\n\n"
            + t.gettext(self.rules)
        )
        turn.begin(self.dialog, "pick", event_id=event_id, opening=opening, invited=event.audience.to_dict())
        await self.picker.ask(turn)

    async def opening(self, turn: Turn, _added: Audience) -> str:
        return str(turn.data["opening"])

    async def invited(self, turn: Turn) -> Audience:
        return Audience.from_json(turn.data["invited"], legacy="training")

    async def review(self, turn: Turn, added: Audience) -> None:
        """Read the addition back before anyone is invited."""
        t, event_id = turn.t, turn.data["event_id"]
        turn.goto("review", added=added.to_dict())
        turn.edit(
            t.gettext("Also invite: <b>{audience}</b>?").format(audience=await audience_text(turn, t, added))
            + "\n"
            + t.gettext(self.review_note),
            choices=rows(
                [
                    Choice(t.gettext("📣 Send the invitations"), self.token("ok", event_id, "-")),
                    Choice(t.gettext("✖️ Stop"), self.token("x", event_id, "-")),
                ]
            ),
        )
