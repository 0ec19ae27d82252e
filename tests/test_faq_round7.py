"""Issue #17, round 7: the categories that failed on set G when its misses were read, asserted one by one, and
development set G (tests/data/faq_dev_g.yaml, our own phrasings for them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.faq import to_plain
from bot.core.faq.smalltalk import small_talk
from eval.run import bot_answerer, load_items, score
from tests.faq_packaged import packaged_matcher

DEV_G = Path(__file__).parent / "data" / "faq_dev_g.yaml"


def test_set_g_stays_where_round_7_left_it():
    dev_g = score(load_items(DEV_G), bot_answerer(matcher=packaged_matcher()))
    assert dev_g.in_scope[0] >= dev_g.in_scope[1] - 2, dev_g.listed_misses()
    assert dev_g.out_of_scope[0] == dev_g.out_of_scope[1], dev_g.listed_misses()
    assert dev_g.small_talk[0] == dev_g.small_talk[1], dev_g.listed_misses()
    assert dev_g.wrong_document == 0, dev_g.listed_misses()


def test_points_asked_of_a_criterion_are_not_answered_with_what_the_criterion_is(matcher):
    # The criterion's entry says what it covers, not its points; the fact sheet leaves points unverified.
    result = matcher.ask("tiêu chí 7 của TT44 chấm tối đa được bao nhiêu điểm vậy")
    assert result.kind == "unconfirmed"
    assert result.entry is not None and "tối đa" in to_plain(result.entry.answer)


def test_a_date_asked_of_an_event_the_knowledge_base_only_names_is_declined(matcher):
    assert matcher.ask("ngày hội khuyến học của thành phố năm nay tổ chức ngày nào").kind == "none"


@pytest.mark.parametrize(
    "question",
    [
        "xin công nhận cộng đồng học tập theo TT25 có tốn tiền không chị",
        "hồi làm theo thông tư 44 xã nộp hồ sơ có phải trả tiền gì không",
    ],
)
def test_money_asked_in_everyday_words_is_a_question_about_the_fee(matcher, question):
    result = matcher.ask(question)
    assert result.kind in ("answer", "unconfirmed")
    assert "không thu" in to_plain(result.text())


def test_a_question_about_back_then_is_answered_from_the_repealed_circular(matcher):
    result = matcher.ask("lúc trước ai là người chủ trì kiểm tra cộng đồng học tập ở cấp huyện")
    assert result.kind == "answer"
    assert "Hội Khuyến học" in to_plain(result.text())


def test_a_long_message_that_ends_with_a_request_is_answered_from_its_request(matcher):
    message = (
        "Hội mình sắp họp tổng kết, anh chủ tịch dặn tôi dẫn đúng quyết định của Thủ tướng về học tập "
        "suốt đời trong gia đình, dòng họ. Cho tôi xin ngày ký của Quyết định 387 nhé."
    )
    result = matcher.ask(message)
    assert result.kind == "answer"
    assert "25/3/2022" in to_plain(result.text())


def test_what_kind_of_institution_a_centre_is_is_not_a_question_about_grading(matcher):
    result = matcher.ask("trung tâm học tập cộng đồng theo luật được xếp vào loại cơ sở gì vậy")
    assert result.kind == "answer"
    assert "giáo dục thường xuyên" in to_plain(result.text())


def test_a_question_typed_with_its_marks_is_not_outside_by_a_folded_coincidence(matcher):
    # "cơ sở do xã quản lý" folds to the letters of "sổ đỏ" (a land certificate, outside the FAQ).
    result = matcher.ask("trường học ở cơ sở do xã quản lý được đánh giá đơn vị học tập theo bộ tiêu chí nào")
    assert result.kind in ("answer", "unconfirmed")
    assert "448" in to_plain(result.text())
    assert matcher.ask("làm sổ đỏ ở phường mất mấy ngày").kind == "none"


@pytest.mark.parametrize(
    "question",
    [
        "chiều nay quận 10 có mưa không bot",
        "dự báo thời tiết tuần sau ở TP.HCM thế nào",
        "Will it rain in Ho Chi Minh City tomorrow?",
    ],
)
def test_the_weather_is_outside_the_faq_even_when_a_place_it_knows_is_named(matcher, question):
    assert matcher.ask(question, "en" if question.startswith("Will") else "vi").kind == "none"


@pytest.mark.parametrize(
    "message",
    ["chúc bot cuối tuần vui vẻ nha", "vậy thôi nha, hẹn lần sau mình hỏi tiếp", "chúc ad nhiều sức khỏe"],
)
def test_wishes_and_goodbyes_are_small_talk(message):
    assert small_talk(message) is not None
