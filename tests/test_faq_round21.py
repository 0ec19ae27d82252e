"""Issue #17, round 21: what failed on the sets read this round (BA, BB, BC, BD), asserted one category at a
time in our own phrasings; the floors of every frozen set of rounds 12–21, read or not (sets nobody here has
read fail with counts only)."""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher
from bot.core.faq.documents import mend_slips
from bot.core.faq.messages import without_guess
from bot.core.faq.model import to_plain
from bot.core.faq.normalise import pointed_kind
from bot.core.faq.smalltalk import small_talk, without_greeting
from tests.faq_packaged import scored_blind_set, scored_dev_set, scored_talk_set


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("Thưa, Quyết định 645 nói về việc gì?", "Quyết định 645 nói về việc gì?"),
        ("Thưa cô, TT25 ký ngày nào", "TT25 ký ngày nào"),
        ("Kính chào. QĐ 09/2008 ban hành cái gì", "QĐ 09/2008 ban hành cái gì"),
        ("Kính gửi Hội, TT44 còn hiệu lực không", "TT44 còn hiệu lực không"),
        ("Dạ thưa anh, QĐ 448 của ai", "QĐ 448 của ai"),
    ],
)
def test_a_salutation_before_the_question_is_not_the_question(message, question):
    """The polite openings older cadres write ("Thưa …,", "Kính chào.", "Kính gửi …,") go with the
    greetings."""
    assert without_greeting(message) == question


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("Thưa cháu, Quyết định 09/2008/QĐ-BGDĐT ban hành cái gì vậy?", "Quy chế tổ chức và hoạt động"),
        ("Kính chào. Quyết định 645 là quyết định về việc gì ạ?", "công bố thủ tục hành chính"),
    ],
)
def test_a_politely_opened_question_about_a_document_is_answered_from_its_record(
    matcher: FaqMatcher, question, said
):
    found = matcher.ask(question)
    assert said in to_plain(found.text()), to_plain(found.text())


def test_a_document_spoken_of_together_with_another_is_not_the_one_asked(matcher: FaqMatcher):
    """ "QĐ 645 mà mọi người hay nhắc cùng TT44 là gì": the question is about QĐ 645; TT44 only keeps it
    company."""
    found = matcher.ask("QĐ 645 mà mọi người hay nhắc cùng với TT44 là quyết định về việc gì")
    assert found.document == "qd645", to_plain(found.text())


@pytest.mark.parametrize(
    "question",
    [
        "Trong tủ có bản ghi 448/QĐ-KHVN, bản khác ghi 448/QĐ-HKH, vậy là một hay hai quyết định?",
        "448/QĐ-HKH với 448/QĐ-KHVN khác nhau hay không",
        "Sếp hỏi 448/QĐ-KHVN và 448/QĐ-HKHVN là mấy quyết định",
        "Are 448/QĐ-KHVN and 448/QĐ-HKH the same decision?",
    ],
)
def test_one_document_written_under_several_numbers_is_one_document(matcher: FaqMatcher, question):
    """Its number field says so: the numbers written differently are one and the same document."""
    found = matcher.ask(question)
    text = to_plain(found.text())
    assert found.document == "qd448" and ("cùng một văn bản" in text or "same document" in text), text


def test_a_date_asked_beside_the_numbers_is_still_the_date(matcher: FaqMatcher):
    found = matcher.ask(
        "Có bản ghi 448/QĐ-KHVN, có bản ghi 448/QĐ-HKH, chị trong hội nói là hai quyết định khác nhau. Quyết"
        " định 448 ban hành ngày nào?"
    )
    assert "01/12/2015" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Giúp cô với, cô không biết nên bắt đầu hỏi từ đâu", "help"),
        ("Tui hổng biết xài cái này, chỉ tui với", "help"),
        ("Cô cảm ơn con. Chúc con năm mới an khang, thịnh vượng", "thanks"),
        ("Thanks a lot for your patience, bye!", "thanks"),
        ("Chào con, cô mới tập dùng điện thoại nên gõ không dấu, con thông cảm nhé", "greeting"),
        ("chao con, co moi tap dung dien thoai nen go khong dau, con thong cam nhe", "greeting"),
        ("Cảm ơn bot nha, thông tin rất hữu ích", "thanks"),
        ("Cám ơn bây nhiều nghen", "thanks"),
        ("Cảm ơn mấy ổng mấy bả nhiều nghen", "thanks"),
        ("Ủa alo, có ai hông dị?", "who"),
        ("Chào cưng, khỏe hông?", "greeting"),
    ],
)
def test_chat_in_the_ways_older_and_southern_cadres_write_is_small_talk(message, kind):
    """Thanks with a New Year's wish, an apology for typing without marks, praise, and the Southern words
    around them ("bây", "nghen", "dị", "ổng", "bả"): small talk, not a question to decline."""
    assert small_talk(message) == kind


