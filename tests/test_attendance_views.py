"""How a training session reads and looks, on any channel: the card, the organisers' choices (a seminar's
check-in has only the check-in ones), the tokens of long-lived buttons, the poster with and without a link."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from PIL import Image

from bot.conversation.tokens import Token
from bot.core.attendance import Training, TrainingStatus
from bot.core.audience import EVERYONE
from bot.i18n import I18n
from bot.views.attendance.poster import checkin_poster
from bot.views.attendance.texts import card, when_text
from handlers.attendance.common import ManageOpen, TrainingAnswer, answer_choices
from handlers.attendance.organiser import manage_choices
from tests.harness import VN

STARTS = datetime(2026, 11, 25, 8, 0, tzinfo=VN)


def training(**changes: object) -> Training:
    values: dict = {
        "id": 7,
        "title": "Tập huấn <nghiệp vụ>",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=3),
        "venue": "Hội trường UBND Phường 1",
        "description": None,
        "capacity": 40,
        "audience": EVERYONE,
        "status": TrainingStatus.SCHEDULED,
    }
    values.update(changes)
    return Training(**values)


def labels(choices) -> list[str]:
    return [c.label for row in choices for c in row]


def test_the_card_says_what_when_and_where_with_peoples_data_escaped() -> None:
    t = I18n.load(tz=VN).translator("vi")
    assert when_text(t, training()) == "Thứ Tư, 25/11/2026 08:00–11:00"
    assert card(t, training()).splitlines() == [
        "<b>Tập huấn &lt;nghiệp vụ&gt;</b>",
        "🕗 Thứ Tư, 25/11/2026 08:00–11:00",
        "📍 Hội trường UBND Phường 1",
    ]


def test_a_seminars_check_in_session_offers_only_the_check_in_choices() -> None:
    t = I18n.load(tz=VN).translator("vi")
    full = labels(manage_choices(t, training())) + labels(manage_choices(t, training(), more=True))
    assert "➕ Mời thêm" in full and "❌ Hủy buổi tập huấn" in full and "🕒 Dời lịch" in full
    seminar = labels(manage_choices(t, training(seminar_id=3)))
    assert seminar == [
        "👥 Tình hình điểm danh",
        "📷 Mã QR",
        "✍️ Điểm danh giúp",
        "🙋 Ghi có phép",
        "📊 Danh sách Excel",
    ]


def test_long_lived_buttons_keep_the_wire_form_they_had_before_the_upgrade() -> None:
    t = I18n.load(tz=VN).translator("vi")
    tokens = [c.token for row in answer_choices(t, training(), manage=True) for c in row]
    assert [tok.encode() for tok in tokens if tok] == ["v1:tr:r:7", "v1:tr:d:7", "v1:tm:m:7:-"]
    pages = (*manage_choices(t, training()), *manage_choices(t, training(), more=True))
    wire = {c.token.encode() for row in pages for c in row if c.token}
    assert wire >= {
        "v1:tm:l:7:-",
        "v1:tm:q:7:-",
        "v1:tm:s:7:ci",
        "v1:tm:s:7:ex",
        "v1:tm:x:7:-",
        "v1:tm:e:7:title",
        "v1:tm:e:7:venue",
        "v1:tm:e:7:description",
        "v1:tm:e:7:capacity",
        "v1:tm:e:7:late",
        "v1:tm:e:7:when",
        "v1:ti:s:7:-",
        "v1:tm:c:7:-",
    }
    assert Token.parse("v1:tr:d:7") == TrainingAnswer("d", 7)
    assert Token.parse("v1:tm:m:7:-") == ManageOpen(7)
    assert Token.parse("v1:tr:x:7") is None and Token.parse("v1:tm:e:7:password") is None


def test_the_training_card_shows_at_most_eight_choices_two_to_a_row_with_the_rest_under_more() -> None:
    t = I18n.load(tz=VN).translator("vi")
    main = manage_choices(t, training())
    more = manage_choices(t, training(), more=True)
    assert len(labels(main)) <= 8 and len(labels(more)) <= 8
    assert all(len(row) <= 2 for row in (*main, *more))
    assert labels(main)[-1] == "Thêm…" and labels(more)[-1] == "« Quay lại"
    assert set(labels(main)) & set(labels(more)) == set()
    assert "🕒 Dời lịch" in labels(main) and "❌ Hủy buổi tập huấn" in labels(more)


def test_the_poster_is_a_png_with_or_without_a_link_to_scan() -> None:
    with_link = Image.open(io.BytesIO(checkin_poster("https://t.me/bot?start=ci_K7M4QP", "K7M4QP")))
    code_only = Image.open(io.BytesIO(checkin_poster(None, "K7M4QP")))
    assert with_link.format == code_only.format == "PNG"
    assert with_link.height > with_link.width  # the code is printed under the QR code
    assert code_only.width > code_only.height  # only the code, in large letters
