"""The rules behind '➕ Mời thêm' for seminars: the audience only grows, nobody is invited twice, and the
invitation of someone invited later is the creation's invitation (same once-only key)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.core.audience import EVERYONE, Audience
from bot.core.models import Role
from bot.core.seminars.models import (
    Announcement,
    RsvpOutcome,
    Seminar,
    SeminarStatus,
    announce_task,
    invitation_key,
    newly_invited,
)
from bot.core.seminars.service import SeminarDraft
from tests.harness import BotUnderTest, active_member

VN = ZoneInfo("Asia/Ho_Chi_Minh")
STARTS = datetime(2026, 11, 27, 8, 0, tzinfo=VN)


def test_widening_by_members_keeps_everyone_already_invited_and_names_each_once() -> None:
    audience = Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(1, 2), member_ids=(7,))
    widened = audience.with_members([8, 7, 9, 8])
    assert widened == Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(1, 2), member_ids=(7, 8, 9))


def test_whole_groups_are_those_invited_without_a_role_limit() -> None:
    assert Audience.of(ward_ids=(1,), chapter_ids=(11,), member_ids=(5,)).whole_groups() == ((1,), (), (11,))
    assert Audience.of(roles=(Role.CADRE,)).whole_groups() == ((), (Role.CADRE,), ())
    assert Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(1, 2)).whole_groups() == ((), (), ())
    assert Audience.of(member_ids=(5,)).whole_groups() == ((), (), ())


def test_the_newly_invited_are_those_reached_who_are_not_invitees_yet_in_order_once() -> None:
    assert newly_invited([4, 2, 3, 2, 5], invited=[3, 9]) == [4, 2, 5]
    assert newly_invited([3], invited=[3]) == []
    assert newly_invited([], invited=[1]) == []


def test_an_invitation_sent_later_has_the_same_once_only_key_as_the_creations() -> None:
    seminar = Seminar(
        42,
        "Học tập suốt đời",
        "Phường 1",
        STARTS,
        STARTS + timedelta(hours=2),
        "Nhà văn hóa",
        "",
        SeminarStatus.SCHEDULED,
        1,
    )
    creation = announce_task(seminar, Announcement.INVITE, STARTS - timedelta(days=7))
    assert invitation_key(42, 0, 15) == f"{creation.key}:to:15"
    assert invitation_key(42, 1, 15) != invitation_key(42, 0, 15)


async def seminar_for_ward_leads(bot: BotUnderTest) -> int:
    await bot.member(4001, "Phạm Thu Hà", Role.ORGANISER)
    await bot.member(5001, "Trần Văn Minh", Role.WARD_LEAD, ward="Phường 1")
    wards = {w.name: w.id for w in await bot.services.org.wards()}
    result = await bot.services.seminars.create(
        await active_member(bot.services, 4001),
        SeminarDraft(
            topic="Học tập suốt đời",
            host="Phường 1",
            starts_at=STARTS,
            venue="Nhà văn hóa Phường 1",
            audience=Audience.of(roles=(Role.WARD_LEAD,), ward_ids=(wards["Phường 1"],)),
        ),
    )
    assert result.seminar is not None
    return result.seminar.id


async def test_the_service_invites_only_for_organisers_and_only_before_the_start(bot: BotUnderTest) -> None:
    seminar_id = await seminar_for_ward_leads(bot)
    await bot.member(6001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    organiser, cadre = await active_member(bot.services, 4001), await active_member(bot.services, 6001)
    wards = {w.name: w.id for w in await bot.services.org.wards()}
    phuong_1 = Audience.any_of(ward_ids=(wards["Phường 1"],))
    seminars = bot.services.seminars

    assert (await seminars.invite_more(cadre, seminar_id, phuong_1)).outcome is RsvpOutcome.DENIED
    assert (await seminars.invite_more(organiser, seminar_id, Audience())).outcome is RsvpOutcome.INVALID
    assert (await seminars.invite_more(organiser, 999, phuong_1)).outcome is RsvpOutcome.NOT_FOUND
    assert len(await seminars.invitees(seminar_id)) == 1

    result = await seminars.invite_more(organiser, seminar_id, phuong_1)
    assert result.outcome is RsvpOutcome.OK and result.invited == 1  # Lan; Minh was invited already
    assert result.seminar is not None and result.seminar.audience.member_ids == (cadre.id,)
    assert (await seminars.invite_more(organiser, seminar_id, phuong_1)).outcome is RsvpOutcome.UNCHANGED

    await bot.advance(days=4)
    assert (await seminars.invite_more(organiser, seminar_id, EVERYONE)).outcome is RsvpOutcome.TOO_LATE


async def test_a_cancelled_seminar_takes_no_more_invitees(bot: BotUnderTest) -> None:
    seminar_id = await seminar_for_ward_leads(bot)
    await bot.member(6001, "Nguyễn Thị Lan", Role.CADRE, ward="Phường 1")
    organiser = await active_member(bot.services, 4001)
    await bot.services.seminars.cancel(organiser, seminar_id)
    result = await bot.services.seminars.invite_more(organiser, seminar_id, EVERYONE)
    assert result.outcome is RsvpOutcome.CANCELLED
    assert len(await bot.services.seminars.invitees(seminar_id)) == 1
