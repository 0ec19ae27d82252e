"""Who receives something: one audience model for trainings, seminars, broadcasts and '➕ Mời thêm'.

An audience is the union of
- the named members (`member_ids`);
- groups (`groups`), each "members whose role is one of its roles AND who belong to one of its wards or
  chapters", an empty list of roles meaning any role and no wards and no chapters meaning anywhere (so
  `Group()` is every member);
- event-based groups (`events`): a seminar's invitees (except those who sent a replacement), a training's
  registrants (registered or waiting), the recipients of a broadcast who have not acknowledged it;

counting active members only, and, when `ward_id` is set, only the members of that ward (a ward lead's
audience). Nothing chosen is nobody. "Any of these wards, roles or chapters" (a training's invitation) is one
group per kind (`Audience.any_of`); "these roles in these wards" (a seminar's) is one group (`Audience.of`).

`storage.audience.audience_members` resolves an audience to the people in it, each once, on their preferred
channel. Stored audiences are JSON (`to_json` / `from_json`); the formats written before this model are still
read (`legacy` says which one a table holds).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal, Protocol, TypeVar

from bot.core.models import Member, Recipient, Role

_T = TypeVar("_T")
Legacy = Literal["training", "seminar", "broadcast"]
"""The stored formats before the shared model: trainings (any of), seminars (roles in places), broadcasts."""


class EventKind(StrEnum):
    SEMINAR = "seminar"
    """A seminar's invitees, except those who sent a replacement."""
    TRAINING = "training"
    """A training's registrants: registered or on the waiting list."""
    UNACKED = "unacked"
    """The recipients of a broadcast (and its re-sends) who have not acknowledged it."""


@dataclass(frozen=True)
class Event:
    kind: EventKind
    id: int


@dataclass(frozen=True)
class Group:
    """Members with one of `roles` (any role when empty) in one of the wards or chapters (anywhere when both
    are empty)."""

    roles: tuple[Role, ...] = ()
    ward_ids: tuple[int, ...] = ()
    chapter_ids: tuple[int, ...] = ()

    @property
    def has_places(self) -> bool:
        return bool(self.ward_ids or self.chapter_ids)

    def includes(self, member: Member) -> bool:
        if self.roles and member.role not in self.roles:
            return False
        if not self.has_places:
            return True
        return (member.ward_id is not None and member.ward_id in self.ward_ids) or (
            member.chapter_id is not None and member.chapter_id in self.chapter_ids
        )

    def covers(self, other: Group) -> bool:
        """Everyone in `other` is in this group (judged by the lists alone)."""
        roles_ok = not self.roles or (bool(other.roles) and set(other.roles) <= set(self.roles))
        places_ok = not self.has_places or (
            other.has_places
            and set(other.ward_ids) <= set(self.ward_ids)
            and set(other.chapter_ids) <= set(self.chapter_ids)
        )
        return roles_ok and places_ok


def _merged(first: Iterable[_T], second: Iterable[_T] = ()) -> tuple[_T, ...]:
    """`first`, then whatever of `second` is not in it, each once."""
    return tuple(dict.fromkeys((*first, *second)))


def _joined(a: Group, b: Group) -> Group | None:
    """One group meaning the same as `a` or `b`, when there is one: same roles with places on both sides,
    or the same places with roles on both sides."""
    if set(a.roles) == set(b.roles) and a.has_places and b.has_places:
        return Group(a.roles, _merged(a.ward_ids, b.ward_ids), _merged(a.chapter_ids, b.chapter_ids))
    same_places = set(a.ward_ids) == set(b.ward_ids) and set(a.chapter_ids) == set(b.chapter_ids)
    if same_places and a.roles and b.roles:
        return Group(_merged(a.roles, b.roles), a.ward_ids, a.chapter_ids)
    return None


def _covering(first: Group, second: Group) -> Group:
    """`second` (which covers `first`), its lists in the order `first` gave them."""
    places = second.has_places
    return Group(
        _merged(first.roles, second.roles) if second.roles else (),
        _merged(first.ward_ids, second.ward_ids) if places else (),
        _merged(first.chapter_ids, second.chapter_ids) if places else (),
    )


def canonical(groups: Iterable[Group]) -> tuple[Group, ...]:
    """The fewest groups meaning the same: each list without repeats, groups inside another dropped, groups
    that differ only in places (or only in roles) joined; in the order first given."""
    result = [Group(_merged(g.roles), _merged(g.ward_ids), _merged(g.chapter_ids)) for g in groups]
    changed = True
    while changed:
        changed = False
        for i, first in enumerate(result):
            for j in range(i + 1, len(result)):
                second = result[j]
                if first.covers(second):
                    del result[j]
                elif second.covers(first):
                    result[i] = _covering(first, second)
                    del result[j]
                else:
                    joined = _joined(first, second)
                    if joined is None:
                        continue
                    result[i] = joined
                    del result[j]
                changed = True
                break
            if changed:
                break
    return tuple(result)


