"""Choosing who is invited with toggle buttons: wards, roles, chapters (by ward), or everyone.

Shared by creating a session, inviting more people to a session later, and inviting more people to a
seminar. `data(kind, value)` builds each button's
callback data, so every dialog keeps its own prefix; `selection` is {"w": [...], "r": [...], "c": [...]}.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.context import BotContext
from bot.core.attendance import Audience
from bot.core.models import Role
from bot.i18n import Translator
from handlers import callbacks
from handlers.render import esc, grid, role_label

ButtonData = Callable[[str, object], str]
Rows = list[list[tuple[str, str]]]
TOGGLES = {"tw": "w", "tr": "r", "tc": "c"}
"""Toggle button kinds and the selection list each one changes."""


def new_selection() -> dict[str, list]:
    return {"w": [], "r": [], "c": []}


def kind_rows(t: Translator, data: ButtonData) -> Rows:
    """Everyone / some wards / some roles / some chapters."""
    return [
        [(t.gettext("Everyone"), data("a", "all"))],
        [(t.gettext("Some wards"), data("a", "w")), (t.gettext("Some roles"), data("a", "r"))],
        [(t.gettext("Some chapters"), data("a", "c"))],
    ]


def item(key: str, value: str) -> object | None:
    """The ward/chapter id or role a toggle button names, or None if it is not one."""
    if key == "r":
        return value if value in {r.value for r in Role} else None
    return callbacks.parse_int(value)


def already_in(audience: Audience, key: str, value: str) -> bool:
    """Whether a toggle names a ward, role or chapter the audience already invites."""
    chosen = item(key, value)
    return (
        chosen
        in {"w": audience.ward_ids, "r": [r.value for r in audience.roles], "c": audience.chapter_ids}[key]
    )


async def toggle(ctx: BotContext, selection: dict, key: str, value: str) -> tuple[str, str] | None:
    """Select or unselect one ward, role or chapter; the list to show next, or None if the value is bad."""
    chosen_item = item(key, value)
    if chosen_item is None:
        return None
    chapter = await ctx.services.org.chapter(int(value)) if key == "c" else None
    if key == "c" and chapter is None:
        return None
    chosen = selection.setdefault(key, [])
    if chosen_item in chosen:
        chosen.remove(chosen_item)
    else:
        chosen.append(chosen_item)
    return ("cw", str(chapter.ward_id)) if chapter else ("a", key)


async def choice_rows(
    ctx: BotContext,
    selection: dict,
    kind: str,
    value: str,
    data: ButtonData,
    *,
    invited: Audience | None = None,
) -> Rows | None:
    """The buttons for one list of choices; selected ones (and those `invited` already) ticked."""
    t, org = ctx.t, ctx.services.org
    fixed = invited or Audience(False)
    if kind == "a" and value == "w":
        return grid(
            [
                (mark(w.id in selection["w"] or w.id in fixed.ward_ids) + w.name, data("tw", w.id))
                for w in await org.wards()
            ],
            3,
        )
    if kind == "a" and value == "r":
        return grid(
            [
                (mark(r.value in selection["r"] or r in fixed.roles) + role_label(t, r), data("tr", r.value))
                for r in Role
            ],
            2,
        )
    if kind == "a" and value == "c":
        return grid([(w.name, data("cw", w.id)) for w in await org.wards()], 3)
    ward_id = callbacks.parse_int(value) if kind == "cw" else None
    if ward_id is None:
        return None
    rows = grid(
        [
            (mark(c.id in selection["c"] or c.id in fixed.chapter_ids) + c.name, data("tc", c.id))
            for c in await org.chapters(ward_id)
        ],
        1,
    )
    rows.append([(t.gettext("« Other wards"), data("a", "c"))])
    return rows


ALREADY = "already"
"""What `pick` answers when the press names a ward, role or chapter that is invited already."""


async def pick(
    ctx: BotContext, selection: dict, kind: str, value: str, data: ButtonData, *, invited: Audience
) -> Rows | str | None:
    """One press while adding people: tick or untick, then the list to show next with a Done button.

    ALREADY when the press would untick someone already `invited` (people cannot be removed); None when
    stale."""
    if kind in TOGGLES:
        if already_in(invited, TOGGLES[kind], value):
            return ALREADY
        view = await toggle(ctx, selection, TOGGLES[kind], value)
        if view is None:
            return None
        kind, value = view
    rows = await choice_rows(ctx, selection, kind, value, data, invited=invited)
    if rows is not None:
        rows.append([(ctx.t.gettext("✔️ Done"), data("a", "done"))])
    return rows


def mark(selected: bool) -> str:
    return "✅ " if selected else ""


def selected_audience(selection: dict) -> Audience:
    """The wards, roles and chapters ticked, or everyone when {"all": True}."""
    if selection.get("all"):
        return Audience()
    return Audience(
        False,
        tuple(selection.get("w", ())),
        tuple(Role(r) for r in selection.get("r", ())),
        tuple(selection.get("c", ())),
    )


async def audience_text(ctx: BotContext, t: Translator, audience: Audience) -> str:
    """'everyone' or the chosen wards, roles and chapters by name."""
    if audience.everyone:
        return t.gettext("everyone")
    org = ctx.services.org
    names = [w.name for w in await org.wards() if w.id in audience.ward_ids]
    names += [role_label(t, r) for r in audience.roles]
    for chapter_id in audience.chapter_ids:
        chapter = await org.chapter(chapter_id)
        ward = await org.ward(chapter.ward_id) if chapter else None
        if chapter:
            names.append(f"{chapter.name} ({ward.name if ward else ''})")
    return esc(", ".join(names))
