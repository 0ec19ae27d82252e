"""The one audience picker: choosing who receives something (`bot.core.audience.Audience`).

Creating a training (handlers/attendance/create.py) or a seminar (handlers/seminars/create.py), /broadcast
(handlers/broadcasts) and '➕ Mời thêm' (handlers/invite_more_step.py) pick their recipients here. An
`AudienceStep` plugs the picker into a dialog, as `WhenStep` does for a date; each use says what it offers
(`Offer`: everyone, wards, roles, chapters, people by name, the people of a seminar, a training or an earlier
broadcast), which lists its first screen ticks in place, how the ticks combine, and what Done does.

Screens: the first one (the use's question, its inline lists, a choice per other offer, Done once something
is ticked) → one list to tick (wards, roles, one ward's chapters, the people a typed name finds) or one event
to pick → Done. The ticks are kept in the dialog's data, so a restart continues where the person stood.
Each use has its own token kind (a `Pick` or, in a dialog about one event, an `EventPick` subclass), so a
choice reaches that use's dialog only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from bot.conversation.dialogs import Dialog
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, Choices, grid, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token
from bot.conversation.turn import Turn
from bot.core.audience import EVERYONE, NOBODY, Audience, EventKind
from bot.core.models import Member, Role
from bot.i18n import N_, Translator
from bot.views.labels import role_label

TICK = "✅ "
PICKED = "picked"
"""The dialog data key of the ticks: {"w": ward ids, "r": role values, "c": chapter ids, "m": member ids,
"on": the event list shown}."""
Lines = list[list[Choice]]


class Offer(StrEnum):
    """What a picker can offer; its value names it in the choices ('a:<value>')."""

    EVERYONE = "all"
    WARDS = "w"
    ROLES = "r"
    CHAPTERS = "c"
    PEOPLE = "m"
    SEMINAR = "seminar"
    TRAINING = "training"
    UNACKED = "unacked"


EVENTS = {
    Offer.SEMINAR: EventKind.SEMINAR,
    Offer.TRAINING: EventKind.TRAINING,
    Offer.UNACKED: EventKind.UNACKED,
}
LABELS = {
    Offer.EVERYONE: N_("Everyone"),
    Offer.WARDS: N_("Some wards"),
    Offer.ROLES: N_("Some roles"),
    Offer.CHAPTERS: N_("Some chapters"),
    Offer.PEOPLE: N_("👤 Add a person by name"),
    Offer.SEMINAR: N_("Invitees of a seminar"),
    Offer.TRAINING: N_("Registrants of a training"),
    Offer.UNACKED: N_("Who has not acknowledged a broadcast"),
}
TOGGLES = {"tw": "w", "tr": "r", "tc": "c", "tm": "m"}
"""Toggle actions and the list of ticks each one changes."""
PickAction = Literal["a", "tw", "tr", "tc", "tm", "cw", "e"]


@dataclasses.dataclass(frozen=True)
class Pick(Token):
    """A picker choice, 'v1:<use>:<action>:<value>': 'a' opens what an `Offer` value names, or goes back
    ('home') or finishes ('done'); 'tw'/'tr'/'tc'/'tm' tick or untick a ward, role, chapter or person; 'cw'
    lists one ward's chapters; 'e' picks one event's people. Each use registers a subclass under its kind."""

    action: PickAction
    value: str


@dataclasses.dataclass(frozen=True)
class EventPick(Token):
    """A picker choice in a dialog about one event, 'v1:<use>:<action>:<event id>:<value>', with that dialog's
    own 's' (start), 'ok' (confirm) and 'x' (stop)."""

    action: Literal["a", "tw", "tr", "tc", "tm", "cw", "e", "s", "ok", "x"]
    event_id: int
    value: str


async def ward_options(turn: Turn) -> list[tuple[int, str]]:
    """(id, name) of every ward, in the organisation's order."""
    return [(w.id, w.name) for w in await turn.services.org.wards()]


def role_options(t: Translator, roles: Iterable[Role] = tuple(Role)) -> list[tuple[Role, str]]:
    """(role, label) of each role offered."""
    return [(r, role_label(t, r)) for r in roles]


async def chapter_options(turn: Turn, ward_id: int | None) -> list[tuple[int, str]]:
    """(id, name) of one ward's chapters."""
    return [(c.id, c.name) for c in await turn.services.org.chapters(ward_id)]


def toggles(
    options: Sequence[tuple[object, str]],
    ticked: Collection[object],
    make: Callable[[Any], Token],
    *,
    per_row: int,
    tick: str = TICK,
) -> Lines:
    """One choice per option, `per_row` to a line, the ticked ones marked."""
    return [
        list(line)
        for line in grid(
            [Choice((tick if key in ticked else "") + label, make(key)) for key, label in options], per_row
        )
    ]


