"""Issue #17, round 18: what failed on the sets read this round (AG, AJ, AK, AL), asserted one category at a
time in our own phrasings (the floors of every frozen set are in test_faq_round19.py)."""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher
from bot.core.faq.model import to_plain


@pytest.mark.parametrize(
    ("question", "date"),
    [
        ("CV 9961 mà QĐ 448 lấy làm căn cứ có ngày tháng nào", "27/11/2015"),
        ("công văn 9961/VPCP-KGVX mà quyết định 448 dẫn làm căn cứ ký ngày nào", "27/11/2015"),
        ("QĐ 89, căn cứ chính để ban hành thông tư 44, Thủ tướng ký ngày tháng nào", "09/01/2013"),
        ("Theo CV 6782 của Bộ GD&ĐT thì QĐ 448 của Hội Khuyến học Việt Nam mang ngày nào", "01/12/2015"),
    ],
)
def test_the_date_of_a_document_named_beside_the_one_that_cites_it(matcher: FaqMatcher, question, date):
    found = matcher.ask(question)
    assert found.kind == "answer" and date in to_plain(found.text()), to_plain(found.text())


def test_a_letter_described_by_the_decision_it_led_to_is_still_that_letter(matcher: FaqMatcher):
    found = matcher.ask("công văn 9961 truyền đạt ý kiến về bộ tiêu chí các mô hình học tập ra ngày nào")
    assert found.document == "cv9961" and "27/11/2015" in to_plain(found.text()), to_plain(found.text())


def test_an_opinion_is_not_a_complaint(matcher: FaqMatcher):
    """ "ý kiến" folds like "ý kiện"; only "kiện" is a complaint."""
    assert "khieu nai" not in matcher._normaliser.text("truyền đạt ý kiến Phó Thủ tướng")
    assert "khieu nai" in matcher._normaliser.text("muốn kiện kết quả xếp loại")


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("người kí TT25 là ai vậy, bộ trưởng hay thứ trưởng", "Bộ trưởng"),
        ("TT25 ai kýý vậy", "Bộ trưởng"),
        ("ttư 44 do ai ký", "Bộ trưởng"),
        ("qđịnh 281 ký ngày nào", "20/02/2014"),
    ],
)
def test_kinds_and_field_words_as_phones_type_them(matcher: FaqMatcher, question, said):
    """ "kí" is the other spelling of "ký"; "ttư", "qđịnh" are shorthand; a key held down ("kýý") says
    nothing."""
    found = matcher.ask(question)
    assert found.kind == "answer" and said in to_plain(found.text()), to_plain(found.text())


def test_the_short_circular_kind_names_that_circular_not_the_old_one(matcher: FaqMatcher):
    found = matcher.ask("ttư 25 còn hiệu lực ko")
    assert found.document == "tt25", to_plain(found.text())


@pytest.mark.parametrize(
    "question", ["bộ trưởng nào ký TT25", "người ký TT25 tên gì, bộ trưởng hay thứ trưởng"]
)
def test_which_minister_by_name_is_still_not_ours(matcher: FaqMatcher, question):
    """The record knows the signer's office, not the person: a name asked is declined."""
    assert matcher.ask(question).kind == "none"


@pytest.mark.parametrize(
    ("question", "said", "field"),
    [
        ("QĐ 281 áp dụng tới năm nào", "2020", "about"),
        ("thông tư 44 dùng đến khi nào", "12/02/2024", "repealed_by"),
    ],
)
def test_until_when_a_document_applies_is_its_period_or_its_repeal_not_its_date(
    matcher: FaqMatcher, question, said, field
):
    found = matcher.ask(question)
    assert found.fields == (field,) and said in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "entry"),
    [
        ("thông tư 25 từ Điều 20 tới Điều 24 nói chuyện gì", "tt25-responsibilities"),
        ("TT25 Điều 10 - 14 quy định gì", "tt25-identity"),
    ],
)
def test_a_span_of_articles_is_answered_by_the_entry_that_gives_that_span(
    matcher: FaqMatcher, question, entry
):
    found = matcher.ask(question)
    assert found.entry is not None and found.entry.id == entry, to_plain(found.text())


def test_the_responsibilities_under_the_new_circular_say_so(matcher: FaqMatcher):
    found = matcher.ask("TT25 điều 20 đến 24 quy định về nội dung gì")
    assert "Trách nhiệm" in to_plain(found.text()), to_plain(found.text())


def test_a_plain_english_question_before_a_story_that_asks_it_again_is_the_question(matcher: FaqMatcher):
    found = matcher.ask(
        "Is Circular 44 still in force in 2026? Someone in our chapter printed an old form based on it and "
        "I'd like to know whether we should keep filling it in before I hand it out at the meeting.",
        "en",
    )
    assert found.entry is not None and found.entry.id == "tt44-status", to_plain(found.text())


def test_may_before_a_noun_and_nao_asks_which_ones(matcher: FaqMatcher):
    """ "mấy phường nào" is "những phường nào", not "how many"."""
    found = matcher.ask("phường 14 cũ bị gộp chung với mấy phường nào vậy")
    assert found.entry is not None and found.entry.id == "district10-merger", to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "document"),
    [
        ("cái quyết định công bố thủ tục xếp loại hồi TT44 số hiệu là gì", "qd645"),
        ("cái đề án xây dựng xã hội học tập 2012-2020 mà TT44 dựa vô là quyết định số mấy", "qd89"),
    ],
)
def test_the_number_of_a_decision_described_beside_a_circular_is_the_decisions(
    matcher: FaqMatcher, question, document
):
    """The circular named only dates or grounds the decision asked about: never the circular's own number."""
    found = matcher.ask(question)
    assert found.document == document, to_plain(found.text())


def test_a_decision_of_another_kind_asked_by_which_is_still_the_basis(matcher: FaqMatcher):
    found = matcher.ask("TT44 căn cứ quyết định nào của Thủ tướng")
    assert found.document == "tt44" and "89/QĐ-TTg" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    "question", ["UBND P ký j trong hs TT25 v", "TC 3 TT44 chấm j", "CV 9961/VPCP-KGVX ngay bn"]
)
def test_vietnamese_chat_shorthand_is_answered_in_vietnamese(matcher: FaqMatcher, question):
    """ "j", "v", "bn", "p" are no English words, a marked word is one word, and an issuer code is no
    language."""
    found = matcher.ask(question)
    assert found.kind == "answer" and found.language == "vi", to_plain(found.text())


def test_who_self_assesses_under_the_new_circular_names_the_communes_committee(matcher: FaqMatcher):
    found = matcher.ask(
        "Chị phó chủ tịch bảo năm nay phường tự làm. Theo TT25 thì ai tự đánh giá cộng đồng học tập?"
    )
    assert "Ủy ban nhân dân cấp xã" in to_plain(found.text()), to_plain(found.text())


def test_between_says_nothing_of_which_document_is_described(matcher: FaqMatcher):
    found = matcher.ask(
        "nghị định nào phân định thẩm quyền quản lý nhà nước về giáo dục giữa 2 cấp chính quyền địa phương"
    )
    assert found.document == "nd142-2025", to_plain(found.text())


def test_dh_is_a_title(matcher: FaqMatcher):
    found = matcher.ask("QĐ 448 đặt ra mấy dh, gồm dh gì")
    assert "Dòng họ học tập" in to_plain(found.text()), to_plain(found.text())