@pytest.mark.parametrize(
    "message",
    [
        "chào bot, gõ không dấu được không",
        "cảm ơn, thông tin ở đâu",
        "văn bản này còn dùng được không",
        "Chúc mừng năm mới, TT44 còn hiệu lực không",
    ],
)
def test_a_remark_that_asks_is_still_a_question(message):
    assert small_talk(message) is None


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("QĐ 448 là của Bộ ra hay của Hội ra vậy", "Hội Khuyến học Việt Nam"),
        ("TT44 do Bộ ban hành hay Hội ban hành", "Bộ Giáo dục và Đào tạo"),
        ("Chỉ thị 04-CT/TU do cơ quan nào của thành phố ban hành", "Thành ủy"),
    ],
)
def test_who_issued_a_document_asked_as_a_choice_or_with_a_place(matcher: FaqMatcher, question, said):
    """ "Của Bộ hay của Hội", "cơ quan nào của TP.HCM ban hành": the issuer from the document's record."""
    found = matcher.ask(question)
    assert "issuer" in found.fields and said in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("message", "question"),
    [
        ("Tờ trình đó ai ký vậy cô, ông chủ tịch xã hả?", "Tờ trình đó ai ký vậy cô?"),
        ("TT44 thay bằng văn bản nào, TT25 phải không", "TT44 thay bằng văn bản nào?"),
        # a second question of its own stays: it guesses no answer to "where"
        ("Hồ sơ nộp ở đâu, nộp online được hả", "Hồ sơ nộp ở đâu, nộp online được hả"),
    ],
)
def test_a_guess_after_who_or_which_is_offered_to_be_confirmed(message, question):
    assert without_guess(message) == question


def test_who_signed_with_a_guess_is_not_who_holds_an_office(matcher: FaqMatcher):
    """ "…ai ký vậy con, ông chủ tịch phường hả?": read whole, the guess made it ask who the ward chairman is
    (a person's office), or cut in two, a second question about the chairman."""
    found = matcher.ask("Cái tờ trình xin huyện về kiểm tra hồi đó ai ký vậy cháu, ông chủ tịch phường hả?")
    assert not found.parts and "ký tờ trình" in to_plain(found.text()), to_plain(found.text())


def test_still_used_as_a_ground_asks_whether_it_applies(matcher: FaqMatcher):
    """ "còn được dùng làm căn cứ không": whether the regulation still applies, not what it is based on (which
    its record does not hold)."""
    found = matcher.ask("Quy chế ban hành kèm QĐ 09/2008 nay còn được dùng làm căn cứ không")
    assert "basis" not in found.fields and "hiện hành" in to_plain(found.text()), to_plain(found.text())


def test_two_criteria_asked_together_are_the_entry_on_those_two(matcher: FaqMatcher):
    """A phrasing asks about criteria 7 and 8 together: their numbers are kept to find it."""
    found = matcher.ask("tiêu chí 7 với tiêu chí 8 của TT44 nói về chuyện học của ai")
    text = to_plain(found.text())
    assert "cán bộ, công chức" in text and "người lao động" in text, text


def test_who_is_in_charge_in_english_keeps_the_charge(matcher: FaqMatcher):
    """ "who is in charge of" reads as "ai chủ trì" (who leads), not only "ai" (who): the commune's steps,
    not what Circular 44 covered."""
    found = matcher.ask("Under Circular 44, who is in charge of the self-assessment at ward level?", "en")
    assert "Study Promotion Association drew up a self-check plan" in to_plain(found.text())


def test_a_remark_in_brackets_describes_no_document(matcher: FaqMatcher):
    """ "năm 2023 (trước khi có văn bản mới) theo văn bản nào": the year asks the circular in force then;
    the words in brackets do not describe another document."""
    found = matcher.ask(
        "Chấm cộng đồng học tập năm 2023 (trước khi có văn bản mới hiệu lực) thì theo văn bản nào"
    )
    assert found.document == "tt44", to_plain(found.text())


