"""/seminar_new: topic → host wards → date and time (read back) and end → venue → audience → agenda →
attachment → confirm.

Where the organiser stands, and every answer so far, is kept in the database (the dialog's data), so a restart
in the middle continues at the same question; the uploaded document is stored when it arrives. Creating the
seminar saves it with its invitees, reminders and invitations in the turn's transaction.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from bot.conversation.dialogs import Dialog
from bot.conversation.inputs import SharedFile
from bot.conversation.markup import esc
from bot.conversation.replies import Choice, Choices, rows
from bot.conversation.router import Router, Step
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.audience import Audience
from bot.core.models import Member, Role
from bot.core.permissions import Action, can
from bot.core.seminars.models import (
    DEFAULT_DURATION,
    MAX_AGENDA,
    MAX_ATTACHMENT_BYTES,
    MAX_TOPIC,
    MAX_VENUE,
    RsvpOutcome,
)
from bot.core.seminars.service import SeminarDraft
from bot.i18n import N_, Translator
from bot.views.labels import role_label
from bot.views.seminars import texts
from handlers.audience_picker import AudienceStep, Offer, Pick, toggles, ward_options
from handlers.text_steps import skipping, text_step, use_the_buttons
from handlers.when_step import WhenStep

NEW = Dialog(
    "seminar_new",
    timeout=timedelta(hours=2),
    expired=N_(
        "Creating the seminar was left unfinished for too long and has stopped; nothing was created. "
        "Send /seminar_new to start again."
    ),
    cancelled=N_("Stopped. Nothing was changed."),
)
MAX_SEARCH_RESULTS = 8
AUDIENCE_ROLES = (Role.WARD_LEAD, Role.CADRE, Role.ORGANISER)


@token("semn:h")
class HostWard(Token):
    """A host ward ticked or unticked."""

    ward_id: int


@token("semn:hd")
class HostDone(Token):
    pass


@token("semn")
class AudiencePress(Pick):
    """The audience picker's choices (handlers/audience_picker.py)."""


@token("semn:skip")
class Skip(Token):
    what: Literal["agenda", "attachment"]


@token("semn:c")
class Confirm(Token):
    answer: Literal["ok", "no"]


def audience_of(data: dict) -> Audience:
    return Audience.from_json(data.get("audience", {}), legacy="seminar")


async def start(turn: Turn) -> None:
    """/seminar_new (organisers)."""
    t = turn.t
    if not can(turn.member, Action.MANAGE_SEMINARS):
        turn.reply(t.gettext("Only the organisers can create seminars."))
        return
    turn.begin(NEW, "topic", audience={}, host_ward_ids=[])
    turn.reply(
        t.gettext("<b>New seminar</b> (send /cancel to stop at any time)\nWhat is the topic of the seminar?")
    )


async def ask_host(turn: Turn) -> None:
    t = turn.t
    turn.goto("host")
    turn.reply(
        t.gettext("Which ward or wards host the seminar? Tap each host ward, then «Done»."),
        choices=await host_choices(turn),
    )


async def host_choices(turn: Turn) -> Choices:
    chosen = set(turn.data["host_ward_ids"])
    return rows(
        *toggles(await ward_options(turn), chosen, HostWard, per_row=3),
        [Choice(turn.t.gettext("Done »"), HostDone())],
    )


async def host_pressed(turn: Turn, press: HostWard) -> None:
    ward = await turn.services.org.ward(press.ward_id)
    if ward is None:
        turn.stale()
        return
    ids = turn.data["host_ward_ids"]
    turn.update(host_ward_ids=[i for i in ids if i != ward.id] if ward.id in ids else [*ids, ward.id])
    turn.edit_choices(await host_choices(turn))


async def host_done(turn: Turn, _press: HostDone) -> None:
    t, chosen = turn.t, turn.data["host_ward_ids"]
    if not chosen:
        turn.toast(t.gettext("Please tap at least one host ward."), alert=True)
        return
    names = {w.id: w.name for w in await turn.services.org.wards()}
    host = ", ".join(names[i] for i in chosen if i in names)
    turn.update(host=host)
    turn.edit(t.gettext("Host: {host}").format(host=esc(host)))
    await WHEN.ask(turn)


