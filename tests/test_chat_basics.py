"""What every member can do anywhere: help, profile, language, cancel, and polite answers to anything else."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core.models import MemberStatus, Role
from bot.emulator import FakeUser
from tests.harness import TOKEN, BotUnderTest, active_member, texts


async def test_help_lists_only_what_the_members_role_may_do(bot: BotUnderTest) -> None:
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    admin = await bot.member(4002, "Võ Văn Tám", Role.ADMIN)
    cadre_help = texts(await cadre.send("/help"))
    admin_help = texts(await admin.send("/help"))
    assert "/me — Thông tin của anh/chị" in cadre_help
    assert "/role" not in cadre_help and "/pending" not in cadre_help
    assert "/role — Đổi vai trò của thành viên (quản trị)" in admin_help
    assert "/pending" in admin_help and "/invite" in admin_help


async def test_profile_shows_role_ward_and_chapter(bot: BotUnderTest) -> None:
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3", chapter="Chi hội Khu phố 2")
    profile = texts(await cadre.send("/me"))
    assert "<b>Phạm Thị Thu</b>" in profile
    assert "Vai trò: Cán bộ chi hội" in profile
    assert "Phường: Phường 3" in profile and "Chi hội: Chi hội Khu phố 2" in profile
    assert "Ngôn ngữ: Tiếng Việt" in profile


async def test_vietnamese_is_the_default_whatever_the_phone_language(bot: BotUnderTest) -> None:
    english_phone = bot.person(4100, "John")
    english_phone.user = FakeUser(id=4100, first_name="John", language_code="en")
    assert "Xin chào!" in texts(await english_phone.send("/start"))


async def test_the_chosen_language_is_remembered_across_restarts(bot: BotUnderTest) -> None:
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    await cadre.send("/language")
    replies = await cadre.press("English")
    assert "Language set to English." in texts(replies)
    assert "👤 My profile" in cadre.menu()
    await bot.restart()
    assert "Role: Chapter cadre" in texts(await cadre.send("/me"))
    await cadre.send("/ngonngu")
    await cadre.press("Tiếng Việt")
    assert "Vai trò: Cán bộ chi hội" in texts(await cadre.send("/me"))


async def test_menu_buttons_work_like_commands(bot: BotUnderTest) -> None:
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    await cadre.send("/start")
    assert "👤 Thông tin của tôi" in cadre.menu() and "❔ Hướng dẫn" in cadre.menu()
    assert "Vai trò: Cán bộ chi hội" in texts(await cadre.send("👤 Thông tin của tôi"))
    assert "/me" in texts(await cadre.send("❔ Hướng dẫn"))


async def test_unknown_commands_and_cancel_get_short_helpful_answers(bot: BotUnderTest) -> None:
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    assert "Tôi không hiểu lệnh này." in texts(await cadre.send("/xoa_het"))
    assert "Không có việc gì đang làm để hủy." in texts(await cadre.send("/cancel"))
    stranger = bot.person(4200, "Khách")
    assert "hiện chưa có câu trả lời cho câu hỏi này" in texts(await stranger.send("🙂"))
    photo = texts(await stranger.send_photo(b"\x89PNG\r\n\x1a\n" + b"\0" * 64))
    assert "Gửi /start để đăng ký vào chi hội" in photo


async def test_commands_are_registered_in_both_languages(bot: BotUnderTest) -> None:
    vietnamese = {c["command"]: c["description"] for c in bot.emu.commands(TOKEN)}
    english = {c["command"]: c["description"] for c in bot.emu.commands(TOKEN, language_code="en")}
    assert vietnamese["start"] == "Bắt đầu hoặc đăng ký"
    assert english["start"] == "Start or register"
    assert set(vietnamese) == set(english)


async def test_admin_ids_are_district_admins_from_the_first_start(tmp_path: Path) -> None:
    async with BotUnderTest.running(tmp_path, admin_ids=frozenset({5555})) as harness:
        chair = harness.person(5555, "Hạnh")
        await chair.send("/start")
        member = await active_member(harness.services, 5555)
        assert member is not None and member.role is Role.ADMIN and member.status is MemberStatus.ACTIVE


async def test_an_unexpected_error_is_logged_and_answered_with_an_apology(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    cadre = await bot.member(4001, "Phạm Thị Thu", Role.CADRE, ward="Phường 3")
    bot.emu.inject_fault(
        TOKEN,
        "sendMessage",
        chat_id=cadre.chat_id,
        error_code=400,
        description="Bad Request: something unexpected",
    )
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        replies = await cadre.send("/me")
    assert "Xin lỗi, hệ thống gặp sự cố" in texts(replies)
    assert any("unhandled error while handling update" in r.getMessage() for r in caplog.records)
    assert "Phạm Thị Thu" not in caplog.text
    assert "Vai trò" in texts(await cadre.send("/me"))