def test_a_document_set_aside_is_not_the_one_asked(matcher: FaqMatcher):
    """ "Ngoài QĐ 89 ra, QĐ 448 còn căn cứ vào …": QĐ 89 is set aside; the basis asked is QĐ 448's."""
    found = matcher.ask("Ngoài QĐ 89 năm 2013 ra thì QĐ 448 còn căn cứ vào quyết định nào nữa?")
    assert "281" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    "message",
    [
        # the story names three decisions and describes a letter; the question points back at the letter
        "Cô đọc phần căn cứ của QĐ 448 thấy ghi QĐ 89, QĐ 281 của Thủ tướng. Còn một công văn của Văn"
        " phòng Chính phủ truyền đạt ý kiến Phó Thủ tướng thì cô không nhớ số. Con cho cô xin số của công văn"
        " VPCP đó nha.",
        # "quyết định này" in the story is QĐ 448; the letter is described after it
        "Chi hội làm bản tin về Quyết định 448. Bài viết nói quyết định này dựa trên ý kiến Phó Thủ tướng ở"
        " một công văn của Văn phòng Chính phủ, mà quên ghi số. Công văn đó số mấy, ký ngày nào?",
        # one run-on message, no full stop between the story and the question
        "em làm bài giới thiệu quyết định 448, phần căn cứ có một công văn của văn phòng chính phủ truyền đạt"
        " ý kiến phó thủ tướng mà em quên số, bot nhắc giúp em số công văn đó",
    ],
)
def test_a_letter_the_story_describes_beside_the_documents_it_names(matcher: FaqMatcher, message):
    """The document pointed back at ("công văn đó") is of a kind the story names none of: the one the story
    describes (CV 9961 of the Government Office), not QĐ 448."""
    found = matcher.ask(message)
    assert found.document == "cv9961" and "9961" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("said", "kind"),
    [
        ("cong van vpcp do", "cv"),
        ("thong tu moi nay", "tt"),
        ("van ban gi do", None),
        ("cong van nao do", None),
    ],
)
def test_a_document_pointed_back_at_with_a_word_of_its_own(said, kind):
    assert pointed_kind(said) == kind


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("Chào con nghen, bữa nay trời nóng quá hen", "greeting"),
        ("Chào cả nhà, hổm rày tui bệnh nằm nhà, giờ mới khỏe lại chút", "greeting"),
        ("Cảm ơn con nhiều, hôm nay cô đi họp chi hội về mệt ghê", "thanks"),
        ("Thôi tui đi nghen, hổm rày mệt quá", "goodbye"),
        # "mấy đứa nhỏ", "bữa nào rảnh", "cảm ơn nhiều": question words that ask nothing where they stand
        ("Chào bot nghen, tui là Sáu ở phường 14 nè, nghe mấy đứa nhỏ nói có bot nên vô coi", "greeting"),
        ("Tui cảm ơn nhiều lắm nha, bữa nào rảnh ghé chi hội uống ly cà phê", "thanks"),
        ("Dạ cảm ơn cháu nhiều, bác hiểu rồi, để bác về nói lại với mấy anh chị trong chi hội", "thanks"),
    ],
)
def test_a_greeting_with_a_remark_that_asks_nothing_is_small_talk(matcher: FaqMatcher, message, kind):
    """A greeting, thanks or goodbye told with news of the day, asking nothing: answered as small talk, not
    declined as a question the bot cannot answer."""
    found = matcher.ask(message)
    assert found.kind == "small_talk" and found.small_talk == kind


@pytest.mark.parametrize(
    "message",
    [
        "chào bot, cho tôi hỏi giá vàng",  # a request
        "Chào con, TT44 hết hiệu lực rồi hen",  # names our subject: a question to answer
        "chào bot, hôm nay trời mưa không",  # asks
        "chào bot, nhờ bot tra giá vàng",  # a request
        "Ê bot, kể chuyện cười cho tui nghe đi",  # a request
        "cảm ơn, mai mấy giờ họp",  # asks
    ],
)
def test_a_greeting_with_a_request_or_a_question_is_not_small_talk(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind != "small_talk"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # a letter's kind with a key struck twice
        ("cônng văn 6782 ra ngày nào", "29/12/2015"),
        # "bn lâu" is "bao lâu" (how long), not "bao nhiêu" (how many)
        ("xã đạt m1 bn lâu sau mới xin lên m2", "12 tháng"),
        ("theo TT44 đgiá CĐHT bn lâu một lần", "hằng năm"),
    ],
)
def test_shorthand_and_slips_in_the_words_that_carry_the_question(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert said in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # "x" after a body is its commune
        ("HKH x làm gì", "hoi khuyen hoc cap xa"),
        ("ct ubnd x ký gì", "chu tich uy ban nhan dan cap xa"),
        # "gđ nào" asks a period; "gđ" alone may be "gia đình"
        ("áp dụng cho gđ nào", "giai doan nao"),
    ],
)
def test_shorthand_for_the_commune_and_a_period(matcher: FaqMatcher, typed, read):
    assert read in matcher._normaliser.text(typed)


