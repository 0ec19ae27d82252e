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
from bot.core.models import Role
from bot.core.parsing import ParseError, limit_text
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
from handlers.audience_picker import chapter_options, role_options, toggles, ward_options
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
AUDIENCE_STEPS = ("audience", "audience_name")
TICK = "✓ "


@token("semn:h")
class HostWard(Token):
    """A host ward ticked or unticked."""

    ward_id: int


@token("semn:hd")
class HostDone(Token):
    pass


@token("semn:ar")
class AudienceRole(Token):
    role: Role


@token("semn:aw")
class AudienceWard(Token):
    ward_id: int


@token("semn:at")
class AudienceChapter(Token):
    chapter_id: int


@token("semn:am")
class AudienceMember(Token):
    member_id: int


@token("semn:ac")
class ChaptersOf(Token):
    """The chapters of one ward, to tick."""

    ward_id: int


@token("semn:a")
class AudienceMove(Token):
    """wards: which ward's chapters; name: add a person by name; back: the audience again; done: go on."""

    to: Literal["wards", "name", "back", "done"]


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


async def topic_received(turn: Turn) -> None:
    t = turn.t
    topic = limit_text(turn.text, MAX_TOPIC)
    if isinstance(topic, ParseError):
        turn.reply(t.gettext("Please type the topic in at most {limit} characters.").format(limit=MAX_TOPIC))
        return
    turn.goto("host", topic=topic)
    turn.reply(
        t.gettext("Which ward or wards host the seminar? Tap each host ward, then «Done»."),
        choices=await host_choices(turn),
    )


async def host_choices(turn: Turn) -> Choices:
    chosen = set(turn.data["host_ward_ids"])
    return rows(
        *toggles(await ward_options(turn), chosen, HostWard, per_row=3, tick=TICK),
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


WHEN = WhenStep(
    NEW,
    asking="when",
    confirming="when_ok",
    ending="when_end",
    usual_length=DEFAULT_DURATION,
    then=after_when,
)


async def venue_received(turn: Turn) -> None:
    t = turn.t
    venue = limit_text(turn.text, MAX_VENUE)
    if isinstance(venue, ParseError):
        turn.reply(t.gettext("Please type the venue in at most {limit} characters.").format(limit=MAX_VENUE))
        return
    turn.goto("audience", venue=venue)
    await show_audience(turn, new_message=True)


async def audience_text(turn: Turn, audience: Audience) -> str:
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
            for r in await turn.services.notices.recipients(member_ids=audience.member_ids)
        }
        lines.append(
            t.gettext("Named people: {names}").format(
                names=esc(", ".join(people[i] for i in audience.member_ids if i in people))
            )
        )
    lines.append(t.gettext("Invited so far: {count} people").format(count=t.number(len(invited))))
    return "\n".join(lines)


async def audience_choices(turn: Turn, audience: Audience) -> Choices:
    """The shared picker's role and ward toggles (people with those roles in those wards), then chapters,
    a person by name, and Done."""
    t = turn.t
    roles = toggles(role_options(t, AUDIENCE_ROLES), audience.roles, AudienceRole, per_row=2, tick=TICK)
    wards = toggles(await ward_options(turn), audience.ward_ids, AudienceWard, per_row=3, tick=TICK)
    return rows(
        *roles,
        *wards,
        [
            Choice(t.gettext("🏘 Add chapters"), AudienceMove("wards")),
            Choice(t.gettext("👤 Add a person by name"), AudienceMove("name")),
        ],
        [Choice(t.gettext("Done »"), AudienceMove("done"))],
    )


async def show_audience(turn: Turn, *, new_message: bool = False) -> None:
    audience = audience_of(turn.data)
    text, choices = await audience_text(turn, audience), await audience_choices(turn, audience)
    if new_message:
        turn.reply(text, choices=choices)
    else:
        turn.edit(text, choices=choices)


async def chapter_choices(turn: Turn, ward_id: int) -> Choices:
    chosen = audience_of(turn.data).chapter_ids
    return rows(
        *toggles(await chapter_options(turn, ward_id), chosen, AudienceChapter, per_row=2, tick=TICK),
        [Choice(turn.t.gettext("« Back"), AudienceMove("back"))],
    )


async def toggle(turn: Turn, kind: str, value: object) -> None:
    turn.goto("audience", audience=audience_of(turn.data).toggled(kind, value).to_dict())


async def role_pressed(turn: Turn, press: AudienceRole) -> None:
    if press.role not in AUDIENCE_ROLES:
        turn.stale()
        return
    await toggle(turn, "role", press.role)
    await show_audience(turn)


async def ward_pressed(turn: Turn, press: AudienceWard) -> None:
    if await turn.services.org.ward(press.ward_id) is None:
        turn.stale()
        return
    await toggle(turn, "ward", press.ward_id)
    await show_audience(turn)


