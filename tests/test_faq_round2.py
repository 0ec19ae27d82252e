"""Issue #17, second round: the categories the frozen blind set still failed on, fixed as categories.

Long messages that tell a story, English paraphrases, "which one applies now", generic intent words, slips,
comparisons and two questions in one. The questions here are written for these tests, not taken from any
blind set.
"""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher, KnowledgeBase, focus
from bot.core.faq.documents import detect_fields
from bot.core.faq.english import prepare, stem
from bot.core.faq.normalise import Normaliser
from bot.core.text import fold


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def normaliser(kb) -> Normaliser:
    return Normaliser(kb.abbreviations, kb.synonyms, kb.english)


def answered(matcher: FaqMatcher, question: str, locale: str = "vi") -> str | None:
    result = matcher.ask(question, locale)
    return result.entry.id if result.kind in ("answer", "unconfirmed") and result.entry else None


# --- where a long message asks ----------------------------------------------------------------------


def test_a_story_told_before_the_question_is_context_not_the_question():
    question, context = focus.split(
        "chị ơi em mới về phường, chị làm trước nghỉ hưu rồi, cho em hỏi hồ sơ đề nghị công nhận cộng đồng "
        "học tập cấp xã theo thông tư 25 gồm những giấy tờ gì"
    )
    assert (
        question == "hồ sơ đề nghị công nhận cộng đồng học tập cấp xã theo thông tư 25 gồm những giấy tờ gì"
    )
    assert [weight for _, weight in context] == [focus.STORY_WEIGHT]
    # (round 9) a question no longer than a short message leans on its story: see test_faq_round9.py


def test_a_premise_counts_more_than_a_story():
    question, context = focus.split(
        "phường em được công nhận mức độ 1 năm ngoái rồi thì năm nay có phải làm lại không"
    )
    assert question.startswith("thì năm nay")
    assert context == (("phường em được công nhận mức độ 1 năm ngoái rồi", focus.PREMISE_WEIGHT),)


def test_a_question_that_points_back_leans_on_its_story():
    _, context = focus.split(
        "hôm trước có một cuộc tập huấn ở tỉnh về xây dựng xã hội học tập, tập huấn đó do ai tổ chức"
    )
    assert context[0][1] == focus.PREMISE_WEIGHT


def test_a_full_stop_inside_a_name_does_not_end_a_sentence():
    assert all(
        c.text.strip() != "TP"
        for c in focus.clauses("Chỉ thị của Thành ủy TP.HCM về khuyến học ban hành ngày nào?")
    )


def test_the_story_does_not_drown_the_question(matcher):
    story = (
        "tôi mới chuyển về làm phó chủ tịch hội khuyến học xã, trước đây tôi dạy học nên chưa rõ lắm, "
        "việc nhiều quá, "
    )
    assert answered(
        matcher, story + "cho tôi hỏi kết quả công nhận cộng đồng học tập có giá trị mấy năm"
    ) == ("tt25-validity")
    assert matcher.ask(story + "cho tôi hỏi giá vàng hôm nay bao nhiêu").kind == "none"


def test_the_document_a_story_names_is_the_one_a_bare_field_question_asks_about(matcher):
    result = matcher.ask(
        "em đang đọc lại thông tư 44 của bộ để làm báo cáo cho phường, vậy nó ban hành ngày nào"
    )
    assert result.document == "tt44" and "12/12/2014" in result.text()


# --- English -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forms", "same"),
    [
        (("recognise", "recognised", "recognising", "recognises"), True),
        (("apply", "applies", "applied", "applying"), True),
        (("submit", "submitted", "submitting"), True),
        (("issue", "issued", "issues", "issuing"), True),
        (("assess", "assessed", "assesses"), True),
    ],
)
def test_english_word_forms_share_one_stem(forms, same):
    assert (len({stem(f) for f in forms}) == 1) is same


def test_a_stem_that_would_spell_a_vietnamese_syllable_is_not_taken():
    assert stem("date") == stem("dated") == stem("dates") == "date"  # not "dat", which is "đạt"


def test_english_contractions_and_levels_are_read():
    assert (
        prepare("what's the commune-level deadline for level 2")
        == "what is the  cap commune  deadline for  muc do 2 "
    )