@dataclass(frozen=True)
class Audience:
    """Who receives something; see the module docstring for the meaning."""

    groups: tuple[Group, ...] = ()
    member_ids: tuple[int, ...] = ()
    events: tuple[Event, ...] = ()
    ward_id: int | None = None
    """Confines the whole audience to this ward (a ward lead's broadcast)."""

    @classmethod
    def of(
        cls,
        *,
        roles: Iterable[Role] = (),
        ward_ids: Iterable[int] = (),
        chapter_ids: Iterable[int] = (),
        member_ids: Iterable[int] = (),
    ) -> Audience:
        """These roles (any when none) in these wards or chapters (anywhere when none), plus the named
        members; no roles and no places: the named members only."""
        group = Group(tuple(roles), tuple(ward_ids), tuple(chapter_ids))
        groups = (group,) if group.roles or group.has_places else ()
        return cls(canonical(groups), _merged(member_ids))

    @classmethod
    def any_of(
        cls, *, ward_ids: Iterable[int] = (), roles: Iterable[Role] = (), chapter_ids: Iterable[int] = ()
    ) -> Audience:
        """Members in any of these wards, with any of these roles, or in any of these chapters."""
        groups = [
            Group(ward_ids=tuple(ward_ids)),
            Group(roles=tuple(roles)),
            Group(chapter_ids=tuple(chapter_ids)),
        ]
        return cls(canonical(g for g in groups if g.roles or g.has_places))

    @classmethod
    def of_event(cls, kind: EventKind, event_id: int) -> Audience:
        return cls(events=(Event(kind, event_id),))

    @property
    def everyone(self) -> bool:
        """Every active member (of the confining ward, if any)."""
        return Group() in self.groups

    @property
    def empty(self) -> bool:
        return not (self.groups or self.member_ids or self.events)

    @property
    def roles(self) -> tuple[Role, ...]:
        """Every role named in the groups."""
        return _merged(r for g in self.groups for r in g.roles)

    @property
    def ward_ids(self) -> tuple[int, ...]:
        """Every ward named in the groups."""
        return _merged(w for g in self.groups for w in g.ward_ids)

    @property
    def chapter_ids(self) -> tuple[int, ...]:
        """Every chapter named in the groups."""
        return _merged(c for g in self.groups for c in g.chapter_ids)

    def includes(self, member: Member) -> bool:
        """Is this member in the audience, events aside (they need the database)?"""
        if not member.is_active or (self.ward_id is not None and member.ward_id != self.ward_id):
            return False
        return member.id in self.member_ids or any(g.includes(member) for g in self.groups)

    def widened(self, added: Audience) -> Audience:
        """Everyone either audience reaches (the union); nobody already in it is left out."""
        return Audience(
            canonical((*self.groups, *added.groups)),
            _merged(self.member_ids, added.member_ids),
            _merged(self.events, added.events),
            self.ward_id,
        )

    def within(self, ward_id: int | None) -> Audience:
        """The same audience confined to one ward (None: not confined)."""
        return replace(self, ward_id=ward_id)

    def with_members(self, member_ids: Iterable[int]) -> Audience:
        """The audience widened by these named members (each named once)."""
        return replace(self, member_ids=_merged(self.member_ids, member_ids))

    def toggled(self, kind: str, value: Any) -> Audience:
        """One role, ward or chapter added to or removed from the (single) group, or one named member."""
        if kind == "member":
            ids = self.member_ids
            return replace(
                self, member_ids=tuple(i for i in ids if i != value) if value in ids else (*ids, value)
            )
        group = self.groups[0] if self.groups else Group()
        attr = {"role": "roles", "ward": "ward_ids", "chapter": "chapter_ids"}[kind]
        current: tuple[Any, ...] = getattr(group, attr)
        items = tuple(v for v in current if v != value) if value in current else (*current, value)
        changed = replace(group, **{attr: items})
        rest = self.groups[1:]
        return replace(self, groups=(changed, *rest) if changed.roles or changed.has_places else rest)

    def whole_groups(self) -> tuple[tuple[int, ...], tuple[Role, ...], tuple[int, ...]]:
        """The wards, roles and chapters every member of which is in the audience (ticked as "already
        invited"): the groups limited by role alone or by place alone."""
        whole = [g for g in self.groups if not (g.roles and g.has_places)]
        return (
            _merged(w for g in whole for w in g.ward_ids),
            _merged(r for g in whole for r in g.roles),
            _merged(c for g in whole for c in g.chapter_ids),
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "groups": [
                {
                    "roles": [r.value for r in g.roles],
                    "ward_ids": list(g.ward_ids),
                    "chapter_ids": list(g.chapter_ids),
                }
                for g in self.groups
            ]
        }
        if self.member_ids:
            data["member_ids"] = list(self.member_ids)
        if self.events:
            data["events"] = [{"kind": e.kind.value, "id": e.id} for e in self.events]
        if self.ward_id is not None:
            data["ward_id"] = self.ward_id
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, raw: str | Mapping[str, Any] | None, *, legacy: Legacy) -> Audience:
        """An audience as stored (JSON text, or the dict in a dialog's data); a format written before the
        shared model is read as `legacy` (the one the table or dialog held)."""
        data: Mapping[str, Any] = (json.loads(raw) if raw else {}) if not isinstance(raw, Mapping) else raw
        if "groups" in data:
            return cls(
                canonical(
                    Group(
                        tuple(Role(r) for r in g.get("roles", ())),
                        tuple(int(i) for i in g.get("ward_ids", ())),
                        tuple(int(i) for i in g.get("chapter_ids", ())),
                    )
                    for g in data["groups"]
                ),
                tuple(int(i) for i in data.get("member_ids", ())),
                tuple(Event(EventKind(e["kind"]), int(e["id"])) for e in data.get("events", ())),
                _int_or_none(data.get("ward_id")),
            )
        return _LEGACY[legacy](data)


