"""Issue #17, round 11: the categories that failed on set K when its misses were read, asserted one by one,
and set K's floor (a tuned-on set from this round on)."""

from __future__ import annotations

import pytest

from tests.faq_packaged import scored_blind_set


def test_set_k_stays_where_round_11_left_it():
    set_k = scored_blind_set("k")
    assert set_k.in_scope[0] >= 216, set_k.listed_misses()
    # 47 since round 14: "HKHVN thành lập năm nào" scores 0.4100, not 0.4099 (the suggestion line is 0.41),
    # once round 14's everyday words joined the vocabulary: it is offered suggestions, not declined
    assert set_k.out_of_scope[0] >= 47, set_k.listed_misses("out_of_scope")
    assert set_k.small_talk[0] == set_k.small_talk[1]
    assert set_k.wrong_document == 0, set_k.listed_misses()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("tiêu chí thứ 8 trong thông tư 44 nói về cái gì", "tt44-criteria-lifelong-learning"),
        ("tieu chi thu 2 cua tt44 la gi vay", "tt44-criteria-leadership"),
    ],
)
def test_a_criterion_asked_by_its_ordinal_is_no_directive(matcher, question, entry):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == entry


def test_chi_thi_with_its_number_is_still_a_directive(matcher):
    assert matcher.ask("chỉ thị 04 của thành ủy ban hành ngày nào").document == "ct4-tu"


@pytest.mark.parametrize(
    "question",
    [
        "Hội Khuyến học Việt Nam thành lập năm nào",
        "TTHC số 1.005097 là TTHC nào",
    ],
)
def test_sharing_an_abbreviations_letters_does_not_make_a_question_about_abbreviations(matcher, question):
    found = matcher.ask(question)
    assert found.entry is None or "abbrev" not in found.entry.sections


def test_what_an_abbreviation_means_still_finds_the_abbreviations(matcher):
    found = matcher.ask("HKH là gì")
    assert found.entry is not None and "Hội Khuyến học" in found.text()


def test_who_holds_an_office_now_is_declined_however_now_is_said(matcher):
    assert matcher.ask("chủ tịch hội khuyến học thành phố hiện giờ là ai").kind == "none"


def test_what_can_you_help_me_with_is_small_talk(matcher):
    assert matcher.ask("What can you help me with?", "en").kind == "small_talk"


def test_the_year_after_a_recognition_is_next_year(matcher):
    found = matcher.ask("xã tôi được công nhận CĐHT năm 2024, vậy năm 2025 có phải làm lại hồ sơ không")
    assert found.kind == "answer" and "3 năm" in found.text(), found.text()
    assert matcher._normaliser.text("năm 2024 thì năm 2025") == "nam 2024 thi nam sau"


def test_the_articles_a_part_of_circular_25_spans(matcher):
    assert "Điều 5–9" in matcher.ask("thông tư 25 phần cấp xã nằm từ điều mấy tới điều mấy").text()


def test_a_scheme_named_by_its_decisions_number_is_that_decision(matcher):
    found = matcher.ask("de an 387 muc tieu den 2025 la bao nhieu phan tram")
    assert found.entry is not None and found.entry.id == "targets-2025"
    assert matcher._normaliser.text("đề án 2012-2020") == "de an 2012 2020"


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("thời hạn giải quyết thủ tục xếp loại theo TT44 là mấy ngày", "vi"),
        ("How many working days did the district take to settle a Circular 44 file?", "en"),
    ],
)
def test_the_procedures_processing_time(matcher, question, locale):
    found = matcher.ask(question, locale)
    assert found.entry is not None and found.entry.id == "tt44-admin-procedure"


def test_another_ministrys_cultural_titles_are_declined(matcher):
    assert matcher.ask("điều kiện công nhận gia đình văn hóa năm nay").kind == "none"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("bot ơi", "greeting"),
        ("ê bot", "greeting"),
        ("chúc mừng năm mới", "greeting"),
        ("xin chào, tôi là cán bộ mới", "greeting"),
        ("ai tạo ra bot này", "who"),
        ("who made you", "who"),
        ("giúp", "help"),
        ("tôi có thể hỏi gì", "help"),
        ("thank u", "thanks"),
        ("ok bot", "thanks"),
        ("vâng ạ", "thanks"),
        ("bot giỏi quá", "thanks"),
    ],
)
def test_calls_acknowledgements_and_wishes_are_small_talk(matcher, message, kind):
    found = matcher.ask(message)
    assert found.kind == "small_talk" and found.small_talk == kind


@pytest.mark.parametrize("message", ["tỷ giá đô la hôm nay", "ok vậy TT44 còn hiệu lực không"])
def test_a_message_with_more_than_small_talk_is_not_small_talk(matcher, message):
    assert matcher.ask(message).kind != "small_talk"
