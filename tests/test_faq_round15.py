"""Issue #17, round 15: what failed on the sets read so far (AD, AE, AF and the small-talk set among them),
asserted one category at a time in our own phrasings; the floors of every frozen set of rounds 12–15, read or
not (sets nobody here has read – P, R, T, V, Y, Z, AA, AB, AC – fail with counts only)."""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher
from bot.core.faq.model import to_plain
from tests.faq_packaged import scored_blind_set, scored_talk_set


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


# The floors are one question below the scores at the end of round 15 (L 229, M 224, N 225, O 221, Q 223,
# S 212, W 219, X 216, AD 219, AE 218, AF 219; P 211, R 214, T 215, V 221, Y 217, Z 216, AA 219, AB 218,
# AC 216): a whole-corpus scoring run has now and then given one set one answer less than every run of that
# set alone (seen again in round 15, never with a fixed hash seed); one question of slack keeps that from
# failing a build without letting a category slip.
@pytest.mark.parametrize(
    ("name", "in_scope", "declined", "small_talk", "read"),
    [
        ("l", 228, 48, 12, True),
        ("m", 223, 47, 12, True),
        ("n", 224, 47, 12, True),
        ("o", 220, 48, 12, True),
        ("q", 222, 48, 12, True),
        ("s", 211, 48, 12, True),
        ("w", 218, 48, 12, True),
        ("x", 215, 46, 12, True),
        ("ad", 218, 47, 10, True),
        ("ae", 217, 48, 12, True),
        ("af", 218, 46, 12, True),
        ("p", 210, 45, 11, False),
        ("r", 213, 45, 9, False),
        ("t", 214, 47, 10, False),
        ("v", 220, 47, 12, False),
        ("y", 216, 49, 11, False),
        ("z", 215, 48, 10, False),
        ("aa", 218, 47, 12, False),
        ("ab", 217, 46, 12, False),
        ("ac", 215, 48, 11, False),
    ],
)
def test_every_frozen_set_keeps_its_scores_and_no_wrong_document(name, in_scope, declined, small_talk, read):
    """A change that loses answers, declines or small talk, or states another document's date, shows here. A
    set nobody here has read fails with counts only, so that its misses stay unread."""
    found = scored_blind_set(name)

    def why(*categories: str) -> str:
        if read:
            return found.listed_misses(*categories)
        return (
            f"in scope {found.in_scope}, declined {found.out_of_scope}, small talk {found.small_talk}, "
            f"{found.wrong_document} answers stating another document's date"
        )

    assert found.in_scope[0] >= in_scope, why()
    assert found.out_of_scope[0] >= declined, why("out_of_scope", "unverified")
    assert found.small_talk[0] >= small_talk, why("small_talk")
    assert found.wrong_document == 0, why()


def test_small_talk_and_everyday_questions_keep_their_answers():
    """The 240 messages of the small-talk set: 160 small talk (150 recognised; the ten missed are long
    rambling greetings), 80 questions from outside the subject (79 declined)."""
    found = scored_talk_set()
    assert found.small_talk[0] >= 149, found.listed_misses("small_talk")
    assert found.out_of_scope[0] >= 79, found.listed_misses("out_of_scope")
