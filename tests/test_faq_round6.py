"""Issue #17, round 6: development set F (tests/data/faq_dev_f.yaml, our own phrasings for the categories that
failed on sets C and D when round 6 read their misses): slips in a document's kind and field words, the
document that replaced one, neighbouring documents asked who issued them or how they relate, what a record
alone explains, administrative shorthand, places, small talk wishes, and what must be declined (personal
e-mail, office holders, other fields' procedures, a document's details answered by a nearby entry)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.faq.documents import detect_fields, mend_slips
from bot.core.faq.scope import asks_office_holder
from bot.core.faq.smalltalk import small_talk
from bot.core.text import fold
from eval.run import bot_answerer, load_items, score
from tests.faq_packaged import packaged_matcher

DEV_F = Path(__file__).parent / "data" / "faq_dev_f.yaml"


def test_set_f_stays_where_round_6_left_it():
    dev_f = score(load_items(DEV_F), bot_answerer(matcher=packaged_matcher()))
    assert dev_f.in_scope[0] >= dev_f.in_scope[1] - 1, dev_f.listed_misses()
    assert dev_f.out_of_scope[0] >= dev_f.out_of_scope[1] - 1, dev_f.listed_misses()
    assert dev_f.small_talk[0] == dev_f.small_talk[1], dev_f.listed_misses()
    assert dev_f.wrong_document == 0, dev_f.listed_misses()


@pytest.mark.parametrize(
    ("typed", "mended"),
    [
        ("ngị định 142/2025 ban hành ngày nào", "nghi dinh 142/2025"),
        ("TT25 có hiệu lựt từ ngày nào", "hieu luc"),
        ("QĐ 387 ban hàn ngày nào", "ban hanh"),
    ],
)
def test_a_slip_in_a_documents_kind_or_a_field_word_is_put_right(typed, mended):
    assert mended in mend_slips(typed)


@pytest.mark.parametrize(
    "text",
    [
        "tiêu chí thứ 8 là gì",  # an ordinal, not "chỉ thị 8"
        "bài báo về hiệu quả của TT44",  # no field word nearby to mend
        "bán hàng online có cần ban hành quy định không",  # names no document
    ],
)
def test_words_that_only_look_like_slips_stay_as_typed(text):
    assert mend_slips(text) == text


@pytest.mark.parametrize(
    ("question", "document", "fact"),
    [
        ("thong tu 25/2023 co hieu lut tu ngay nao", "tt25", "12/02/2024"),
        ("When did Circular 25/2023 come into effect?", "tt25", "12/02/2024"),
        ("TT22/2020 het hieu luc tu ngay nao", "tt22-2020", "26/01/2024"),
        ("nghịi định 142/2025 ký ngày nào", "nd142-2025", "12/6/2025"),
    ],
)
def test_a_documents_date_is_read_whatever_the_slip_or_the_language(matcher, question, document, fact):
    result = matcher.ask(question, "en" if question.startswith("When") else "vi")
    assert result.document == document and fact in result.text()


def test_a_date_in_force_asked_with_what_date_is_one_date_not_two():
    assert detect_fields("on what date did it come into effect") == ["in_force"]
    assert detect_fields("ban hanh ngay nao va co hieu luc tu ngay nao") == ["signed", "in_force"]


@pytest.mark.parametrize(
    ("question", "document", "fact"),
    [
        ("thông tư mới thay cho TT44 ra đời ngày nào", "tt25", "27/12/2023"),
        ("văn bản thay thế thông tư 44 có hiệu lực từ khi nào", "tt25", "12/02/2024"),
        ("When was the circular that replaced Circular 44 signed?", "tt25", "27/12/2023"),
        ("TT25 thay TT44 từ năm nào", "tt25", "12/02/2024"),
    ],
)
def test_a_field_of_the_document_that_replaced_one_is_that_documents(matcher, question, document, fact):
    result = matcher.ask(question)
    assert result.document == document and fact in result.text()


def test_the_successor_of_a_document_whose_successor_is_unverified_is_not_guessed(matcher):
    result = matcher.ask("bộ tiêu chí thay QĐ 448 ký ngày nào")
    assert result.kind == "unconfirmed" and "01/12/2015" not in result.text()


@pytest.mark.parametrize(
    ("question", "document", "field"),
    [
        ("QĐ 1014 năm 2016 là của tỉnh nào", "qd1014-brvt", "issuer"),
        ("Công văn 9961 liên quan gì đến Quyết định 448", "cv9961", "about"),
        ("TT 11/2025 bộ nào ra vậy ta", "tt11-2025", "issuer"),
    ],
)
def test_neighbouring_documents_who_issued_them_and_how_they_relate(matcher, question, document, field):
    result = matcher.ask(question)
    assert result.document == document and result.fields == (field,)


def test_a_question_about_what_a_document_does_is_answered_with_what_it_does(matcher):
    # Round 10: the entry asked about TT 26/2025 answers it (a question naming the subject needs a lower
    # score); the record answers when no entry speaks of the document.
    result = matcher.ask("TT 26/2025 chuyển thẩm quyền từ cấp huyện về cho ai")
    assert result.kind == "answer" and "26/2025" in result.text() and "Chủ tịch UBND xã" in result.text()


@pytest.mark.parametrize(
    "question",
    [
        "TT 26/2025 có bao nhiêu điều",  # a count no record gives
        "Quyết định 24/2020 của Bình Dương quy định cụ thể những gì",  # details
    ],
)
def test_a_count_or_details_of_a_document_are_not_its_description(matcher, question):
    assert matcher.ask(question).kind == "none"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("NĐ 135/2018 bỏ đk lập TTHTCĐ phải không", "bãi bỏ"),
        ("TT25 Đ25 quy định những gì", "Điều 25"),
        ("NQ 1685 có liên quan gì P.13 Q.10 không", "Phường 13"),
    ],
)
def test_administrative_shorthand(matcher, question, expected):
    result = matcher.ask(question)
    assert result.kind == "answer" and expected in result.text()


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("hồi TT44 ai đứng ra chủ trì việc tự kiểm tra ở xã", "tt44-procedure-commune"),
        ("TTHTCĐ phường mình bây giờ ai quản", "tthtcd-management"),
        ("ai cho thầy cô tiểu học sang dạy ở trung tâm học tập cộng đồng", "tthtcd-management"),
    ],
)
def test_everyday_words_for_taking_charge_managing_and_teachers(matcher, question, entry):
    result = matcher.ask(question)
    assert result.kind == "answer" and result.entry.id == entry


def test_what_else_is_needed_is_not_whether_something_still_applies(matcher):
    result = matcher.ask("theo TT25 ngoài báo cáo tự đánh giá còn phải nộp giấy tờ gì nữa")
    assert result.kind == "answer" and result.entry.id == "tt25-dossier"


def test_a_condition_is_not_a_complaint(matcher):
    assert "khieu" not in matcher._normaliser.tokens("điều kiện thành lập trung tâm")


@pytest.mark.parametrize(
    "question",
    [
        "quan 10 gio con khong hay giai the roi",
        "Q10 bây giờ nhập vào đâu",
        "phường 13 quận 10 gộp với phường nào",
    ],
)
def test_district_10_asked_from_every_angle(matcher, question):
    result = matcher.ask(question)
    assert result.kind == "answer" and result.entry.id == "district10-merger"
    assert "Phường 13" in result.text()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("chúc ad buổi sáng tốt lành", "greeting"),
        ("bot còn ở đó không", "who"),
        ("are you there?", "who"),
    ],
)
def test_wishes_and_are_you_there_are_small_talk(text, kind):
    assert small_talk(text) == kind


@pytest.mark.parametrize(
    "question",
    [
        "Ai đang là Giám đốc Sở GD&ĐT TP.HCM?",
        "Thứ trưởng nào ký TT44",
        "Which minister signed Circular 25?",
    ],
)
def test_who_holds_an_office_asked_in_more_ways_is_declined(matcher, question):
    assert asks_office_holder(fold(question))
    assert matcher.ask(question).kind == "none"


def test_what_an_office_does_is_still_answered():
    assert not asks_office_holder(fold("ai làm chủ tịch hội đồng đánh giá cộng đồng học tập"))
    assert not asks_office_holder(fold("tên đầy đủ của thông tư 25 là gì"))


@pytest.mark.parametrize(
    "question",
    [
        "xin email riêng của cán bộ phụ trách khuyến học phường",
        "làm sổ đỏ ở phường mất mấy ngày",
        "How do I renew my passport in HCMC?",
    ],
)
def test_personal_contacts_and_other_fields_procedures_are_declined(matcher, question):
    assert matcher.ask(question, "en" if question.startswith("How") else "vi").kind == "none"


@pytest.mark.parametrize(
    "question",
    [
        "nộp hồ sơ CĐHT qua mạng được không",
        "gửi hồ sơ qua bưu điện được hông",
        "có cần lên tận nơi nộp hồ sơ không",
    ],
)
def test_ways_to_send_a_file_in_everyday_words(matcher, question):
    result = matcher.ask(question)
    assert result.kind == "answer" and result.entry.id == "tt25-submission"


def test_one_field_of_two_documents_is_answered_from_each_record(matcher):
    result = matcher.ask("Ngày ký của QĐ 89 và QĐ 281 lần lượt là ngày nào?")
    assert [part.document for part in result.parts] == ["qd89", "qd281"]
    assert "20/02/2014" in result.text()


def test_one_field_of_two_documents_is_declined_unless_both_records_hold_it(matcher):
    assert not matcher.ask("TT44 và TT25 lần lượt có hiệu lực từ ngày nào").parts


def test_the_titles_a_decision_sets_up_are_what_it_is_about(matcher):
    result = matcher.ask("QĐ 387 có thêm danh hiệu gì")
    assert result.document == "qd387" and "Công dân học tập" in result.text()
