"""The rules of broadcasting: who reaches whom, message limits, progress throttling, the report, pacing."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.core.audience import Audience
from bot.core.broadcasts.service import (
    AudienceKind,
    Broadcast,
    BroadcastStatus,
    Content,
    DeliveryLine,
    Result,
    audience_of,
    batch_name,
    broadcast_id_of,
    build_report,
    check_content,
    may_manage,
    progress_due,
    scope_audience,
)
from bot.core.models import Member, MemberStatus, Role
from bot.core.pacing import Pacer, is_group_chat

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)

CHAPTER_WARDS = {11: 1, 12: 1, 21: 2}


def person(
    member_id: int, role: Role | None, ward: int | None = 1, status: MemberStatus = MemberStatus.ACTIVE
) -> Member:
    return Member(member_id, f"Member {member_id}", status, role, ward, None)


def test_organisers_and_admins_reach_any_audience_unchanged() -> None:
    audience = audience_of(AudienceKind.WARDS, (1, 2))
    assert scope_audience(person(1, Role.ORGANISER), audience, CHAPTER_WARDS) == audience
    assert scope_audience(person(2, Role.ADMIN, ward=None), audience, CHAPTER_WARDS) == audience


def test_a_ward_lead_is_confined_to_their_own_ward() -> None:
    lead = person(3, Role.WARD_LEAD, ward=1)
    assert scope_audience(lead, audience_of(AudienceKind.ALL), CHAPTER_WARDS) == audience_of(
        AudienceKind.ALL
    ).within(1)
    assert (
        scope_audience(lead, audience_of(AudienceKind.ROLES, roles=(Role.CADRE,)), CHAPTER_WARDS).ward_id == 1
    )
    assert scope_audience(lead, audience_of(AudienceKind.SEMINAR, (7,)), CHAPTER_WARDS).ward_id == 1
    assert scope_audience(lead, audience_of(AudienceKind.WARDS, (1,)), CHAPTER_WARDS) is not None
    assert scope_audience(lead, audience_of(AudienceKind.CHAPTERS, (11, 12)), CHAPTER_WARDS) is not None


def test_a_ward_lead_cannot_name_another_wards_wards_or_chapters() -> None:
    lead = person(3, Role.WARD_LEAD, ward=1)
    assert scope_audience(lead, audience_of(AudienceKind.WARDS, (1, 2)), CHAPTER_WARDS) is None
    assert scope_audience(lead, audience_of(AudienceKind.CHAPTERS, (11, 21)), CHAPTER_WARDS) is None
    assert scope_audience(lead, audience_of(AudienceKind.CHAPTERS, (99,)), CHAPTER_WARDS) is None
    assert (
        scope_audience(person(4, Role.WARD_LEAD, ward=None), audience_of(AudienceKind.ALL), CHAPTER_WARDS)
        is None
    )


def test_cadres_visitors_and_strangers_cannot_broadcast() -> None:
    assert scope_audience(person(5, Role.CADRE), audience_of(AudienceKind.ALL), CHAPTER_WARDS) is None
    assert (
        scope_audience(person(6, None, status=MemberStatus.VISITOR), audience_of(AudienceKind.ALL), {})
        is None
    )
    assert scope_audience(None, audience_of(AudienceKind.ALL), {}) is None


def test_an_audience_survives_a_round_trip_through_the_database() -> None:
    audience = audience_of(AudienceKind.ROLES, roles=(Role.WARD_LEAD, Role.CADRE)).within(4)
    assert Audience.from_json(audience.to_json(), legacy="broadcast") == audience
    assert Audience.from_json("", legacy="broadcast") == audience_of(AudienceKind.ALL)


def test_messages_respect_telegrams_text_and_caption_limits() -> None:
    assert check_content(Content("x" * 4096)) is Result.OK
    assert check_content(Content("x" * 4097)) is Result.TOO_LONG
    assert check_content(Content("x" * 1024, "photo", 5)) is Result.OK
    assert check_content(Content("x" * 1025, "document", 5)) is Result.TOO_LONG
    assert check_content(Content("   ")) is Result.EMPTY
    assert check_content(Content("", "document", 5)) is Result.OK


def test_only_the_sender_organisers_and_admins_manage_a_broadcast() -> None:
    broadcast = Broadcast(
        1, 3, Content("x"), audience_of(AudienceKind.ALL).within(1), BroadcastStatus.DONE, NOW
    )
    assert may_manage(person(3, Role.WARD_LEAD), broadcast)
    assert may_manage(person(1, Role.ORGANISER), broadcast)
    assert not may_manage(person(8, Role.WARD_LEAD), broadcast)
    assert not may_manage(person(3, Role.CADRE), broadcast)


def test_progress_is_edited_at_most_every_two_seconds_or_each_tenth() -> None:
    assert progress_due(last_at=None, last_handled=0, now=0.0, handled=1, total=100)
    assert not progress_due(last_at=10.0, last_handled=5, now=11.0, handled=9, total=100)
    assert progress_due(last_at=10.0, last_handled=5, now=11.0, handled=15, total=100)
    assert not progress_due(last_at=10.0, last_handled=5, now=10.5, handled=50, total=100)
    assert progress_due(last_at=10.0, last_handled=5, now=12.0, handled=6, total=100)
    assert not progress_due(last_at=10.0, last_handled=5, now=20.0, handled=5, total=100)
    assert not progress_due(last_at=None, last_handled=0, now=0.0, handled=0, total=0)


def test_the_report_counts_each_outcome_and_lists_who_to_call() -> None:
    lines = [
        DeliveryLine(1, "An", None, "Phường 1", "sent"),
        DeliveryLine(2, "Bình", "+8490", "Phường 2", "failed"),
        DeliveryLine(3, "Chi", None, "Phường 1", "unreachable"),
        DeliveryLine(4, "Dũng", None, None, "queued"),
    ]
    skipped = [DeliveryLine(5, "Em", "+8491", "Phường 3", "unreachable")]
    report = build_report(5, lines, skipped=skipped, acked=1)
    assert (report.sent, report.waiting, report.handled, report.acked) == (1, 1, 4, 1)
    assert [line.full_name for line in report.failed] == ["Bình"]
    assert [line.full_name for line in report.unreachable] == ["Em", "Chi"]
    assert not report.done


def test_batches_name_their_broadcast() -> None:
    assert broadcast_id_of(batch_name(42)) == 42
    assert broadcast_id_of("join:42") is None and broadcast_id_of("broadcast:x") is None


def test_the_pacer_keeps_under_the_overall_rate_after_its_burst() -> None:
    pacer = Pacer(rate=28, burst=20)
    now, sent = 0.0, 0
    while now < 10.0:
        wait = pacer.overall_wait(now)
        if wait == 0:
            pacer.take(f"{sent}", now)
            sent += 1
        else:
            now += wait
    assert sent <= 20 + 28 * 10 + 1
    assert sent >= 20 + 28 * 10 - 2


def test_the_pacer_allows_a_short_burst_per_chat_then_one_a_second() -> None:
    pacer = Pacer()
    for _ in range(3):
        assert pacer.chat_wait("42", 100.0) == 0.0
        pacer.take("42", 100.0)
    assert pacer.chat_wait("42", 100.0) == 1.0
    assert abs(pacer.chat_wait("42", 100.4) - 0.6) < 1e-9
    assert pacer.chat_wait("43", 100.0) == 0.0
    pacer.take("42", 101.0)
    assert pacer.chat_wait("42", 101.5) == 0.5


def test_groups_get_about_nineteen_messages_a_minute_after_their_burst() -> None:
    pacer = Pacer()
    for _ in range(3):
        pacer.take("-100123", 0.0)
    assert 3.1 < pacer.chat_wait("-100123", 0.0) < 3.2
    assert is_group_chat(-5) and not is_group_chat(5)


def test_a_retry_after_stops_everything_until_it_has_passed() -> None:
    pacer = Pacer()
    pacer.pause(3, 50.0)
    assert pacer.overall_wait(51.0) == 2.0
    assert pacer.overall_wait(53.0) > 0
    assert pacer.overall_wait(53.1) == 0.0
