"""Issue #17, round 10: the categories that failed on set J when its misses were read, asserted one by one,
and set J's floor (a tuned-on set from this round on)."""

from __future__ import annotations

import pytest

from tests.faq_packaged import scored_blind_set


def test_set_j_stays_where_round_10_left_it():
    set_j = scored_blind_set("j")
    assert set_j.in_scope[0] >= 215, set_j.listed_misses()
    assert set_j.out_of_scope[0] >= 48, set_j.listed_misses("out_of_scope")
    assert set_j.small_talk[0] == set_j.small_talk[1]
    assert set_j.wrong_document == 0, set_j.listed_misses()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        # the same wording without "CĐHT / TT25" would score as high: naming the subject is what lets it
        # through when the wording is the person's own
        ("hồ sơ cđht theo tt25 gửi qua bưu điện được không", "tt25-submission"),
        ("kq xếp loại cđht theo tt44 có được giữ mấy năm không", "tt44-retention"),
    ],
)
def test_a_question_naming_the_subject_is_answered_in_the_persons_own_words(matcher, question, entry):
    found = matcher.ask(question)
    assert found.kind in ("answer", "unconfirmed") and found.entry is not None and found.entry.id == entry


def test_naming_the_subject_lowers_the_bar_only_for_questions_that_name_it(matcher):
    strict = {"answer_threshold": 0.99, "suggest_threshold": 0.98}
    lowered = type(matcher)(matcher.kb, subject_threshold=0.5, **strict)
    naming = "Hội khuyến học xã theo TT44 lo những khâu nào trong đánh giá CĐHT"
    assert lowered.ask(naming).kind == "answer"
    assert lowered.ask("Hội khuyến học xã lo những khâu nào trong đánh giá").kind == "none"
    assert type(matcher)(matcher.kb, subject_threshold=0.99, **strict).ask(naming).kind == "none"


def test_an_entry_about_another_document_does_not_answer_at_the_lower_bar(matcher):
    # TT44's procedure entry scores 0.36 here: enough for a question on TT44, not for one on TT 26/2025
    found = matcher.ask("TT 26/2025 chuyển tq từ huyện về CT UBND xã hả")
    assert found.kind == "none" or "26/2025" in found.text(), found.text()


@pytest.mark.parametrize(
    ("question", "locale", "spelled"),
    [
        ("ĐVHT với XHHT là chữ viết tắt của gì", "vi", ["Đơn vị học tập", "xã hội học tập"]),
        ("gdht, dhht viet tat la gi vay", "vi", ["Gia đình học tập", "Dòng họ học tập"]),
        ("What do BCĐ and GDTX stand for?", "en", ["Steering Committee", "continuing education"]),
    ],
)
def test_what_abbreviations_stand_for_is_answered_for_each_one_asked(matcher, question, locale, spelled):
    found = matcher.ask(question, locale)
    assert found.kind == "answer" and found.parts == ()
    assert all(full in found.text() for full in spelled), found.text()
    assert found.entry is not None and found.entry.source


def test_abbreviations_are_spelled_out_in_the_order_they_were_asked(matcher):
    text = matcher.ask("What do BCĐ and GDTX stand for?", "en").text()
    assert text.index("BCĐ") < text.index("GDTX"), text


def test_one_abbreviation_with_an_entry_of_its_own_gets_that_entry(matcher):
    found = matcher.ask("TTHTCĐ viết tắt của chữ gì")
    assert found.entry is not None and found.entry.id == "abbrev-tthtcd"


@pytest.mark.parametrize(
    "question",
    [
        "xã đạt CĐHT được thưởng bao nhiêu tiền",
        "năm ngoái có mấy phường đạt gia đình học tập",
        "nhà riêng ông chủ tịch phường ở chỗ nào",
        "giáo viên xin nghỉ phép mấy ngày thì ai duyệt",
        "How many days of sick leave can a commune official take?",
        "thủ tục kết nạp đảng viên gồm những bước nào",
        "thông tư 44 về thuế giá trị gia tăng",
        "đăng ký xe máy mất bao lâu",
        "điều kiện để được công nhận trường chuẩn quốc gia",
        "trung tâm học tập cộng đồng phường 12 mở cửa mấy giờ",
        "TT44 có quy định về tuyển sinh đầu cấp không",
    ],
)
def test_what_other_fields_and_other_offices_decide_is_declined(matcher, question):
    assert matcher.ask(question).kind == "none"


