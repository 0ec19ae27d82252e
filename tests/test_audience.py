"""Who receives something: one meaning for trainings, seminars, broadcasts and '➕ Mời thêm'."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.audience import EVERYONE, NOBODY, Audience, EventKind
from bot.core.models import Member, MemberStatus, Role
from storage.audience import audience_members
from storage.db import Database, to_db_time

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def member(
    member_id: int = 1,
    *,
    role: Role = Role.CADRE,
    ward_id: int | None = 1,
    chapter_id: int | None = None,
    status: MemberStatus = MemberStatus.ACTIVE,
) -> Member:
    return Member(
        id=member_id, full_name="Lan", status=status, role=role, ward_id=ward_id, chapter_id=chapter_id
    )


def test_a_seminar_invites_those_roles_in_those_places_and_the_named_people() -> None:
    leads_of_ward_1 = Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(1,), chapter_ids=(20,), member_ids=(9,))
    assert leads_of_ward_1.includes(member(role=Role.WARD_LEAD, ward_id=1))
    assert leads_of_ward_1.includes(member(role=Role.WARD_LEAD, ward_id=2, chapter_id=20))
    assert not leads_of_ward_1.includes(member(role=Role.CADRE, ward_id=1))
    assert not leads_of_ward_1.includes(member(role=Role.WARD_LEAD, ward_id=2))
    assert leads_of_ward_1.includes(member(9, role=Role.CADRE, ward_id=3))
    assert Audience.of(member_ids=(9,)).includes(member(9)) and not Audience.of(member_ids=(9,)).includes(
        member(8)
    )
    assert Audience.of().empty and not Audience.of().includes(member())


def test_a_training_invites_anyone_in_any_of_the_wards_roles_or_chapters() -> None:
    any_of = Audience.any_of(ward_ids=(1,), roles=(Role.WARD_LEAD,), chapter_ids=(20,))
    assert any_of.includes(member(ward_id=1))
    assert any_of.includes(member(role=Role.WARD_LEAD, ward_id=5))
    assert any_of.includes(member(ward_id=2, chapter_id=20))
    assert not any_of.includes(member(ward_id=2, chapter_id=21))
    assert EVERYONE.includes(member(ward_id=None)) and NOBODY.empty
    assert not EVERYONE.includes(member(status=MemberStatus.PENDING))


def test_a_ward_leads_audience_stays_within_their_ward() -> None:
    cadres = Audience.any_of(roles=(Role.CADRE,)).within(1)
    assert cadres.includes(member(ward_id=1))
    assert not cadres.includes(member(ward_id=2))
    assert not EVERYONE.within(1).includes(member(ward_id=None))


def test_widening_never_leaves_anyone_out_and_names_each_group_once() -> None:
    seminar = Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(1,))
    widened = seminar.widened(Audience.any_of(ward_ids=(2,))).widened(Audience.any_of(ward_ids=(2,)))
    assert widened.includes(member(role=Role.WARD_LEAD, ward_id=1))
    assert widened.includes(member(role=Role.CADRE, ward_id=2))
    assert not widened.includes(member(role=Role.CADRE, ward_id=1))
    assert widened == seminar.widened(Audience.any_of(ward_ids=(2,)))
    assert widened.whole_groups() == ((2,), (), ())
    assert seminar.widened(EVERYONE).everyone


def test_every_kind_of_audience_survives_the_database_round_trip() -> None:
    audience = (
        Audience.of(roles=(Role.CADRE,), ward_ids=(1, 2), member_ids=(7,))
        .widened(Audience.any_of(chapter_ids=(30,)))
        .widened(Audience.of_event(EventKind.SEMINAR, 4))
        .within(1)
    )
    for legacy in ("training", "seminar", "broadcast"):
        assert Audience.from_json(audience.to_json(), legacy=legacy) == audience
        assert Audience.from_json(audience.to_dict(), legacy=legacy) == audience


def test_audiences_stored_before_the_shared_model_keep_their_meaning() -> None:
    assert Audience.from_json('{"everyone": true}', legacy="training") == EVERYONE
    assert Audience.from_json(None, legacy="training") == EVERYONE
    assert Audience.from_json(
        '{"ward_ids": [1], "roles": ["cadre"], "chapter_ids": []}', legacy="training"
    ) == Audience.any_of(ward_ids=(1,), roles=(Role.CADRE,))
    assert Audience.from_json(
        {"roles": ["cadre"], "ward_ids": [1], "chapter_ids": [], "member_ids": [5]}, legacy="seminar"
    ) == Audience.of(roles=(Role.CADRE,), ward_ids=(1,), member_ids=(5,))
    assert Audience.from_json("{}", legacy="seminar") == NOBODY
    broadcast = '{"kind": "%s", "ids": %s, "roles": %s, "ward_id": %s}'
    assert Audience.from_json(broadcast % ("all", "[]", "[]", "3"), legacy="broadcast") == EVERYONE.within(3)
    assert Audience.from_json(broadcast % ("wards", "[1, 2]", "[]", "null"), legacy="broadcast") == (
        Audience.any_of(ward_ids=(1, 2))
    )
    assert Audience.from_json(broadcast % ("roles", "[]", '["ward_lead"]', "null"), legacy="broadcast") == (
        Audience.any_of(roles=(Role.WARD_LEAD,))
    )
    assert Audience.from_json(broadcast % ("unacked", "[8]", "[]", "null"), legacy="broadcast") == (
        Audience.of_event(EventKind.UNACKED, 8)
    )
    assert Audience.from_json("", legacy="broadcast") == EVERYONE


async def test_the_resolver_finds_each_person_once_on_their_preferred_channel(db: Database) -> None:
    stamp = to_db_time(NOW)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO wards (id, name, name_key, created_at) VALUES (1, 'Phường 1', 'phuong 1', ?)",
            (stamp,),
        )
        people = [("Lan", "cadre", "zalo"), ("Minh", "ward_lead", "telegram"), ("Hoa", "cadre", None)]
        for n, (name, role, channel) in enumerate(people, start=1):
            await conn.execute(
                "INSERT INTO members (id, full_name, name_key, status, role, ward_id, channel, created_at, "
                "updated_at) VALUES (?, ?, ?, 'active', ?, 1, ?, ?, ?)",
                (n, name, name.lower(), role, channel, stamp, stamp),
            )
            for account in ("telegram", "zalo"):
                await conn.execute(
                    "INSERT INTO channel_accounts (member_id, channel, external_id, chat_id, blocked_at, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (n, account, f"{account}{n}", f"{account}{n}", stamp if name == "Minh" else None, stamp),
                )
    audience = Audience.any_of(ward_ids=(1,), roles=(Role.CADRE,)).with_members([1])
    reached = await audience_members(db, audience)
    assert [(p.full_name, p.channel, p.chat_id) for p in reached] == [
        ("Hoa", "telegram", "telegram3"),
        ("Lan", "zalo", "zalo1"),
    ]
    with_blocked = await audience_members(db, audience, include_blocked=True)
    assert [(p.full_name, p.blocked) for p in with_blocked] == [
        ("Hoa", False),
        ("Lan", False),
        ("Minh", True),
    ]
    assert await audience_members(db, NOBODY) == []