async def after_when(turn: Turn) -> None:
    """Once the start and end are known: the venue (or, when the time was asked again, the read-back)."""
    if turn.data.get("retimed"):
        await ask_confirm(turn)
        return
    turn.goto("venue")
    turn.reply(turn.t.gettext("Where will it take place? Type the venue."))


WHEN = WhenStep(NEW, usual_length=DEFAULT_DURATION, then=after_when)


async def audience_text(turn: Turn, audience: Audience) -> str:
    """Who is invited so far: the roles, chapters and people named, and how many that makes."""
    t, org = turn.t, turn.services.org
    invited = await turn.services.seminars.audience_members(audience)
    lines = [
        t.gettext(
            "<b>Who is invited?</b> Tap roles and wards (people with those roles in those wards), "
            "add chapters or people by name, then «Done»."
        )
    ]
    if audience.roles:
        lines.append(
            t.gettext("Roles: {roles}").format(roles=", ".join(role_label(t, r) for r in audience.roles))
        )
    if audience.chapter_ids:
        names = [c.name for c in [await org.chapter(i) for i in audience.chapter_ids] if c]
        lines.append(t.gettext("Chapters: {chapters}").format(chapters=esc(", ".join(names))))
    if audience.member_ids:
        people = {
            r.member_id: r.full_name
            for r in await turn.services.notices.recipients(Audience.of(member_ids=audience.member_ids))
        }
        lines.append(
            t.gettext("Named people: {names}").format(
                names=esc(", ".join(people[i] for i in audience.member_ids if i in people))
            )
        )
    lines.append(t.gettext("Invited so far: {count} people").format(count=t.number(len(invited))))
    return "\n".join(lines)


async def audience_chosen(turn: Turn, audience: Audience) -> None:
    t = turn.t
    if not await turn.services.seminars.audience_members(audience):
        turn.toast(
            t.gettext("Nobody is invited yet. Please choose at least one group or person."), alert=True
        )
        return
    turn.edit(await audience_text(turn, audience))
    turn.goto("agenda", audience=audience.to_dict())
    turn.reply(
        t.gettext("Type the agenda (one item per line), or press Skip."),
        choices=rows([Choice(t.gettext("Skip"), Skip("agenda"))]),
    )


async def find_members(turn: Turn, text: str) -> list[Member] | None:
    return await turn.services.seminars.find_members(turn.member, text, limit=MAX_SEARCH_RESULTS)


AUDIENCE = AudienceStep(
    NEW,
    "audience",
    AudiencePress,
    (Offer.ROLES, Offer.WARDS, Offer.CHAPTERS, Offer.PEOPLE),
    question=audience_text,
    then=audience_chosen,
    inline=(Offer.ROLES, Offer.WARDS),
    together=True,
    roles=AUDIENCE_ROLES,
    naming="audience_name",
    search=find_members,
)


async def ask_attachment(turn: Turn) -> None:
    t = turn.t
    turn.goto("attachment")
    turn.reply(
        t.gettext(
            "If there is a document to send with the invitation, upload it now (as a file). Otherwise "
            "press Skip."
        ),
        choices=rows([Choice(t.gettext("Skip"), Skip("attachment"))]),
    )


async def attachment_received(turn: Turn) -> None:
    t, event = turn.t, turn.event
    if not isinstance(event, SharedFile) or event.image:
        await attachment_expected(turn)
        return
    file_name = event.filename or "tai-lieu"
    content = await turn.channel.fetch_file(event.ref, MAX_ATTACHMENT_BYTES)
    blob_id = None
    if content is not None:
        blob_id = await turn.services.seminars.save_attachment(
            turn.member, file_name, event.mime_type or "application/octet-stream", content
        )
    if blob_id is None:
        turn.reply(
            t.gettext("That file is too large (10 MB at most). Please upload a smaller one or press Skip.")
        )
        return
    turn.update(blob_id=blob_id, file_name=file_name)
    await ask_confirm(turn)


async def attachment_expected(turn: Turn) -> None:
    turn.reply(turn.t.gettext("Please upload the document as a file, or press Skip."))


