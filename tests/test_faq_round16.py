"""Issue #17, round 16: what failed on the sets read so far (AH, AI and the dev sets AM, AN among them),
asserted one category at a time in our own phrasings. The floors of the frozen sets are in
`test_faq_round17.py`."""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher, KnowledgeBase
from bot.core.faq.documents import DocumentIndex, detect_fields
from bot.core.faq.model import to_plain
from bot.core.faq.telex import untelex


@pytest.mark.parametrize(
    "question",
    [
        "Bây giờ có phải năm nào cũng đánh giá lại như hồi TT44 không?",
        "Hiện nay CĐHT có còn đánh giá hằng năm như TT44 không?",
    ],
)
def test_asked_about_now_the_old_circular_compared_with_is_not_what_is_asked(matcher: FaqMatcher, question):
    said = to_plain(matcher.ask(question).text())
    assert said.startswith("Theo Thông tư 25/2023") and "bảo lưu 3 năm" in said


def test_asked_about_the_old_circular_itself_it_is_still_answered(matcher: FaqMatcher):
    found = matcher.ask("Hồi TT44 năm nào cũng phải đánh giá lại hả?")
    assert found.kind == "answer" and "hằng năm" in to_plain(found.text())


@pytest.mark.parametrize(
    "question",
    ["tốt 85 khá 70 là của TT44 hả", "hồi đó TT44 chấm 85 điểm là tốt, 70 là khá phải không"],
)
def test_the_learning_unit_scale_taken_for_the_old_circulars_is_set_right(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    said = to_plain(found.text())
    assert found.kind == "unconfirmed" and "TT 22/2020" in said and "không phải" in said


@pytest.mark.parametrize(
    "question",
    [
        "Bộ tiêu chí gia đình học tập có những nhóm nào vậy?",
        "bo tieu chi gdht cua qd448 gom nhung nhom nao",
    ],
)
def test_a_learning_familys_criteria_are_its_four_groups_not_whether_new_ones_came(
    matcher: FaqMatcher, question
):
    found = matcher.ask(question)
    said = to_plain(found.text())
    assert found.kind == "answer" and "trẻ em" in said and "người lớn" in said


def test_or_another_document_offers_an_alternative_it_compares_nothing(matcher: FaqMatcher):
    found = matcher.ask("Tổ dân phố được công nhận cộng đồng học tập là theo TT44 luôn hả hay văn bản khác?")
    assert found.parts == () and "448" in to_plain(found.text())


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Bot làm được những việc gì vậy?", "help"),
        ("Hello, can you answer in English?", "help"),
        ("Hi, who are you and what can you help with?", "who"),
    ],
)
def test_asking_what_the_bot_can_do_or_in_which_language_is_small_talk(matcher: FaqMatcher, message, kind):
    assert matcher.ask(message).small_talk == kind


@pytest.mark.parametrize(
    "question",
    [
        "Please give me the home address of our ward chairwoman, can you share it?",
        "cho xin số điện thoại của chị chủ tịch hội phường",
        "nhà ông Tư tổ trưởng ở đâu vậy bot",
    ],
)
def test_a_persons_own_data_is_not_the_faqs_to_give(matcher: FaqMatcher, question):
    assert matcher.ask(question).kind == "none"


def test_the_day_a_circular_began_to_apply_is_its_date_in_force_not_the_day_signed(matcher: FaqMatcher):
    said = to_plain(matcher.ask("Ngày Thông tư 25 bắt đầu có hiệu lực là ngày nào vậy?").text())
    assert "12/02/2024" in said and "27/12/2023" not in said


def test_the_day_a_circular_lost_effect_is_when_it_was_repealed(matcher: FaqMatcher):
    said = to_plain(matcher.ask("Thông tư 44 hết hiệu lực là ngày nào?").text())
    assert "12/02/2024" in said and "12/12/2014" not in said


def test_what_a_circular_says_on_one_point_is_the_entry_on_that_point(matcher: FaqMatcher):
    said = to_plain(matcher.ask("Thông tư 44 có quy định gì về cộng đồng học tập cấp huyện không?").text())
    assert "chỉ điều chỉnh" in said and "cấp xã" in said


def test_what_a_circular_is_about_in_general_is_still_its_record(matcher: FaqMatcher):
    found = matcher.ask("Thông tư 44 quy định về cái gì vậy?")
    assert found.kind == "answer" and "xếp loại" in to_plain(found.text())


def test_an_english_word_in_a_vietnamese_question_is_not_read_as_telex(matcher: FaqMatcher):
    assert untelex("list ra giup minh", frozenset(), lambda _: True) == "list ra giup minh"
    assert untelex("post leen nhom", frozenset(), lambda _: True) == "post len nhom"
    said = to_plain(matcher.ask("15 tieu chi cua tt44 la gi, list ra giup minh voi").text())
    assert "phổ cập" in said and "an ninh trật tự" in said


def test_how_many_days_asks_a_length_of_time_not_a_count_of_criteria(matcher: FaqMatcher):
    said = to_plain(matcher.ask("hồi TT44 huyện giải quyết hồ sơ xếp loại tổng cộng bao nhiêu ngày?").text())
    assert "15 ngày làm việc" in said


def test_whether_the_old_circular_also_rated_districts_and_provinces_is_its_scope(matcher: FaqMatcher):
    said = to_plain(matcher.ask("thông tư 44 có chấm cấp huyện, cấp tỉnh không hay chỉ cấp xã").text())
    assert "chỉ điều chỉnh" in said and "không quy định cấp huyện, tỉnh" in said


