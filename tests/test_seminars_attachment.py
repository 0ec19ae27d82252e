"""The document sent with a seminar's invitations: a file of at most 10 MB; anything else is refused politely
and the dialog waits for a file or Skip."""

from __future__ import annotations

import pytest

from bot.conversation.inputs import SharedFile
from tests.harness import TOKEN, BotUnderTest, Person, texts
from tests.test_seminars_dialog import people


async def up_to_the_attachment(organiser: Person) -> None:
    await organiser.send("/seminar_new")
    await organiser.send("Đọc sách cùng con")
    await organiser.press("Phường 1")
    await organiser.press("Xong")
    await organiser.send("27/11 8h")
    await organiser.press("Đúng")
    await organiser.press("Bỏ qua")
    await organiser.send("Nhà văn hóa Phường 1")
    await organiser.press("Lãnh đạo hội phường")
    await organiser.press("Xong")
    await organiser.press("Bỏ qua")


async def upload(bot: BotUnderTest, organiser: Person, data: bytes, name: str = "chuong-trinh.pdf") -> list:
    return await organiser._act(
        lambda: bot.emu.send_document(TOKEN, organiser.user, data, name, "application/pdf")
    )


async def test_a_file_over_10_mb_or_a_photo_is_refused_and_the_dialog_waits(bot: BotUnderTest) -> None:
    organiser, minh, *_ = await people(bot)
    await up_to_the_attachment(organiser)

    replies = await upload(bot, organiser, b"%PDF" + b"0" * (10 * 1024 * 1024))
    assert "Tệp này quá lớn (tối đa 10 MB)" in texts(replies)
    replies = await organiser.send_photo(b"\x89PNG chuong trinh")
    assert "Xin vui lòng gửi tài liệu dưới dạng tệp, hoặc chọn Bỏ qua." in texts(replies)
    replies = await upload(bot, organiser, b"%PDF-1.4 chuong trinh")
    assert "Tài liệu kèm theo: chuong-trinh.pdf" in texts(replies)
    await organiser.press("Tạo và gửi giấy mời")
    documents = [r for r in minh.inbox() if r.method == "sendDocument" and "lịch điện thoại" not in r.text]
    assert len(documents) == 1 and "Tài liệu cho buổi tọa đàm «Đọc sách cùng con»" in documents[0].text


@pytest.mark.channels("transcript")
async def test_on_any_channel_a_file_too_large_is_refused_and_a_small_one_goes_with_the_invitations(
    bot: BotUnderTest,
) -> None:
    organiser, minh, *_ = await people(bot)
    await up_to_the_attachment(organiser)

    too_large = SharedFile(
        f"doc-{11 * 1024 * 1024}-x", image=False, filename="to.pdf", mime_type="application/pdf"
    )
    assert "Tệp này quá lớn (tối đa 10 MB)" in texts(await organiser._do(too_large))
    small = SharedFile("doc-2048-x", image=False, filename="chuong-trinh.pdf", mime_type="application/pdf")
    assert "Tài liệu kèm theo: chuong-trinh.pdf" in texts(await organiser._do(small))
    await organiser.press("Tạo và gửi giấy mời")
    documents = [r for r in minh.inbox() if r.method == "sendDocument" and "lịch điện thoại" not in r.text]
    assert len(documents) == 1 and "Tài liệu cho buổi tọa đàm «Đọc sách cùng con»" in documents[0].text
    assert documents[0].params["filename"] == "chuong-trinh.pdf"
