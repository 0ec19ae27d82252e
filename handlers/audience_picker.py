"""The audience picker: choosing who receives something (`bot.core.audience.Audience`) with toggle choices.

Every flow that names recipients picks them here: creating a training and '➕ Mời thêm' (trainings and
seminars, handlers/invite_more_step.py) use the whole picker (everyone, or any of some wards, roles and
chapters); creating a seminar (handlers/seminars/create.py: roles in wards, chapters, people by name) and
/broadcast (handlers/broadcasts: one kind, then its wards, chapters or roles, or an event's people) lay out
the same toggle lists (`toggles` over `ward_options`, `role_options`, `chapter_options`). Each flow keeps its
own tokens (`make(kind, value)` here, token classes there), so buttons already sent keep their meaning;
`selection` is {"w": [...], "r": [...], "c": [...]} (or {"all": True}), kept in the dialog's data.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence

from bot.conversation.markup import esc
from bot.conversation.replies import Choice, grid, rows
from bot.conversation.tokens import Token
from bot.conversation.turn import Turn
from bot.core.audience import EVERYONE, NOBODY, Audience
from bot.core.models import Role
from bot.i18n import Translator
from bot.views.labels import role_label

MakeToken = Callable[[str, object], Token]
Lines = list[list[Choice]]
TICK = "✅ "
TOGGLES = {"tw": "w", "tr": "r", "tc": "c"}
"""Toggle kinds and the selection list each one changes."""


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
    make: Callable[[object], Token],
    *,
    per_row: int,
    tick: str = TICK,
) -> Lines:
    """One toggle choice per option, `per_row` to a line, the ticked ones marked."""
    return [
        list(line)
        for line in grid(
            [Choice((tick if key in ticked else "") + label, make(key)) for key, label in options], per_row
        )
    ]


def new_selection() -> dict[str, list]:
    return {"w": [], "r": [], "c": []}


def kind_lines(t: Translator, make: MakeToken) -> Lines:
    """Everyone / some wards / some roles / some chapters."""
    return [
        [Choice(t.gettext("Everyone"), make("a", "all"))],
        [Choice(t.gettext("Some wards"), make("a", "w")), Choice(t.gettext("Some roles"), make("a", "r"))],
        [Choice(t.gettext("Some chapters"), make("a", "c"))],
    ]


def item(key: str, value: str) -> object | None:
    """The ward/chapter id or role a toggle names, or None if it is not one."""
    if key == "r":
        return value if value in {r.value for r in Role} else None
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def already_in(audience: Audience, key: str, value: str) -> bool:
    """Whether a toggle names a ward, role or chapter the audience already invites whole."""
    ward_ids, roles, chapter_ids = audience.whole_groups()
    return item(key, value) in {"w": ward_ids, "r": [r.value for r in roles], "c": chapter_ids}[key]


async def toggle(turn: Turn, selection: dict, key: str, value: str) -> tuple[str, str] | None:
    """Select or unselect one ward, role or chapter; the list to show next, or None if the value is bad."""
    chosen_item = item(key, value)
    if chosen_item is None:
        return None
    chapter = await turn.services.org.chapter(int(value)) if key == "c" else None
    if key == "c" and chapter is None:
        return None
    chosen = selection.setdefault(key, [])
    if chosen_item in chosen:
        chosen.remove(chosen_item)
    else:
        chosen.append(chosen_item)
    return ("cw", str(chapter.ward_id)) if chapter else ("a", key)


async def choice_lines(
    turn: Turn, selection: dict, kind: str, value: str, make: MakeToken, *, invited: Audience | None = None
) -> Lines | None:
    """The choices of one list; selected ones (and those `invited` whole already) ticked."""
    t = turn.t
    fixed_wards, fixed_roles, fixed_chapters = (invited or NOBODY).whole_groups()
    if kind == "a" and value == "w":
        ticked = {*selection["w"], *fixed_wards}
        return toggles(await ward_options(turn), ticked, lambda w: make("tw", w), per_row=3)
    if kind == "a" and value == "r":
        ticked_roles = {*(Role(r) for r in selection["r"]), *fixed_roles}
        return toggles(role_options(t), ticked_roles, lambda r: make("tr", r), per_row=2)
    if kind == "a" and value == "c":
        return toggles(await ward_options(turn), (), lambda w: make("cw", w), per_row=3)
    ward_id = item("w", value) if kind == "cw" else None
    if ward_id is None:
        return None
    ticked = {*selection["c"], *fixed_chapters}
    lines = toggles(await chapter_options(turn, ward_id), ticked, lambda c: make("tc", c), per_row=1)
    lines.append([Choice(t.gettext("« Other wards"), make("a", "c"))])
    return lines


ALREADY = "already"
"""What `pick` answers when the choice names a ward, role or chapter that is invited already."""


async def pick(
    turn: Turn, selection: dict, kind: str, value: str, make: MakeToken, *, invited: Audience
) -> Lines | str | None:
    """One choice while adding people: tick or untick, then the list to show next with a Done choice.

    ALREADY when the choice would untick someone already `invited` (people cannot be removed);
    None when stale.
    """
    if kind in TOGGLES:
        if already_in(invited, TOGGLES[kind], value):
            return ALREADY
        view = await toggle(turn, selection, TOGGLES[kind], value)
        if view is None:
            return None
        kind, value = view
    lines = await choice_lines(turn, selection, kind, value, make, invited=invited)
    if lines is not None:
        lines.append([Choice(turn.t.gettext("✔️ Done"), make("a", "done"))])
    return lines


def selected_audience(selection: dict) -> Audience:
    """The wards, roles and chapters ticked, or everyone when {"all": True}."""
    if selection.get("all"):
        return EVERYONE
    return Audience.any_of(
        ward_ids=selection.get("w", ()),
        roles=(Role(r) for r in selection.get("r", ())),
        chapter_ids=selection.get("c", ()),
    )


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


def as_choices(lines: Lines):  # noqa: ANN201 - Choices
    return rows(*lines)