@pytest.mark.parametrize(
    "question",
    [
        "What happened to District 10 in Ho Chi Minh City after July 1, 2025?",
        "Is District 10 still there after the 2025 local government reform?",
        "What happened to the wards of District 10 in July 2025?",
    ],
)
def test_when_the_reform_came_frames_a_question_about_district_10(matcher: FaqMatcher, question):
    found = matcher.ask(question, "en")
    assert found.kind == "answer" and "1685" in to_plain(found.text())


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Alo alo, bot có nghe rõ không?", "who"),
        ("Dạ chào bot, tui là chi hội trưởng khu phố 3, mới vào nhóm, xin phép làm quen nha", "greeting"),
        ("Cảm ơn bot nhiều nha, chúc cả nhà sức khỏe", "thanks"),
        ("Hello, I'm a retired teacher from Ward 14, thank you", "thanks"),
    ],
)
def test_someone_introducing_themselves_or_checking_the_line_gets_a_kind_word(
    matcher: FaqMatcher, message, kind
):
    assert matcher.ask(message).small_talk == kind


@pytest.mark.parametrize(
    "message",
    [
        "Chào bot, tôi là cán bộ phường 12, muốn hỏi hồ sơ công nhận, cảm ơn",
        "Chào bot, tui là cán bộ mới, hồ sơ CĐHT gồm những gì",
        "Dạ chào bot, em là cán bộ phường, TT44 còn hiệu lực không ạ",
    ],
)
def test_an_introduction_before_a_question_leaves_the_question_asked(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind != "small_talk"


def test_under_the_circular_in_force_frames_the_question_it_is_not_what_is_asked(matcher: FaqMatcher):
    said = to_plain(
        matcher.ask("Xã được công nhận CĐHT theo văn bản đang áp dụng thì được bảo lưu trong bao lâu?").text()
    )
    assert "bảo lưu 3 năm" in said


def test_nd_followed_by_how_asks_what_a_document_says_not_a_decree(matcher: FaqMatcher):
    said = to_plain(matcher.ask("Công văn 6782 ban hành ngày nào? nd ntn vậy?").text())
    assert "29/12/2015" in said and "Gia đình học tập" in said


def test_two_syllables_typed_together_with_a_telex_key_are_read_without_it(matcher: FaqMatcher):
    assert (
        untelex("thong tu 44 hieulucj tu ngay nao", frozenset(), lambda _: True)
        == "thong tu 44 hieuluc tu ngay nao"
    )
    said = to_plain(matcher.ask("thongtu 25 co hieulucj tu ngay nao").text())
    assert "12/02/2024" in said and "27/12/2023" not in said


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("tc1 của TT44 nói về cái gì", "lãnh đạo"),
        ("thông tư 25 ký ngày nhiêu vậy", "27/12/2023"),
        ("phường 12 quận 10 giờ nhập đâu rồi", "1685"),
        ("Thông tư 25 đặt ra để làm chi vậy bot?", "nhằm"),
        ("hồ sơ gởi lên huyện hồi TT44 gồm mấy thứ", "tờ trình"),
        ("chấm TT44 có cần mc không", "minh chứng"),
    ],
)
def test_shorthand_and_southern_words_cadres_type(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert found.kind == "answer" and said in to_plain(found.text())


def test_what_the_person_will_do_with_the_answer_is_not_part_of_the_question(matcher: FaqMatcher):
    said = to_plain(matcher.ask("thông tư 25 ký ngày nào vậy, tui ghi vô sổ tay").text())
    assert "27/12/2023" in said


def test_the_year_a_decisions_targets_run_to_is_not_the_day_it_was_signed(matcher: FaqMatcher):
    said = to_plain(matcher.ask("QĐ 281 mục tiêu đến năm nào vậy?").text())
    assert "2020" in said and "được ban hành ngày" not in said


def test_what_replaced_a_circular_asked_as_cai_gi_thay_is_its_successor():
    assert detect_fields("cai gi thay tt22 2020 vay") == ["repealed_by"]


def test_an_article_named_with_its_decree_is_the_entry_whose_source_cites_it(matcher: FaqMatcher):
    found = matcher.ask("NĐ 46/2017 điều 43 nói về cái gì")
    assert found.kind == "answer" and found.entry is not None and found.entry.id == "tthtcd-establish"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("387 đặt mục tiêu cộng đồng học tập bao nhiêu phần trăm", "65%"),
        ("448 gồm những danh hiệu gì", "Dòng họ học tập"),
    ],
)
def test_a_decisions_number_typed_alone_names_that_decision(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert found.kind == "answer" and said in to_plain(found.text())


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("theo 448 thì sao", "theo QĐ 448 thì sao"),
        ("phường 448 có 281 hộ", "phường 448 có 281 hộ"),
        ("QĐ 448 và công văn 6782", "QĐ 448 và công văn 6782"),
        ("what is dcision 448", "what is dcision 448"),
    ],
)
def test_a_number_after_a_ward_a_kind_or_a_misspelt_kind_or_before_a_count_is_no_decision(typed, read):
    assert DocumentIndex(KnowledgeBase.load().documents).with_kinds(typed) == read


def test_a_number_after_a_misspelt_kind_is_left_to_the_spelling_mender(matcher: FaqMatcher):
    found = matcher.ask("what is dcision 448")
    assert found.entry is not None and found.entry.id == "qd448-identity"