def test_a_period_asked_in_shorthand_is_the_decisions_period(matcher: FaqMatcher):
    found = matcher.ask("QĐ 387 áp dụng cho gđ nào")
    assert found.document == "qd387" and "2021–2030" in to_plain(found.text()), to_plain(found.text())


def test_an_article_typed_d_dot_is_an_article():
    assert mend_slips("TT25: đ. nào quy định hiệu lực") == "TT25: Điều nào quy định hiệu lực"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # "nó" is the document named; "bổ sung" goes with "sửa đổi"
        ("QĐ 09/2008 nói về gì, và văn bản nào sửa đổi bổ sung nó?", "40/2010"),
        # what the regulation it issues is about, and what amended it
        ("QĐ 09/2008 ban hành quy chế về cơ sở nào, và thông tư nào sửa đổi quy chế đó", "trung tâm học tập"),
    ],
)
def test_two_fields_of_one_document_with_it_pointed_back_at(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert set(found.fields) == {"about", "amended_by"} and said in to_plain(found.text())


def test_numbers_listed_after_one_kind_are_of_that_kind(matcher: FaqMatcher):
    """ "Thông tư 10/2025 và 11/2025": both are circulars."""
    found = matcher.ask("Thông tư 10/2025 với 11/2025 ký ngày nào")
    text = to_plain(found.text())
    assert "Thông tư 10/2025" in text and "Thông tư 11/2025" in text and "12/6/2025" in text, text


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Trung tâm học tập cộng đồng thì ai cũng vô học được hả", "vi"),
        ("TTHTCĐ ai được vô học vậy", "vi"),
        ("mục đích của trung tâm học tập cộng đồng là gì", "vi"),
        ("What is the main purpose of a community learning centre?", "en"),
    ],
)
def test_whom_a_learning_centre_serves_and_what_it_is_for(matcher: FaqMatcher, question, language):
    """Who may come to learn, and what a centre is for: people of every age learning for life – not the
    purpose of TT25's assessment, nor who may set a centre up."""
    text = to_plain(matcher.ask(question, language).text())
    assert "mọi lứa tuổi" in text or "of all ages" in text, text


def test_a_field_asked_usually_of_the_document_the_story_names(matcher: FaqMatcher):
    """ "…QĐ 448 … mấy văn bản ghi ngày khác… Vậy ngày thường được ghi là ngày nào": "thường" (usually) asks
    nothing of its own; the date is QĐ 448's."""
    found = matcher.ask(
        "Tôi thấy có bản ghi Quyết định 448 ngày 10/11/2015, bản khác lại ghi ngày khác. Vậy ngày thường được"
        " các văn bản chính thức ghi là ngày nào?"
    )
    assert found.document == "qd448" and "01/12/2015" in to_plain(found.text()), to_plain(found.text())


def test_a_question_about_the_decision_the_story_describes(matcher: FaqMatcher):
    """The story describes a decision without naming it ("một đề án của Thủ tướng đặt chỉ tiêu đến năm 2020");
    the question points back at it ("quyết định kia") and asks what it says: answered as if it named QĐ 281,
    not with the targets of the decision that followed it."""
    found = matcher.ask(
        "Trường cô từng được khen Đơn vị học tập. Cô nhớ có một đề án của Thủ tướng đặt chỉ tiêu đến năm 2020"
        " cho cơ quan, trường học. Theo quyết định kia thì chỉ tiêu đó là bao nhiêu phần trăm?"
    )
    text = to_plain(found.text())
    assert "281" in text and "50%" in text, text