def test_english_paraphrases_reach_the_vietnamese_entries(matcher):
    assert (
        answered(matcher, "By when must a commune hand in its recognition paperwork?", "en")
        == "tt25-procedure"
    )
    assert (
        answered(matcher, "Who can dissolve a community learning center nowadays?", "en")
        == "tthtcd-establish"
    )
    assert answered(matcher, "For how many years is a recognition kept?", "en") == "tt25-validity"


def test_documents_to_submit_are_the_dossier_and_documents_that_replace_are_texts(normaliser):
    assert "ho" in normaliser.tokens("what documents must we submit")
    assert "ho" not in normaliser.tokens("which documents replaced circular 44")


# --- slips -----------------------------------------------------------------------------------------------


def test_slips_in_english_words_and_abbreviations_are_put_right(normaliser):
    assert normaliser.tokens("learning fmaily critreia") == normaliser.tokens("learning family criteria")
    assert normaliser.tokens("how manny") == normaliser.tokens("how many")


def test_a_syllable_with_a_slip_is_read_from_the_word_next_to_it(matcher):
    assert answered(matcher, "tt44 co bao nhieu tieeu chi") == "tt44-criteria-count"


def test_a_real_word_the_knowledge_base_does_not_use_is_not_read_as_a_slip(matcher):
    assert matcher.ask("giá xăng hôm nay bao nhiêu").kind == "none"


# --- which one applies now ---------------------------------------------------------------------------


def test_still_in_use_asks_a_documents_status(matcher):
    assert detect_fields(fold("tt25 co dang ap dung khong")) == ["status"]
    result = matcher.ask("thông tư 25 hiện có đang được áp dụng không")
    assert result.document == "tt25" and "12/02/2024" in result.text()


def test_now_prefers_what_applies_over_a_repealed_circular(matcher):
    assert answered(matcher, "năm nay hồ sơ công nhận cđht gồm những gì") in (
        "tt25-dossier",
        "tt25-dossier-full-list",
    )


def test_a_record_without_the_field_leaves_it_to_an_entry_about_that_document(matcher):
    result = matcher.ask("NĐ 46/2017 quy định điều kiện thành lập TTHTCĐ giờ còn dùng không")
    assert result.entry is not None and result.entry.id == "tthtcd-conditions"


# --- documents named, fields asked ----------------------------------------------------------------------


def test_a_document_named_after_another_subject_is_not_what_is_asked_about(matcher):
    result = matcher.ask("ubnd xã làm gì trong quy trình thông tư 44")
    assert result.document is None


def test_an_article_of_a_document_is_not_the_document(matcher):
    assert matcher.ask("điều 42 nghị định 46/2017 còn hiệu lực không").document is None


def test_stating_the_issuer_or_a_kind_of_institution_is_not_asking_for_it():
    assert "issuer" not in detect_fields(fold("Quyết định 645 của bộ giáo dục công bố thủ tục gì"))
    assert "number" not in detect_fields(fold("luật giáo dục 2019 xếp trung tâm là loại cơ sở gì"))


def test_a_procedure_code_and_a_city_are_single_words(normaliser):
    assert "1005097" in normaliser.tokens("thủ tục 1.005097")
    assert (
        normaliser.tokens("TP.HCM")
        == normaliser.tokens("Thành phố Hồ Chí Minh")
        == normaliser.tokens("Saigon")
    )


# --- two questions, comparisons -------------------------------------------------------------------------


def test_two_questions_after_a_comma_without_a_joining_word(matcher):
    result = matcher.ask("thông tư 25 hiệu lực từ ngày nào, công nhận theo mấy mức độ")
    assert "12/02/2024" in result.text() and "mức độ 2" in result.text()


def test_a_comparison_no_entry_makes_is_answered_by_what_each_side_is(matcher):
    result = matcher.ask("trung tâm học tập cộng đồng với cộng đồng học tập khác nhau chỗ nào")
    assert len(result.parts) == 2


def test_a_comparison_an_entry_makes_is_answered_by_that_entry(matcher):
    assert (
        answered(matcher, "What is the difference between Circular 44 and Circular 25?", "en")
        == "tt44-vs-tt25"
    )
