"""Issue #17, round 4: development set 4 (tests/data/faq_dev4.yaml, scored like the eval sets): colloquial
phrasing, long messages with the question buried in chatter, small talk alone and before a question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.faq import focus
from bot.core.faq.smalltalk import is_chatter, small_talk
from eval.run import Scores, bot_answerer, load_items, score
from tests.faq_packaged import packaged_matcher

DEV4 = Path(__file__).parent / "data" / "faq_dev4.yaml"


@pytest.fixture(scope="module")
def dev4() -> Scores:
    return score(load_items(DEV4), bot_answerer(matcher=packaged_matcher()))


def test_dev4_stays_where_round_4_left_it(dev4):
    assert Scores.rate(dev4.in_scope) >= 0.94, dev4.listed_misses()
    assert dev4.out_of_scope[0] == dev4.out_of_scope[1], dev4.listed_misses()
    assert dev4.small_talk[0] == dev4.small_talk[1], dev4.listed_misses()
    assert dev4.wrong_document == 0, dev4.listed_misses()


@pytest.mark.parametrize(
    "message",
    ["cảm ơn bot nhiều nha, giúp được nhiều lắm", "ok em hiểu rồi, cảm ơn ạ", "alo alo có ai không"],
)
def test_thanks_and_greetings_in_chat_words_are_small_talk(message):
    assert small_talk(message) is not None


def test_a_greeting_with_a_question_is_a_question(matcher):
    assert small_talk("chào bot, cho hỏi tt44 còn hiệu lực không") is None
    assert matcher.ask("chào bot, cho hỏi tt44 còn hiệu lực không").kind == "answer"


@pytest.mark.parametrize("clause", ["nhờ bot xem giúp", "em cảm ơn nhiều", "xin lỗi làm phiền"])
def test_requests_thanks_and_apologies_in_a_long_message_are_chatter(clause):
    assert is_chatter(clause)


def test_a_long_message_keeps_the_question_and_not_a_negated_who_in_its_story():
    question, _ = focus.split(
        "chị phụ trách cũ đã chuyển công tác nên em không có ai hướng dẫn, em muốn hỏi là bây giờ "
        "thông tư 44 còn dùng được không, em cảm ơn nhiều"
    ) or ("", ())
    assert "không có ai" not in question and "cảm ơn" not in question


def test_a_document_date_buried_in_a_long_message_is_answered(matcher):
    result = matcher.ask(
        "em đang làm báo cáo cho phường, trong báo cáo có đoạn phải ghi căn cứ pháp lý, em không chắc "
        "thông tư 25 về cộng đồng học tập ký ngày nào nữa, nhờ bot xem giúp"
    )
    assert result.kind == "answer" and "27/12/2023" in result.text()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("ủa thông tư 44 giờ còn xài được ko vậy ta", "tt44-status"),
        ("cấp huyện xử lý hồ sơ xếp loại mất bao lâu vậy mấy anh", "tt44-annual-timeline"),
    ],
)
def test_southern_particles_and_colloquial_verbs_do_not_hide_the_question(matcher, question, entry):
    result = matcher.ask(question)
    assert result.kind == "answer" and result.entry is not None and result.entry.id == entry