def draft_of(data: dict) -> SeminarDraft:
    return SeminarDraft(
        topic=data["topic"],
        host=data["host"],
        starts_at=datetime.fromisoformat(data["starts_at"]),
        ends_at=datetime.fromisoformat(data["ends_at"]),
        venue=data["venue"],
        audience=audience_of(data),
        agenda=data.get("agenda", ""),
        attachment_blob_id=data.get("blob_id"),
    )


def read_back(t: Translator, draft: SeminarDraft, file_name: str | None, invited: int) -> str:
    lines = [
        t.gettext("<b>Please check the seminar:</b>"),
        *texts.detail_lines(
            t,
            topic=draft.topic,
            host=draft.host,
            when=texts.span(t, draft.starts_at, draft.end),
            venue=draft.venue,
            agenda=draft.agenda,
        ),
    ]
    if file_name:
        lines.append(t.gettext("Attachment: {name}").format(name=esc(file_name)))
    lines.append(t.gettext("Invitations will go to {count} people.").format(count=t.number(invited)))
    return "\n".join(lines)


async def ask_confirm(turn: Turn) -> None:
    t, data = turn.t, turn.data
    draft = draft_of(data)
    invited = await turn.services.seminars.audience_members(draft.audience)
    turn.goto("confirm")
    turn.reply(
        read_back(t, draft, data.get("file_name"), len(invited)),
        choices=rows(
            [Choice(t.gettext("✅ Create and send invitations"), Confirm("ok"))],
            [Choice(t.gettext("✖ Discard"), Confirm("no"))],
        ),
    )


async def confirmed(turn: Turn, press: Confirm) -> None:
    """Create the seminar: it, its invitees, its reminders and the invitations commit with this turn."""
    t = turn.t
    if press.answer == "no":
        turn.end()
        turn.edit(t.gettext("The seminar was not created."))
        return
    result = await turn.services.seminars.create(turn.member, draft_of(turn.data))
    if result.outcome is RsvpOutcome.INVALID:
        turn.clear_choices()
        turn.update(retimed=True)
        turn.reply(t.gettext("The start time has passed in the meantime. Please type a new date and time."))
        await WHEN.ask(turn)
        return
    turn.end()
    if result.outcome is not RsvpOutcome.OK or result.seminar is None:
        refusals = {
            RsvpOutcome.DENIED: t.gettext("Only the organisers can create seminars."),
            RsvpOutcome.NOT_FOUND: t.gettext(
                "Nobody reachable matches that audience, so nothing was created."
            ),
        }
        turn.edit(refusals.get(result.outcome, t.gettext("The seminar was not created.")))
        return
    turn.edit(
        t.gettext(
            "✅ Seminar created. Invitations are going to {count} people. See the answers with /seminars."
        ).format(count=t.number(result.invited))
        + "\n\n"
        + texts.details(t, result.seminar)
    )


def register(router: Router) -> None:
    router.command("seminar_new", start)
    router.choice(HostWard, host_pressed, dialog=NEW, steps=("host",))
    router.choice(HostDone, host_done, dialog=NEW, steps=("host",))
    AUDIENCE.attach(router)
    skipped = skipping({"agenda": ask_attachment, "attachment": ask_confirm})
    router.choice(Skip, skipped, dialog=NEW, steps=("agenda", "attachment"))
    router.choice(Confirm, confirmed, dialog=NEW, steps=("confirm",))
    WHEN.attach(router)
    router.dialog(
        NEW,
        {
            "topic": text_step(
                "topic", MAX_TOPIC, N_("Please type the topic in at most {limit} characters."), ask_host
            ),
            "host": Step(text=use_the_buttons),
            "venue": text_step(
                "venue", MAX_VENUE, N_("Please type the venue in at most {limit} characters."), AUDIENCE.ask
            ),
            "audience": Step(text=use_the_buttons),
            "agenda": text_step(
                "agenda", MAX_AGENDA, N_("Please keep the agenda under {limit} characters."), ask_attachment
            ),
            "attachment": Step(file=attachment_received, text=attachment_expected),
            "confirm": Step(text=use_the_buttons),
        },
    )