EVERYONE = Audience((Group(),))
NOBODY = Audience()


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _ints(data: Mapping[str, Any], key: str) -> tuple[int, ...]:
    return tuple(int(i) for i in data.get(key, ()))


def _roles(data: Mapping[str, Any]) -> tuple[Role, ...]:
    return tuple(Role(r) for r in data.get("roles", ()))


def _from_training(data: Mapping[str, Any]) -> Audience:
    """{"everyone": true}, or any of {"ward_ids", "roles", "chapter_ids"}; no data at all is everyone."""
    if not data or data.get("everyone"):
        return EVERYONE
    return Audience.any_of(
        ward_ids=_ints(data, "ward_ids"), roles=_roles(data), chapter_ids=_ints(data, "chapter_ids")
    )


def _from_seminar(data: Mapping[str, Any]) -> Audience:
    """{"roles", "ward_ids", "chapter_ids", "member_ids"}: those roles in those places, plus the named."""
    return Audience.of(
        roles=_roles(data),
        ward_ids=_ints(data, "ward_ids"),
        chapter_ids=_ints(data, "chapter_ids"),
        member_ids=_ints(data, "member_ids"),
    )


def _from_broadcast(data: Mapping[str, Any]) -> Audience:
    """{"kind", "ids", "roles", "ward_id"}; no kind is everyone."""
    kind, ids = data.get("kind", "all"), _ints(data, "ids")
    if kind == "all":
        audience = EVERYONE
    elif kind == "wards":
        audience = Audience.any_of(ward_ids=ids)
    elif kind == "chapters":
        audience = Audience.any_of(chapter_ids=ids)
    elif kind == "roles":
        audience = Audience.any_of(roles=_roles(data))
    else:
        audience = Audience(events=tuple(Event(EventKind(kind), i) for i in ids) if len(ids) == 1 else ())
    return audience.within(_int_or_none(data.get("ward_id")))


_LEGACY = {"training": _from_training, "seminar": _from_seminar, "broadcast": _from_broadcast}


@dataclass(frozen=True)
class AudienceMember:
    """One person an audience reaches, on their preferred channel; `blocked`: they blocked the bot there."""

    member_id: int
    full_name: str
    chat_id: str
    locale: str
    ward_id: int | None
    phone: str | None
    blocked: bool
    channel: str = "telegram"
    chapter_id: int | None = field(default=None, compare=False)

    @property
    def recipient(self) -> Recipient:
        return Recipient(
            self.member_id,
            self.chat_id,
            self.locale,
            self.full_name,
            self.channel,
            self.ward_id,
            self.chapter_id,
        )


class AudienceResolver(Protocol):
    """The people in an audience (the member store; `storage.audience`)."""

    async def audience_members(
        self, audience: Audience, *, include_blocked: bool = False
    ) -> list[AudienceMember]: ...
