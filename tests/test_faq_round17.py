"""Issue #17, round 17: what failed on the sets read so far, asserted one category at a time in our own
phrasings (the floors of every frozen set are in tests/test_faq_round19.py)."""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher, KnowledgeBase
from bot.core.faq.model import to_plain
from bot.core.faq.normalise import Normaliser


@pytest.mark.parametrize(
    "question",
    [
        "Sang 2025 xã em vẫn ghi căn cứ Thông tư 44 trong tờ trình thì có được không?",
        "tui còn lấy tt44 ra chấm điểm cho phường thì có sai hông",
        "Năm 2026 phường lấy biểu mẫu của TT44 ra dùng tiếp được không?",
        "năm 2025 mà tổ mình lấy mẫu của thông tư 44 ra làm có được hông",
    ],
)
def test_following_the_old_circular_after_its_repeal_is_answered_with_its_status(
    matcher: FaqMatcher, question
):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == "tt44-status", to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("TT44 có tiêu chí cho TDP không", "tổ dân phố"),
        ("QC TTHTCĐ có nói chỉ đạo cm nv không", "chuyên môn"),
    ],
)
def test_more_administrative_shorthand_cadres_type(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert found.kind in ("answer", "unconfirmed") and said in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("mỗi tiêu chí của TT25 chia nhỏ ra thành những gì", "tt25-criteria-level1"),
        ("kết quả xếp loại có dán thông báo cho dân biết không", "tt44-result"),
        ("hồi trước ai xuống kiểm tra phường theo TT44", "tt44-procedure-district"),
        ("trung tâm học tập cộng đồng mở ra để làm gì", "tthtcd-functions"),
    ],
)
def test_everyday_words_for_what_something_is_made_of_made_known_inspected_or_for(
    matcher: FaqMatcher, question, entry
):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == entry, to_plain(found.text())


@pytest.mark.parametrize(
    "question",
    [
        "hồi TT44 phường gửi hồ sơ lên quận gồm những giấy gì",
        "theo thông tư 44 xã gửi lên huyện có những giấy nào",
    ],
)
def test_the_papers_a_ward_sent_up_are_the_dossier_not_the_steps(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == "tt44-dossier", to_plain(found.text())


@pytest.mark.parametrize(
    "question",
    [
        "tui nhớ TT44 ra cuối năm 2014 phải hông, ngày nhiêu vậy",
        "tôi nhớ thông tư 44 ra năm 2014 mà quên ngày nhiêu",
    ],
)
def test_ngay_nhieu_asks_a_date_not_a_count(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    assert found.kind == "answer" and "12/12/2014" in to_plain(found.text())


@pytest.mark.parametrize(
    "question",
    [
        "TT44 là Bộ tự ra hay có bàn với Hội Khuyến học không",
        "thông tư 44 Bộ tự làm hay có bàn bạc với Hội Khuyến học",
    ],
)
def test_the_ministry_on_its_own_is_not_a_repeal_and_consulting_is_agreeing(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    assert found.kind == "answer" and "thống nhất với Hội Khuyến học Việt Nam" in to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("bc tđg theo TT25 gồm những gì", "tt25-dossier"),
        ("ai lập bc tđg", "tt25-dossier"),
        ("TTg đặt mục tiêu đv học tập bn %", "targets-2025"),
    ],
)
def test_the_shorthand_of_reports_inspections_and_levels_cadres_type(matcher: FaqMatcher, question, entry):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == entry, to_plain(found.text())


def test_a_clause_that_starts_with_may_chau_is_a_story_not_an_english_question(matcher: FaqMatcher):
    found = matcher.ask(
        "Chi hội giao tôi làm báo cáo tự đánh giá theo thông tư mới. Mấy anh chị trong ban thì đi vắng hết. "
        "Cho tôi hỏi tiêu chí 1 cấp xã ở mức độ 1 gồm những nội dung gì?"
    )
    assert found.entry is not None and found.entry.id == "tt25-criteria-level1", to_plain(found.text())


def test_dieu_may_asks_which_article(matcher: FaqMatcher):
    found = matcher.ask("mấy cái tiêu chí của TT44 nằm ở điều mấy vậy hen, để tui lật ra coi")
    assert found.kind == "answer" and "Điều 3" in to_plain(found.text())


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("QĐ 387/QĐ-TTg của TTg", "qd387 cua thu tuong"),
        (
            "Văn bản hợp nhất 10/VBHN-BGDĐT do BGDĐT ban hành",
            "van ban hop nhat 10 vbhn bgddt do bo giao duc va dao tao ban hanh",
        ),
        ("PCGD-XMC là gì", "pho cap giao duc xoa mu chu la gi"),
    ],
)
def test_the_issuer_inside_a_documents_number_is_not_spelled_out_but_alone_or_joined_it_is(typed, read):
    kb = KnowledgeBase.load()
    assert Normaliser(kb.abbreviations, kb.synonyms, kb.english).text(typed) == read