# The floors are the scores at the end of round 21 (in scope, declined, small talk; no answer stating
# another document's date). They hold exactly: the bot answers the same whatever the hash seed
# (tests/test_faq_round19.py).
# Sets nobody here has read (P, R, T, V, Y, Z, AA, AB, AC, AO–AR, BE–BH) fail with counts only. Set B and the
# older sets keep their floors in their own rounds' files.
@pytest.mark.parametrize(
    ("name", "in_scope", "declined", "small_talk", "read"),
    [
        ("l", 229, 48, 12, True),
        ("m", 226, 47, 12, True),
        ("n", 226, 47, 12, True),
        ("o", 224, 48, 12, True),
        ("q", 223, 48, 12, True),
        ("s", 217, 47, 12, True),
        ("w", 222, 48, 12, True),
        ("x", 221, 48, 12, True),
        ("ad", 227, 48, 12, True),
        ("ae", 224, 48, 12, True),
        ("af", 224, 48, 12, True),
        ("ah", 220, 48, 12, True),
        ("ai", 228, 48, 12, True),
        ("ag", 224, 48, 11, True),
        ("aj", 217, 48, 11, True),
        ("ak", 221, 48, 11, True),
        ("al", 221, 48, 12, True),
        ("as", 219, 48, 12, True),
        ("at", 219, 48, 12, True),
        ("au", 223, 48, 12, True),
        ("av", 226, 48, 12, True),
        ("aw", 222, 48, 12, True),
        ("ax", 224, 48, 12, True),
        ("ay", 225, 48, 12, True),
        ("az", 224, 48, 12, True),
        ("ba", 219, 47, 12, True),
        ("bb", 226, 48, 12, True),
        ("bc", 224, 46, 12, True),
        ("bd", 225, 48, 12, True),
        ("p", 213, 45, 12, False),
        ("r", 216, 46, 12, False),
        ("t", 215, 47, 11, False),
        ("v", 219, 48, 12, False),
        ("y", 220, 49, 12, False),
        ("z", 220, 48, 10, False),
        ("aa", 222, 47, 12, False),
        ("ab", 223, 46, 12, False),
        ("ac", 220, 48, 12, False),
        ("ao", 215, 47, 12, False),
        ("ap", 225, 48, 12, False),
        ("aq", 221, 48, 12, False),
        ("ar", 227, 46, 12, False),
        ("be", 217, 47, 12, False),
        ("bf", 222, 48, 12, False),
        ("bg", 214, 48, 9, False),
        ("bh", 218, 48, 12, False),
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


@pytest.mark.parametrize(
    ("name", "in_scope", "wrong_document"),
    # AM: one long message asking a city letter's number is answered with QĐ 448 and the city's letters
    # together, one of them dated – counted as another document's date (eval/README.md, round 16).
    [("am", 265, 1), ("an", 261, 0)],
)
def test_the_dev_sets_of_the_hardest_styles_keep_their_scores(name, in_scope, wrong_document):
    """300 questions each in the styles unseen writers trip the bot on most (colloquial, shorthand, which
    document applies, neighbouring documents, long messages), 6 from outside the subject."""
    found = scored_dev_set(name)
    assert found.in_scope[0] >= in_scope, found.listed_misses()
    assert found.out_of_scope[0] == found.out_of_scope[1], found.listed_misses("out_of_scope")
    assert found.wrong_document <= wrong_document, found.listed_misses()


def test_small_talk_and_everyday_questions_keep_their_answers():
    """The 240 messages of the small-talk set: 160 small talk (159 recognised; the one missed is a long
    greeting that tries the bot out, "bấm bấm vô đây thử coi có ai nói chuyện không"), 80 questions from
    outside the subject (all declined)."""
    found = scored_talk_set()
    assert found.small_talk[0] >= 159, found.listed_misses("small_talk")
    assert found.out_of_scope[0] >= 80, found.listed_misses("out_of_scope")


@pytest.mark.parametrize(
    "question",
    [
        "Năm nay phường còn làm phiếu tự chấm điểm 15 tiêu chí như TT44 không?",
        "Giờ còn xếp loại cộng đồng học tập như hồi trước không, hay công nhận kiểu khác?",
    ],
)
def test_whether_the_old_way_is_still_followed_is_what_changed(matcher: FaqMatcher, question):
    """Score sheets, grading, the December self-check: what TT25 does instead – levels of recognition and the
    commune's own review, reported with a summary of results."""
    text = to_plain(matcher.ask(question).text())
    assert "mức độ 1" in text and "tự đánh giá" in text, text
