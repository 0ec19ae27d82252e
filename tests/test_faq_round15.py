"""Issue #17, round 15: what failed on the sets read so far (AD, AE, AF and the small-talk set among them),
asserted one category at a time in our own phrasings. The frozen sets' floors are in test_faq_round17."""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher
from bot.core.faq.model import to_plain


def test_how_many_criteria_the_old_circular_had_names_them_too(matcher: FaqMatcher):
    found = matcher.ask("TT44 chấm cộng đồng học tập bằng mấy tiêu chí vậy?")
    said = to_plain(found.text())
    assert found.kind == "answer" and "15 tiêu chí" in said
    assert all(name in said for name in ("giảm hộ nghèo", "bình đẳng giới", "an ninh trật tự"))


def test_a_circular_in_force_is_said_to_apply_now(matcher: FaqMatcher):
    found = matcher.ask("TT25/2023 bây giờ còn hiệu lực không?")
    assert found.document == "tt25"
    assert "đang có hiệu lực và đang áp dụng" in to_plain(found.text())


@pytest.mark.parametrize(
    "question",
    [
        "Phường 14 hồi năm 2018 xếp loại cộng đồng học tập được loại mấy vậy?",
        "Năm ngoái Quận 3 có bao nhiêu phường được công nhận cộng đồng học tập?",
        "Đà Nẵng năm 2024 có xã nào đạt mức độ 2 không, được công nhận chưa?",
    ],
)
def test_how_a_named_place_fared_is_declined_the_bot_knows_rules_not_results(matcher: FaqMatcher, question):
    assert matcher.ask(question).kind == "none"


@pytest.mark.parametrize(
    "question",
    [
        "Phường 14 muốn được công nhận mức độ 2 thì cần những gì?",
        "Phường 12 năm 2023 được xếp loại theo TT44, sang năm 2024 thì đánh giá theo văn bản nào?",
    ],
)
def test_a_named_place_asking_about_the_rules_is_answered(matcher: FaqMatcher, question):
    assert matcher.ask(question).kind == "answer"


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("Hồi năm 2017 phường chấm cộng đồng học tập theo văn bản nào vậy?", "Thông tư 44/2014"),
        ("năm 2021 xếp loại cộng đồng học tập theo thông tư nào", "Thông tư 44/2014"),
        ("Đến năm 2025 thì công nhận cộng đồng học tập theo thông tư nào?", "Thông tư 25/2023"),
    ],
)
def test_which_document_applied_in_a_year_is_the_one_in_force_that_year(
    matcher: FaqMatcher, question, document
):
    found = matcher.ask(question)
    first_sentence = to_plain(found.text()).split(". ")[0]
    assert found.kind == "answer" and document in first_sentence


def test_a_year_that_is_part_of_a_documents_number_is_no_year_it_applied_in(matcher: FaqMatcher):
    found = matcher.ask("van ban nao thay cho thong tu 44 nam 2014")
    assert "25/2023" in to_plain(found.text())


def test_a_later_year_after_a_story_about_the_old_circular_is_told_what_replaced_it(matcher: FaqMatcher):
    found = matcher.ask("Phường tui năm 2022 chấm theo TT44 rồi, qua đợt đánh giá năm 2025 theo văn bản nào?")
    assert found.kind == "answer" and found.document == "tt25"


def test_chat_about_what_folks_say_is_not_read_as_the_question(matcher: FaqMatcher):
    told = "nghe người ta nói lung tung quá trời"
    assert matcher._normaliser.tokens(told, matcher._compounds) == []


def test_a_criterion_asked_among_southern_chat_is_answered(matcher: FaqMatcher):
    found = matcher.ask("Bộ tiêu chí TT44 có cái nào về sức khỏe hông, nghe người ta nói lung tung quá trời")
    assert found.kind == "answer" and "sức khỏe cộng đồng" in to_plain(found.text())


def test_who_issued_a_named_document_does_not_pull_towards_another_entry_on_that_issuer(matcher: FaqMatcher):
    found = matcher.ask("QĐ 448 của Hội Khuyến học Việt Nam nói tới những danh hiệu nào?")
    said = to_plain(found.text())
    assert found.kind == "answer" and "Dòng họ học tập" in said and "Gia đình học tập" in said


def test_which_law_a_consolidated_text_consolidates_is_what_it_is(matcher: FaqMatcher):
    found = matcher.ask("VBHN số 03/VBHN-VPQH là của luật gì vậy?")
    assert found.document == "vbhn3" and "Luật Khiếu nại" in to_plain(found.text())