@pytest.mark.parametrize(
    ("question", "expected", "not_expected"),
    [
        # who recognises under the circular, not who issued it
        ("CĐHT cấp huyện theo TT25 do ai công nhận", "cấp huyện", "do Bộ Giáo dục và Đào tạo ban hành"),
        ("TT44 đã bị thay thế chưa", "12/02/2024", "ban hành ngày"),
        ("phường tôi còn theo TT44, phải chuyển qua TT25 từ ngày nào", "12/02/2024", "27/12/2023"),
        ("TT40/2010 sửa đổi cái gì", "trung tâm học tập cộng đồng", "\x00"),
    ],
)
def test_the_field_asked_is_read_from_the_whole_question(matcher, question, expected, not_expected):
    text = matcher.ask(question).text()
    assert expected in text and not_expected not in text, text


@pytest.mark.parametrize(
    ("question", "number"),
    [
        ("số hiệu của thông tư thay TT44", "25/2023/TT-BGDĐT"),
        ("QĐ 1315 số hiệu đầy đủ là gì", "1315/QĐ-TTg"),
    ],
)
def test_a_documents_full_number_is_the_one_its_name_carries(matcher, question, number):
    found = matcher.ask(question)
    assert found.kind == "answer" and number in found.text()


def test_which_criterion_by_number_is_not_the_documents_number(matcher):
    found = matcher.ask("BCĐ XHHT nằm ở tc số mấy của thông tư 44")
    assert "number" not in found.fields and found.entry is not None, found.text()


def test_a_decision_pointed_back_to_is_not_the_circular_the_story_named(matcher):
    """Not TT44's number: the decision the story describes (since round 21, answered: QĐ 89/QĐ-TTg)."""
    found = matcher.ask(
        "Tôi soạn báo cáo về Thông tư 44. Bộ ra thông tư đó dựa trên một quyết định của Thủ tướng năm 2013. "
        "Cho tôi hỏi số hiệu quyết định đó?"
    )
    assert found.document == "qd89" and "89/QĐ-TTg" in found.text(), found.text()


def test_a_request_to_be_told_turns_a_long_message_to_its_question(matcher):
    found = matcher.ask(
        "Chi hội tôi sắp họp tổng kết, anh chủ tịch dặn ghi căn cứ là Quyết định 1315 của Thủ tướng "
        "mà tôi chưa đọc văn bản đó. Nhờ mọi người cho biết quyết định 1315/QĐ-TTg nói về việc gì?"
    )
    assert found.document == "qd1315" and "thi đua" in found.text()


def test_the_subject_named_in_the_story_counts_for_the_question_after_it(matcher):
    story = "Chi hội tôi đang vận động bà con làm Gia đình học tập. "
    question = "Nhóm người lớn thì mỗi năm phải học mấy nội dung?"
    found = matcher.ask(story + question)
    assert found.kind == "answer" and found.entry is not None and found.entry.id == "learning-family-criteria"
    assert matcher.ask("Chi hội tôi đang vận động bà con. " + question).kind != "answer"


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("xếp loại CĐHT theo TT44 bao lâu thì làm 1 lần", "tt44-annual-timeline"),
        ("CĐHT theo TT25 mấy năm mới xét lại một lần", "tt25-validity"),
    ],
)
def test_how_often_is_read_whatever_stands_between_its_words(matcher, question, entry):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == entry


def test_a_message_half_about_something_else_is_not_answered_by_its_other_half(matcher):
    assert matcher.ask("mua vé xe buýt tháng ở đâu, giá bao nhiêu?").kind == "none"


def test_still_followed_asks_the_status_of_a_document_an_entry_tells(matcher):
    found = matcher.ask("gia đình học tập bây giờ còn xét theo QĐ 448 không")
    assert found.document == "qd448" and found.fields == ("status",)
    assert "2016–2020" in found.text()


def test_is_circular_44_still_followed_says_how_communities_are_recognised_now(matcher):
    text = matcher.ask("năm nay phường còn chấm điểm 15 tiêu chí như TT44 không").text()
    assert "12/02/2024" in text and "mức độ 1" in text, text