@pytest.mark.parametrize("message", ["Xin chào Hội Khuyến học quận 10", "cảm ơn chi hội khu phố 3 nha"])
def test_a_greeting_or_thanks_to_a_named_body_is_small_talk(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind == "small_talk"


@pytest.mark.parametrize(
    "message", ["chào Hội, quận 10 còn không", "xin chào, hội khuyến học quận 10 có mấy chi hội"]
)
def test_a_question_after_greeting_a_body_is_not_small_talk(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind != "small_talk"


@pytest.mark.parametrize("message", ["test 123", "alo alo 1 2 3"])
def test_a_tester_counting_is_small_talk_in_vietnamese(matcher: FaqMatcher, message):
    found = matcher.ask(message)
    assert found.kind == "small_talk" and found.language == "vi"


@pytest.mark.parametrize(
    "question",
    [
        "tiêm vắc xin cho ông bà ở đâu, có tốn tiền không",
        "quy trình xét tặng Nhà giáo Nhân dân gồm mấy bước",
        "thông tư về dạy thêm học thêm quy định sao",
        "học thạc sĩ online thì bằng có được công nhận không",
        "nhà bên cạnh xây lấn đất thì khiếu nại ở đâu",
    ],
)
def test_health_care_teachers_titles_degrees_and_land_are_declined(matcher: FaqMatcher, question):
    assert matcher.ask(question).kind == "none"


def test_a_neighbour_in_the_story_is_no_land_dispute(matcher: FaqMatcher):
    found = matcher.ask("Bà hàng xóm hỏi tui tiêu chí bình đẳng giới trong TT44 là sao")
    assert found.kind == "answer" and "bình đẳng giới" in to_plain(found.text())


@pytest.mark.parametrize("question", ["TT22 loại khá từ bao nhiêu điểm", "thang điểm TT22 tối đa mấy điểm"])
def test_the_points_of_the_learning_units_circular_are_its_100_point_scale(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == "tt22-learning-unit-scale", to_plain(found.text())


def test_the_points_of_the_old_circular_are_still_not_confirmed(matcher: FaqMatcher):
    assert matcher.ask("TT44 loại khá bao nhiêu điểm").kind == "unconfirmed"


@pytest.mark.parametrize("question", ["cái gì thay QĐ 281", "QĐ 281 mục tiêu tới năm nào, giờ theo cái nào"])
def test_the_period_after_decision_281_is_named_without_another_documents_date(matcher: FaqMatcher, question):
    said = to_plain(matcher.ask(question).text())
    assert "QĐ 387" in said and "2020" in said and "25/3/2022" not in said


@pytest.mark.parametrize(
    "question",
    [
        "When did Circular 44 stop being in force?",
        "On which exact date did TT44 lose its legal effect?",
        "Which date did Circular 44 cease to apply?",
    ],
)
def test_when_a_circular_stopped_applying_is_when_it_was_repealed(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    assert found.kind == "answer" and "12/02/2024" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    "message",
    ["Ok cảm ơn, để tui hỏi lại anh chủ tịch rồi tính", "cảm ơn bot, thôi em xem lại rồi báo sau nha"],
)
def test_thanks_and_what_the_person_will_do_next_is_small_talk(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind == "small_talk"


def test_thanks_and_a_question_is_still_a_question(matcher: FaqMatcher):
    assert matcher.ask("cảm ơn, tui hỏi lại là hồ sơ TT25 gồm những gì").kind == "answer"


@pytest.mark.parametrize(
    "question",
    [
        "hồi 2016 ở thành phố ai chỉ đạo làm điểm đánh giá CĐHT cấp xã",
        "Who piloted the learning community rating in HCMC?",
    ],
)
def test_who_ran_the_citys_pilot_is_the_rollout_of_the_old_circular(matcher: FaqMatcher, question):
    found = matcher.ask(question)
    assert found.entry is not None and "tt44-rollout" in found.entry.id, to_plain(found.text())
