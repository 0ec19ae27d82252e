"""/broadcasts: the broadcasts a member may look back on, a page at a time, with reports and cancelling.

Cancelling a scheduled one asks "are you sure?" in place of the list; either answer brings the list back, up
to date, on the page it was on.
"""

from __future__ import annotations

from typing import Literal

from bot.conversation.markup import esc
from bot.conversation.replies import Choice, Choices, rows
from bot.conversation.router import CommandSpec, MenuEntry, Router
from bot.conversation.tokens import Token, token
from bot.conversation.turn import Turn
from bot.core.broadcasts.history import HistoryPage, Listed
from bot.core.broadcasts.service import Broadcast, BroadcastStatus, Result
from bot.core.permissions import Action, can
from bot.i18n import N_, Translator
from bot.views.broadcasts.texts import describe_audience, final_text, sending_report_text, snippet
from handlers.broadcasts.sending import manage_choices, parts

COMMAND = CommandSpec(
    "broadcasts", N_("See the broadcasts sent and scheduled, with their reports"), Action.VIEW_BROADCASTS
)
MENU_LABEL = N_("📋 Broadcast list")
MENU_ENTRY = MenuEntry(MENU_LABEL, Action.VIEW_BROADCASTS, 61)
SNIPPET = 60


@token("bcl")
class ListPress(Token):
    """p = a page, r = a report; x / y / k with one number are the cancel buttons of lists shown before they
    carried their page ('v1:bcl:x:<id>': page 0)."""

    action: Literal["p", "r", "x", "y", "k"]
    number: int


@token("bcl:x")
class AskCancel(Token):
    """'✖ Cancel #id' on a list shown at `on_page`."""

    broadcast_id: int
    on_page: int


@token("bcl:y")
class ConfirmCancel(Token):
    broadcast_id: int
    on_page: int


@token("bcl:k")
class KeepIt(Token):
    broadcast_id: int
    on_page: int


async def list_command(turn: Turn) -> None:
    """/broadcasts (or the menu button): the first page."""
    page = await turn.services.broadcast_history.page(turn.member, 0)
    if page.result is not Result.OK:
        turn.reply(_not_allowed(turn.t))
        return
    text, choices = await _render(turn, page)
    turn.reply(text, choices=choices)


async def pressed(turn: Turn, press: ListPress) -> None:
    if press.action == "p":
        await _page(turn, press.number)
    elif press.action == "r":
        await _report(turn, press.number)
    elif press.action == "x":
        await _ask_cancel(turn, press.number, 0)
    elif press.action == "y":
        await _cancel(turn, press.number, 0)
    else:
        await _keep(turn, press.number, 0)


async def ask_cancel(turn: Turn, press: AskCancel) -> None:
    await _ask_cancel(turn, press.broadcast_id, press.on_page)


async def confirm_cancel(turn: Turn, press: ConfirmCancel) -> None:
    await _cancel(turn, press.broadcast_id, press.on_page)


async def keep(turn: Turn, press: KeepIt) -> None:
    await _keep(turn, press.broadcast_id, press.on_page)


async def _page(turn: Turn, number: int) -> None:
    page = await turn.services.broadcast_history.page(turn.member, number)
    if page.result is not Result.OK:
        turn.toast(_not_allowed(turn.t), alert=True)
        return
    text, choices = await _render(turn, page)
    turn.edit(text, choices=choices)


async def _report(turn: Turn, broadcast_id: int) -> None:
    """The report as new messages (the list stays); split into whole messages when it is long."""
    t = turn.t
    view = await turn.services.broadcast_history.report(turn.member, broadcast_id)
    if view.result is not Result.OK or view.broadcast is None or view.report is None:
        _refuse(turn, view.result, view.broadcast)
        return
    broadcast, report = view.broadcast, view.report
    if broadcast.status is BroadcastStatus.DONE:
        text, choices = final_text(t, broadcast, report), manage_choices(t, broadcast.id)
    else:
        text, choices = sending_report_text(t, broadcast, report), ()
    for reply in parts(text, turn.channel.text_limit, choices):
        turn.reply(reply.text, choices=reply.choices)


async def _ask_cancel(turn: Turn, broadcast_id: int, on_page: int) -> None:
    """ "Are you sure?" in place of the list, so either answer can bring the list back up to date."""
    t = turn.t
    outcome = await turn.services.broadcast_history.check_cancel(turn.member, broadcast_id)
    if outcome.result is not Result.OK or outcome.broadcast is None:
        _refuse(turn, outcome.result, outcome.broadcast)
        return
    broadcast = outcome.broadcast
    audience = (await _audiences(turn, [broadcast]))[broadcast.id]
    text = t.gettext(
        "Cancel broadcast #{id}? It was to be sent on {when} to {audience}:\n“{snippet}”\n"
        "If you cancel it, nobody receives it."
    ).format(
        id=broadcast.id,
        when=t.datetime(broadcast.scheduled_at or broadcast.created_at),
        audience=audience,
        snippet=esc(snippet(broadcast.content.text, SNIPPET)),
    )
    turn.edit(
        text,
        choices=rows(
            [Choice(t.gettext("✅ Yes, cancel it"), ConfirmCancel(broadcast.id, on_page))],
            [Choice(t.gettext("↩ No, keep it"), KeepIt(broadcast.id, on_page))],
        ),
    )


async def _cancel(turn: Turn, broadcast_id: int, on_page: int) -> None:
    """Cancel (the core cancels its send task with it), then the list again and a word that it is done."""
    outcome = await turn.services.broadcast_history.cancel(turn.member, broadcast_id)
    if outcome.result is not Result.OK:
        _refuse(turn, outcome.result, outcome.broadcast)
        return
    await _back_to_list(turn, on_page)
    turn.reply(turn.t.gettext("✖ Broadcast #{id} is cancelled; nothing was sent.").format(id=broadcast_id))


