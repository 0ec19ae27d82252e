"""/training_new: organisers create a training session in chat — title, time (typed or picked, read back),
venue, audience, seats, description — read back before it is saved and the invitations go out.

Where the organiser stands is kept in the database (dialog `training_new`): a restart in the middle loses
nothing. A draft left alone for an hour ends; the next message says so and nothing is saved. The invitations
are queued in the turn that saves the session.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from bot.conversation.dialogs import Dialog
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.attendance import Outcome, TrainingDraft
from bot.core.attendance.rules import DEFAULT_LENGTH, MAX_CAPACITY, MAX_DESCRIPTION, MAX_TITLE, MAX_VENUE
from bot.core.audience import Audience
from bot.core.parsing import ParseError, parse_count
from bot.core.permissions import Action, can
from bot.i18n import N_
from bot.views.attendance.texts import card
from handlers.attendance.common import manage_open_choice, queue_invitations
from handlers.audience_picker import AudienceStep, Offer, Pick, asking, audience_text
from handlers.text_steps import skipping, text_step, use_the_buttons
from handlers.when_step import WhenStep

TRAINING_NEW = Dialog(
    "training_new",
    timeout=timedelta(hours=1),
    expired=N_("I lost track of this session draft. Please send /training_new to start again."),
    cancelled=N_("Stopped. Nothing was saved."),
)


@token("tn:a")
class AudiencePress(Pick):
    """The audience picker's choices (handlers/audience_picker.py)."""


@token("tn:skip")
class SkipPress(Token):
    """Skip the number of seats (no limit) or the description."""

    what: Literal["capacity", "description"]


@token("tn:r")
class ReviewPress(Token):
    answer: Literal["save", "x"]


async def start(turn: Turn) -> None:
    """/training_new: organisers only."""
    t = turn.t
    if not can(turn.member, Action.MANAGE_TRAINING):
        turn.reply(t.gettext("Only the organisers can create training sessions."))
        return
    turn.begin(TRAINING_NEW, "title")
    turn.reply(
        t.gettext(
            "<b>New training session</b> (send /cancel at any time to stop)\n\nWhat is the title of the "
            "session?"
        )
    )


async def ask_venue(turn: Turn) -> None:
    turn.goto("venue")
    turn.reply(turn.t.gettext("Where? Type the venue (for example: Hội trường UBND Phường 1)."))


WHEN = WhenStep(TRAINING_NEW, usual_length=DEFAULT_LENGTH, then=ask_venue)


async def audience_chosen(turn: Turn, audience: Audience) -> None:
    t = turn.t
    turn.edit(t.gettext("Invited: {audience}").format(audience=await audience_text(turn, t, audience)))
    turn.goto("capacity", audience=audience.to_dict())
    turn.reply(
        t.gettext("How many seats are there? Type a number, or press Skip if there is no limit."),
        choices=rows([Choice(t.gettext("Skip"), SkipPress("capacity"))]),
    )


AUDIENCE = AudienceStep(
    TRAINING_NEW,
    "audience",
    AudiencePress,
    (Offer.EVERYONE, Offer.WARDS, Offer.ROLES, Offer.CHAPTERS),
    question=asking(N_("Who is invited?")),
    then=audience_chosen,
)


async def capacity_typed(turn: Turn) -> None:
    t = turn.t
    count = parse_count(turn.text, max_value=MAX_CAPACITY)
    if isinstance(count, ParseError) or count < 1:
        turn.reply(
            t.gettext("Please type a number of seats between 1 and {max}, or press Skip.").format(
                max=t.number(MAX_CAPACITY)
            )
        )
        return
    turn.update(capacity=count)
    await ask_description(turn)


async def ask_description(turn: Turn) -> None:
    t = turn.t
    turn.goto("description")
    turn.reply(
        t.gettext("Add a short description (programme, what to bring), or press Skip."),
        choices=rows([Choice(t.gettext("Skip"), SkipPress("description"))]),
    )


def to_draft(data: dict) -> TrainingDraft:
    return TrainingDraft(
        data["title"],
        datetime.fromisoformat(data["starts_at"]),
        datetime.fromisoformat(data["ends_at"]),
        data["venue"],
        Audience.from_json(data["audience"], legacy="training"),
        data.get("capacity"),
        data.get("description"),
    )


async def review(turn: Turn) -> None:
    """Everything read back, time included, before saving."""
    t = turn.t
    turn.goto("review")
    session = to_draft(turn.data)
    lines = [
        t.gettext("<b>Please check before saving:</b>"),
        esc(session.title),
        t.gettext("🕗 {when}").format(
            when=t.gettext("{start}–{end}").format(
                start=t.datetime(session.starts_at), end=t.time(session.ends_at)
            )
        ),
        t.gettext("📍 {venue}").format(venue=esc(session.venue)),
        t.gettext("Invited: {audience}").format(audience=await audience_text(turn, t, session.audience)),
        t.gettext("Seats: {capacity}").format(
            capacity=t.number(session.capacity) if session.capacity else t.gettext("no limit")
        ),
    ]
    if session.description:
        lines.append(esc(session.description))
    turn.reply(
        "\n".join(lines),
        choices=rows(
            [
                Choice(t.gettext("💾 Save and invite"), ReviewPress("save")),
                Choice(t.gettext("✖️ Discard"), ReviewPress("x")),
            ]
        ),
    )


async def review_pressed(turn: Turn, press: ReviewPress) -> None:
    """Save (and queue the invitations in the same turn), or discard."""
    t = turn.t
    data = turn.data
    turn.end()
    if press.answer == "x":
        turn.edit(t.gettext("Discarded. Nothing was saved."))
        return
    result = await turn.services.attendance.create(turn.member, to_draft(data))
    training = result.training
    if result.outcome is not Outcome.OK or training is None:
        turn.edit(
            t.gettext(
                "The session could not be saved: its start must still be in the future. Please send "
                "/training_new to start again."
            )
            if result.outcome is Outcome.INVALID
            else t.gettext("Only the organisers can create training sessions.")
        )
        return
    await queue_invitations(turn, training, result.notify)
    turn.edit(
        t.ngettext(
            "✅ Saved. The invitation is being sent to {count} member.",
            "✅ Saved. The invitation is being sent to {count} members.",
            len(result.notify),
        ).format(count=t.number(len(result.notify)))
        + "\n\n"
        + card(t, training),
        choices=rows([manage_open_choice(t, training)]),
    )


def register(router: Router) -> None:
    router.command("training_new", start)
    WHEN.attach(router)
    router.dialog(
        TRAINING_NEW,
        {
            "title": text_step(
                "title", MAX_TITLE, N_("Please type a title of at most {limit} characters."), WHEN.ask
            ),
            "venue": text_step(
                "venue", MAX_VENUE, N_("Please type a venue of at most {limit} characters."), AUDIENCE.ask
            ),
            "audience": Step(text=use_the_buttons),
            "capacity": Step(text=capacity_typed),
            "description": text_step(
                "description",
                MAX_DESCRIPTION,
                N_("Please keep the description under {limit} characters, or press Skip."),
                review,
            ),
            "review": Step(text=use_the_buttons),
        },
    )
    AUDIENCE.attach(router)
    skipped = skipping({"capacity": ask_description, "description": review})
    router.choice(SkipPress, skipped, dialog=TRAINING_NEW, steps=("capacity", "description"))
    router.choice(ReviewPress, review_pressed, dialog=TRAINING_NEW, steps=("review",))