@pytest.mark.parametrize("question", ["TT25 Bộ ký bữa nào dzậy?", "thong tu 25 ky ngayy naoo"])
def test_the_day_signed_asked_in_southern_words_or_with_a_key_held_down_is_the_date(
    matcher: FaqMatcher, question
):
    found = matcher.ask(question)
    assert found.document == "tt25" and "27/12/2023" in to_plain(found.text())


def test_which_document_a_residential_groups_title_follows_is_the_associations_decision(matcher: FaqMatcher):
    found = matcher.ask("Danh hiệu cộng đồng học tập của tổ dân phố xét theo TT25 hay văn bản nào?")
    assert found.document == "qd448"


def test_the_provision_on_a_circulars_effect_is_its_article_on_effect(matcher: FaqMatcher):
    found = matcher.ask("Cho hỏi điều khoản về hiệu lực của TT25/2023 nằm ở điều mấy?")
    assert "Điều 25" in to_plain(found.text())


def test_a_learning_familys_primary_pupils_need_only_meet_requirements_in_conduct(matcher: FaqMatcher):
    found = matcher.ask("Xét gia đình học tập thì cháu học tiểu học hạnh kiểm phải đạt mức nào?")
    assert found.kind == "answer" and "đạt yêu cầu" in to_plain(found.text())


@pytest.mark.parametrize(
    "question", ["TT44 tiêu chí số 11 với số 13 là gì vậy?", "tiêu chí 11 và tiêu chí 13 của TT44 nói về gì"]
)
def test_two_criteria_asked_by_number_are_both_named(matcher: FaqMatcher, question):
    said = to_plain(matcher.ask(question).text())
    assert "giảm hộ nghèo" in said and "vệ sinh" in said


def test_which_resolution_rearranged_the_wards_is_found_whatever_else_says_lai(matcher: FaqMatcher):
    found = matcher.ask("Nghị quyết nào sắp xếp lại các phường của thành phố năm 2025 vậy?")
    assert found.document == "nq1685"


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("dạ", "ack"),
        ("👍", "ack"),
        ("hihi", "ack"),
        ("test", "ack"),
        ("chờ chút nha", "ack"),
        ("xin lỗi, tôi gõ nhầm", "apology"),
        ("sorry, my mistake", "apology"),
        ("bot trả lời sai rồi", "complaint"),
        ("không đúng ý tôi hỏi", "complaint"),
        ("that answer is wrong", "complaint"),
        ("tôi không biết hỏi gì", "help"),
        ("cho xin cái menu", "help"),
        ("ai làm ra con bot này vậy", "who"),
        ("bái bai nha", "goodbye"),
    ],
)
def test_a_nod_an_apology_or_a_complaint_gets_a_kind_word_not_the_decline(matcher: FaqMatcher, message, kind):
    found = matcher.ask(message)
    assert found.kind == "small_talk" and found.small_talk == kind


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("ack", "anh/chị cứ nhắn câu hỏi"),
        ("apology", "không sao"),
        ("complaint", "Xin lỗi anh/chị vì câu trả lời chưa đúng ý"),
    ],
)
def test_each_new_kind_of_small_talk_is_answered_in_vietnamese_by_default(kind, said):
    from bot.commands import ask
    from bot.core.faq.texts import small_talk_text

    assert said in small_talk_text(kind, ask.load_translations("vi").gettext)


@pytest.mark.parametrize(
    "question",
    ["xin lỗi, TT44 còn hiệu lực không?", "dạ cho hỏi TT25 ký ngày nào", "ok, vậy QĐ 448 ký ngày nào?"],
)
def test_a_question_after_an_apology_or_a_nod_is_still_answered(matcher: FaqMatcher, question):
    assert matcher.ask(question).kind == "answer"


@pytest.mark.parametrize(
    "question", ["QĐ 448 dùng cho những năm nào vậy?", "quyet dinh 448 ap dung tu nam nao toi nam nao"]
)
def test_the_years_a_decision_covers_are_its_period_not_the_day_it_was_signed(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    assert found.kind == "answer" and "2016–2020" in to_plain(found.text())


@pytest.mark.parametrize(
    "message", ["Máy tính bị chậm, sửa thế nào?", "Máy in ở phường bị kẹt giấy, sửa sao?"]
)
def test_a_bare_half_question_after_an_everyday_matter_is_declined(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind == "none"


def test_a_bare_half_question_after_a_named_document_is_still_answered(matcher: FaqMatcher):
    found = matcher.ask("Người ta nói thông tư 25 ra cuối năm 2023 phải hông, ngày mấy vậy?")
    assert found.kind == "answer" and "27/12/2023" in to_plain(found.text())