async def _keep(turn: Turn, broadcast_id: int, on_page: int) -> None:
    await _back_to_list(turn, on_page)
    turn.reply(turn.t.gettext("Nothing changed: broadcast #{id} stays as it was.").format(id=broadcast_id))


async def _back_to_list(turn: Turn, page_number: int) -> None:
    """The list in place of the question, as it stands now, on the page it was on."""
    page = await turn.services.broadcast_history.page(turn.member, page_number)
    if page.result is not Result.OK:
        turn.clear_choices()
        return
    text, choices = await _render(turn, page)
    turn.edit(text, choices=choices)


def _refuse(turn: Turn, result: Result, broadcast: Broadcast | None) -> None:
    """A polite alert for a choice that cannot act (someone else's, already sent, cancelled); nothing
    changes."""
    t = turn.t
    if result is Result.DENIED:
        text = (
            t.gettext("You can only see and manage the broadcasts you sent yourself.")
            if can(turn.member, Action.VIEW_BROADCASTS)
            else _not_allowed(t)
        )
    elif broadcast is not None and broadcast.status is BroadcastStatus.CANCELLED:
        text = t.gettext("Broadcast #{id} was cancelled before it went out: nothing more to do.").format(
            id=broadcast.id
        )
    elif broadcast is not None and broadcast.status is BroadcastStatus.SCHEDULED:
        text = t.gettext(
            "Broadcast #{id} has not been sent yet: its report will be ready once it goes out."
        ).format(id=broadcast.id)
    elif broadcast is not None and result is Result.TOO_LATE:
        text = t.gettext("Too late: broadcast #{id} has already been sent.").format(id=broadcast.id)
    else:
        turn.stale()
        return
    turn.toast(text, alert=True)


def _not_allowed(t: Translator) -> str:
    return t.gettext("Only organisers, district admins and ward leads can see the list of broadcasts.")


async def _render(turn: Turn, page: HistoryPage) -> tuple[str, Choices]:
    t = turn.t
    if not page.items:
        return t.gettext("There are no broadcasts yet. To send one, use /broadcast."), ()
    audiences = await _audiences(turn, [item.broadcast for item in page.items])
    header = t.gettext("📋 <b>Broadcasts</b> – page {page} of {pages}").format(
        page=t.number(page.page + 1), pages=t.number(page.pages)
    )
    blocks = [_item_text(t, item, audiences[item.broadcast.id]) for item in page.items]
    lines: list[list[Choice]] = []
    for item in page.items:
        b = item.broadcast
        if b.status is BroadcastStatus.SCHEDULED:
            lines.append([Choice(t.gettext("✖ Cancel #{id}").format(id=b.id), AskCancel(b.id, page.page))])
        elif b.status in (BroadcastStatus.SENDING, BroadcastStatus.DONE):
            lines.append([Choice(t.gettext("📊 Report #{id}").format(id=b.id), ListPress("r", b.id))])
    nav = []
    if page.has_previous:
        nav.append(Choice(t.gettext("◀ Previous"), ListPress("p", page.page - 1)))
    if page.has_next:
        nav.append(Choice(t.gettext("Next ▶"), ListPress("p", page.page + 1), more=True))
    return "\n\n".join([header, *blocks]), rows(*lines, nav)


def _item_text(t: Translator, item: Listed, audience: str) -> str:
    b = item.broadcast
    when = t.datetime(item.when)
    if b.status is BroadcastStatus.SCHEDULED:
        status = t.gettext("🕒 <b>#{id}</b> · scheduled for {when}").format(id=b.id, when=when)
    elif b.status is BroadcastStatus.SENDING:
        status = t.gettext(
            "📤 <b>#{id}</b> · sending since {when}: {sent} of {total} delivered so far"
        ).format(id=b.id, when=when, sent=t.number(item.delivered), total=t.number(item.total))
    elif b.status is BroadcastStatus.DONE:
        status = t.gettext("✅ <b>#{id}</b> · sent {when}: delivered {sent} of {total}").format(
            id=b.id, when=when, sent=t.number(item.delivered), total=t.number(item.total)
        )
    else:
        status = t.gettext("✖ <b>#{id}</b> · cancelled (it was to be sent {when})").format(id=b.id, when=when)
    if item.sender:
        to = t.gettext("To: {audience} — from {sender}").format(audience=audience, sender=esc(item.sender))
    else:
        to = t.gettext("To: {audience}").format(audience=audience)
    return "\n".join([status, to, "“" + esc(snippet(b.content.text, SNIPPET)) + "”"])


async def _audiences(turn: Turn, found: list[Broadcast]) -> dict[int, str]:
    """Each broadcast's audience described in the member's language."""
    org = turn.services.org
    wards = {w.id: w.name for w in await org.wards(include_inactive=True)}
    chapters = (
        {c.id: c.name for c in await org.chapters(include_inactive=True)}
        if any(b.audience.chapter_ids for b in found)
        else {}
    )
    return {b.id: describe_audience(turn.t, b.audience, wards=wards, chapters=chapters) for b in found}


def register(router: Router) -> None:
    router.command("broadcasts", list_command, COMMAND)
    router.menu(MENU_ENTRY, list_command)
    router.choice(ListPress, pressed)
    router.choice(AskCancel, ask_cancel)
    router.choice(ConfirmCancel, confirm_cancel)
    router.choice(KeepIt, keep)