async def chapters_of_pressed(turn: Turn, press: ChaptersOf) -> None:
    turn.edit(
        turn.t.gettext("Tap the chapters to invite, then «Back»."),
        choices=await chapter_choices(turn, press.ward_id),
    )


async def chapter_pressed(turn: Turn, press: AudienceChapter) -> None:
    chapter = await turn.services.org.chapter(press.chapter_id)
    if chapter is None:
        turn.stale()
        return
    await toggle(turn, "chapter", chapter.id)
    turn.edit_choices(await chapter_choices(turn, chapter.ward_id))


async def member_pressed(turn: Turn, press: AudienceMember) -> None:
    if await turn.services.notices.recipient(press.member_id) is None:
        turn.stale()
        return
    await toggle(turn, "member", press.member_id)
    await show_audience(turn, new_message=True)


async def audience_moved(turn: Turn, press: AudienceMove) -> None:
    t = turn.t
    if press.to == "wards":
        turn.edit(
            t.gettext("Chapters of which ward?"),
            choices=rows(*toggles(await ward_options(turn), (), ChaptersOf, per_row=3)),
        )
    elif press.to == "name":
        turn.goto("audience_name")
        turn.reply(t.gettext("Type part of the person's name (accents optional)."))
    elif press.to == "back":
        await show_audience(turn)
    else:
        await audience_done(turn)


async def audience_done(turn: Turn) -> None:
    t, audience = turn.t, audience_of(turn.data)
    if audience.empty or not await turn.services.seminars.audience_members(audience):
        turn.toast(
            t.gettext("Nobody is invited yet. Please choose at least one group or person."), alert=True
        )
        return
    turn.edit(await audience_text(turn, audience))
    turn.goto("agenda")
    turn.reply(
        t.gettext("Type the agenda (one item per line), or press Skip."),
        choices=rows([Choice(t.gettext("Skip"), Skip("agenda"))]),
    )


async def audience_name_received(turn: Turn) -> None:
    t = turn.t
    found = await turn.services.seminars.find_members(turn.member, turn.text, limit=MAX_SEARCH_RESULTS)
    if found is None:
        turn.reply(t.gettext("Please type between 2 and 80 letters of the name."))
        return
    if not found:
        turn.reply(
            t.gettext("No active member matches «{query}». Type another part of the name.").format(
                query=esc(turn.text)
            )
        )
        return
    turn.goto("audience")
    turn.reply(
        t.gettext("Tap the person to invite:"),
        choices=rows(*([Choice(m.full_name, AudienceMember(m.id))] for m in found)),
    )


async def agenda_received(turn: Turn) -> None:
    agenda = limit_text(turn.text, MAX_AGENDA)
    if isinstance(agenda, ParseError):
        turn.reply(
            turn.t.gettext("Please keep the agenda under {limit} characters.").format(limit=MAX_AGENDA)
        )
        return
    turn.update(agenda=agenda)
    ask_attachment(turn)


async def skipped(turn: Turn, press: Skip) -> None:
    if turn.step != press.what:
        turn.stale()
        return
    turn.clear_choices()
    if press.what == "agenda":
        ask_attachment(turn)
    else:
        await ask_confirm(turn)


def ask_attachment(turn: Turn) -> None:
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


async def use_the_buttons(turn: Turn) -> None:
    """Text while buttons are expected."""
    turn.reply(turn.t.gettext("Please use the buttons above, or send /cancel to stop."))


def register(router: Router) -> None:
    router.command("seminar_new", start)
    router.choice(HostWard, host_pressed, dialog=NEW, steps=("host",))
    router.choice(HostDone, host_done, dialog=NEW, steps=("host",))
    router.choice(AudienceRole, role_pressed, dialog=NEW, steps=AUDIENCE_STEPS)
    router.choice(AudienceWard, ward_pressed, dialog=NEW, steps=AUDIENCE_STEPS)
    router.choice(AudienceChapter, chapter_pressed, dialog=NEW, steps=AUDIENCE_STEPS)
    router.choice(AudienceMember, member_pressed, dialog=NEW, steps=AUDIENCE_STEPS)
    router.choice(ChaptersOf, chapters_of_pressed, dialog=NEW, steps=AUDIENCE_STEPS)
    router.choice(AudienceMove, audience_moved, dialog=NEW, steps=AUDIENCE_STEPS)
    router.choice(Skip, skipped, dialog=NEW, steps=("agenda", "attachment"))
    router.choice(Confirm, confirmed, dialog=NEW, steps=("confirm",))
    WHEN.attach(router)
    router.dialog(
        NEW,
        {
            "topic": Step(text=topic_received),
            "host": Step(text=use_the_buttons),
            "venue": Step(text=venue_received),
            "audience": Step(text=use_the_buttons),
            "audience_name": Step(text=audience_name_received),
            "agenda": Step(text=agenda_received),
            "attachment": Step(file=attachment_received, text=attachment_expected),
            "confirm": Step(text=use_the_buttons),
        },
    )