def as_id(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


async def audience_text(turn: Turn, t: Translator, audience: Audience) -> str:
    """'everyone' or the chosen wards, roles and chapters by name."""
    if audience.everyone:
        return t.gettext("everyone")
    org = turn.services.org
    names = [w.name for w in await org.wards() if w.id in audience.ward_ids]
    names += [role_label(t, r) for r in audience.roles]
    for chapter_id in audience.chapter_ids:
        chapter = await org.chapter(chapter_id)
        ward = await org.ward(chapter.ward_id) if chapter else None
        if chapter:
            names.append(f"{chapter.name} ({ward.name if ward else ''})")
    return esc(", ".join(names))


Question = Callable[[Turn, Audience], Awaitable[str]]
Then = Callable[[Turn, Audience], Awaitable[None]]


def asking(msgid: str) -> Question:
    """A first screen whose question does not change with the ticks."""

    async def question(turn: Turn, _audience: Audience) -> str:
        return turn.t.gettext(msgid)

    return question


@dataclass(frozen=True)
class AudienceStep:
    """The picker inside one dialog, at the step `picking` (and `naming`, where a name is typed)."""

    dialog: Dialog
    picking: str
    token: type[Pick] | type[EventPick]
    offers: tuple[Offer, ...]
    question: Question
    """The first screen's text, given the audience ticked so far."""
    then: Then
    """Goes on with the chosen audience (never empty), or answers why not and leaves the picker as it is."""
    inline: tuple[Offer, ...] = ()
    """Lists ticked on the first screen itself (a seminar's roles and wards)."""
    together: bool = False
    """The ticks mean these roles in these places, plus the people named (a seminar's); otherwise anyone in
    any of them."""
    roles: tuple[Role, ...] = tuple(Role)
    naming: str | None = None
    search: Callable[[Turn, str], Awaitable[list[Member] | None]] | None = None
    """With Offer.PEOPLE: the active members a typed name finds (None: too short or too long to search)."""
    events: Callable[[Turn, Offer], Awaitable[list[tuple[int, str]]]] | None = None
    """With the event offers: (id, title) of the events this person may pick."""
    invited: Callable[[Turn], Awaitable[Audience | None]] | None = None
    """Who is invited already: ticked from the start, never unticked (None: the event is gone)."""
    confined: Callable[[Turn], int | None] | None = None
    """The one ward this person may reach (a ward lead's broadcast): no list of wards, its chapters only."""
    footer: Callable[[Translator], list[Choice]] | None = None
    """A last line under every screen (a ✖ Cancel)."""

    @property
    def steps(self) -> tuple[str, ...]:
        return (self.picking, self.naming) if self.naming else (self.picking,)

    def attach(self, router: Router) -> None:
        """Route the use's choices to this step (a dialog about one event routes them itself)."""
        if issubclass(self.token, Pick):
            router.choice(self.token, self.pressed, dialog=self.dialog, steps=self.steps)
        if self.naming:
            router.dialog(self.dialog, {self.naming: Step(text=self.name_typed)})

    async def ask(self, turn: Turn, *, edit: bool = False) -> None:
        """Start picking (nothing ticked): the first screen, as a new message unless `edit`."""
        turn.goto(self.picking, **{PICKED: {}})
        await self.show_home(turn, new=not edit)

    # the ticks

    def picked(self, turn: Turn) -> dict[str, Any]:
        stored = turn.data.get(PICKED) or {}
        return {key: list(stored.get(key, ())) for key in TOGGLES.values()} | {"on": stored.get("on")}

    def audience(self, picked: dict[str, Any]) -> Audience:
        roles = [Role(r) for r in picked["r"]]
        if self.together:
            return Audience.of(
                roles=roles, ward_ids=picked["w"], chapter_ids=picked["c"], member_ids=picked["m"]
            )
        return Audience.any_of(ward_ids=picked["w"], roles=roles, chapter_ids=picked["c"]).with_members(
            picked["m"]
        )

    async def already(self, turn: Turn) -> Audience | None:
        return await self.invited(turn) if self.invited else NOBODY

    def ward_of(self, turn: Turn) -> int | None:
        return self.confined(turn) if self.confined else None

    # choices

    def make(self, turn: Turn, action: str, value: object) -> Token:
        if issubclass(self.token, EventPick):
            return self.token(action, turn.data["event_id"], str(value))  # type: ignore[arg-type]
        return self.token(action, str(value))  # type: ignore[arg-type]

    async def pressed(self, turn: Turn, press: Pick | EventPick) -> None:
        """Any choice of the picker; stale when the dialog is elsewhere or the value names nothing."""
        if turn.step not in self.steps:
            turn.stale()
            return
        if press.action == "a":
            await self.opened(turn, press.value)
        elif press.action in TOGGLES and self.offered(turn, Offer(TOGGLES[press.action])):
            await self.toggled(turn, TOGGLES[press.action], press.value)
        elif press.action == "cw" and self.offered(turn, Offer.CHAPTERS):
            await self.show_chapters(turn, as_id(press.value))
        elif press.action == "e":
            await self.event_picked(turn, as_id(press.value))
        else:
            turn.stale()

    async def opened(self, turn: Turn, value: str) -> None:
        if value == "home":
            await self.show_home(turn)
        elif value == "done":
            await self.finish(turn, self.audience(self.picked(turn)))
        elif value not in {o.value for o in self.offers} or not self.offered(turn, Offer(value)):
            turn.stale()
        elif value == Offer.EVERYONE:
            await self.finish(turn, EVERYONE)
        elif value in (Offer.WARDS, Offer.ROLES):
            await self.show_list(turn, value)
        elif value == Offer.CHAPTERS:
            await self.show_chapters(turn, self.ward_of(turn))
        elif value == Offer.PEOPLE and self.naming:
            turn.goto(self.naming)
            turn.reply(turn.t.gettext("Type part of the person's name (accents optional)."))
        else:
            await self.show_events(turn, Offer(value))

    async def toggled(self, turn: Turn, key: str, value: str) -> None:
        """Tick or untick one ward, role, chapter or person, then show that list again."""
        item = await self.checked(turn, key, value)
        invited = await self.already(turn)
        if item is None or invited is None:
            turn.stale()
            return
        ward_ids, roles, chapter_ids = invited.whole_groups()
        if item in {"w": ward_ids, "r": roles, "c": chapter_ids, "m": ()}[key]:
            turn.toast(
                turn.t.gettext("Already invited: people cannot be removed from the invitation."), alert=True
            )
            return
        picked = self.picked(turn)
        raw = item.value if isinstance(item, Role) else item
        chosen = picked[key]
        if raw in chosen:
            chosen.remove(raw)
        else:
            chosen.append(raw)
        turn.goto(self.picking, **{PICKED: picked})
        if key == "c":
            chapter = await turn.services.org.chapter(int(value))
            await self.show_chapters(turn, chapter.ward_id if chapter else None)
        elif key == "m" or Offer(key) in self.inline:
            await self.show_home(turn)
        else:
            await self.show_list(turn, key)

    async def checked(self, turn: Turn, key: str, value: str) -> object | None:
        """The ward id, role, chapter id or member id a toggle names, if it names one this picker offers."""
        if key == "r":
            return next((r for r in self.roles if r.value == value), None)
        item_id, org = as_id(value), turn.services.org
        if item_id is None:
            return None
        if key == "w":
            return item_id if await org.ward(item_id) else None
        if key == "c":
            chapter = await org.chapter(item_id)
            confined = self.ward_of(turn)
            return item_id if chapter and confined in (None, chapter.ward_id) else None
        return item_id if await turn.services.notices.recipient(item_id) else None

    async def event_picked(self, turn: Turn, event_id: int | None) -> None:
        on = self.picked(turn)["on"]
        if event_id is None or on not in {o.value for o in EVENTS}:
            turn.stale()
            return
        await self.finish(turn, Audience.of_event(EVENTS[Offer(on)], event_id))

    async def finish(self, turn: Turn, audience: Audience) -> None:
        if audience.empty:
            empty = (
                N_("Choose at least one, or press Everyone.")
                if Offer.EVERYONE in self.offers
                else N_("Choose at least one.")
            )
            turn.toast(turn.t.gettext(empty), alert=True)
            return
        await self.then(turn, audience)

    # screens

    def offered(self, turn: Turn, offer: Offer) -> bool:
        return offer in self.offers and not (offer is Offer.WARDS and self.ward_of(turn) is not None)

    def label(self, turn: Turn, offer: Offer) -> str:
        if offer is Offer.EVERYONE and self.ward_of(turn) is not None:
            return turn.t.gettext("Everyone in my ward")
        return turn.t.gettext(LABELS[offer])

    async def show_home(self, turn: Turn, *, new: bool = False) -> None:
        """The question, the inline lists, a choice per other offer, and Done once something is ticked."""
        picked = self.picked(turn)
        lines: Lines = []
        for offer in self.inline:
            lines += await self.toggle_lines(turn, offer.value, picked)
        listed = [o for o in self.offers if o not in self.inline and self.offered(turn, o)]
        offered = [Choice(self.label(turn, o), self.make(turn, "a", o)) for o in listed]
        lines += [list(line) for line in grid(offered)]
        audience = self.audience(picked)
        if self.inline or not audience.empty:
            lines.append([self.done_choice(turn)])
        self.show(turn, await self.question(turn, audience), lines, new=new)

    async def show_list(self, turn: Turn, key: str) -> None:
        """The wards or the roles to tick."""
        lines = await self.toggle_lines(turn, key, self.picked(turn))
        self.show(turn, self.tap_text(turn), [*lines, self.back_line(turn, done=True)])

    async def show_chapters(self, turn: Turn, ward_id: int | None) -> None:
        """One ward's chapters to tick, or (no ward yet) the wards to choose from."""
        t = turn.t
        if ward_id is None:
            lines = toggles(await ward_options(turn), (), lambda w: self.make(turn, "cw", w), per_row=3)
            self.show(turn, t.gettext("Chapters of which ward?"), [*lines, self.back_line(turn)])
            return
        if await turn.services.org.ward(ward_id) is None or self.ward_of(turn) not in (None, ward_id):
            turn.stale()
            return
        lines = await self.toggle_lines(turn, "c", self.picked(turn), ward_id=ward_id)
        if self.ward_of(turn) is None:
            lines.append([Choice(t.gettext("« Other wards"), self.make(turn, "a", Offer.CHAPTERS))])
        self.show(turn, self.tap_text(turn), [*lines, self.back_line(turn, done=True)])

    async def show_events(self, turn: Turn, offer: Offer) -> None:
        """The seminars, trainings or earlier broadcasts whose people may be picked."""
        t = turn.t
        events = await self.events(turn, offer) if self.events else []
        if not events:
            turn.toast(t.gettext("There is nothing to choose from yet."), alert=True)
            return
        turn.goto(self.picking, **{PICKED: self.picked(turn) | {"on": offer.value}})
        lines = [[Choice(title[:60], self.make(turn, "e", event_id))] for event_id, title in events]
        self.show(turn, t.gettext("Which one?"), [*lines, self.back_line(turn)])

    async def toggle_lines(
        self, turn: Turn, key: str, picked: dict[str, Any], *, ward_id: int | None = None
    ) -> Lines:
        """The toggles of one list, ticked where picked or invited already."""
        invited = await self.already(turn) or NOBODY
        ward_ids, roles, chapter_ids = invited.whole_groups()
        action = {v: k for k, v in TOGGLES.items()}[key]

        def make(value: object) -> Token:
            return self.make(turn, action, value.value if isinstance(value, Role) else value)

        if key == "w":
            return toggles(await ward_options(turn), {*picked["w"], *ward_ids}, make, per_row=3)
        if key == "r":
            ticked = {*(Role(r) for r in picked["r"]), *roles}
            return toggles(role_options(turn.t, self.roles), ticked, make, per_row=2)
        options = await chapter_options(turn, ward_id)
        return toggles(options, {*picked["c"], *chapter_ids}, make, per_row=1)

    def tap_text(self, turn: Turn) -> str:
        if self.invited:
            return turn.t.gettext(
                "Tap to select or unselect, then press Done. Ticked from the start: already invited."
            )
        return turn.t.gettext("Tap to select or unselect, then press Done.")

    def done_choice(self, turn: Turn) -> Choice:
        return Choice(turn.t.gettext("✔️ Done"), self.make(turn, "a", "done"))

    def back_line(self, turn: Turn, *, done: bool = False) -> list[Choice]:
        back = Choice(turn.t.gettext("« Back"), self.make(turn, "a", "home"))
        return [back, self.done_choice(turn)] if done else [back]

    def show(self, turn: Turn, text: str, lines: Lines, *, new: bool = False) -> None:
        if self.footer:
            lines = [*lines, self.footer(turn.t)]
        choices: Choices = rows(*lines)
        if new:
            turn.reply(text, choices=choices)
        else:
            turn.edit(text, choices=choices)

    # people by name

    async def name_typed(self, turn: Turn) -> None:
        """The people a typed name finds, each a choice (ticking them goes back to the first screen)."""
        found = await found_people(turn, await self.search(turn, turn.text) if self.search else None)
        if found is None:
            return
        turn.goto(self.picking)
        turn.reply(
            turn.t.gettext("Tap the person to invite:"),
            choices=rows(*([Choice(m.full_name, self.make(turn, "tm", m.id))] for m in found)),
        )


async def found_people(turn: Turn, found: list[Member] | None) -> list[Member] | None:
    """The members a name search found, or None after saying why there are none to choose from."""
    t = turn.t
    if found is None:
        turn.reply(t.gettext("Please type between 2 and 80 letters of the name."))
        return None
    if not found:
        turn.reply(
            t.gettext("No active member matches «{query}». Type another part of the name.").format(
                query=esc(turn.text)
            )
        )
        return None
    return found
