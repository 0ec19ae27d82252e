"""Issue #17, round 20: what failed on the sets read this round (AW, AX, AY, AZ), asserted one category at a
time in our own phrasings (the floors of every frozen set are in tests/test_faq_round21.py)."""

from __future__ import annotations

import pytest

from bot.core.faq import FaqMatcher, focus, spoken
from bot.core.faq.model import to_plain


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("TT25 phần cấp huyện nằm từ điều nào đến điều nào", "Điều 10–14 cấp huyện"),
        ("thông tư 25 cấp tỉnh ở điều mấy vậy", "Điều 15–19 cấp tỉnh"),
        ("Thông tư 25 phần nói về CĐHT cấp xã/p. nằm ở những điều nào", "Điều 5–9"),
        ("Which articles of Circular 25 are about the province level?", "Articles 15–19 province level"),
    ],
)
def test_where_a_part_of_a_circular_sits_is_its_layout(matcher: FaqMatcher, question, part):
    """Which articles hold the commune, district or province part of TT25 is the circular's layout, from its
    record – not the entry on the commune criteria (Articles 6 and 7), which shares the most words."""
    found = matcher.ask(question)
    assert found.document == "tt25" and part in to_plain(found.text()), to_plain(found.text())


def test_the_article_of_one_criterion_is_still_that_criterions_entry(matcher: FaqMatcher):
    found = matcher.ask("TT25 tiêu chí 1 mức độ 1 nằm ở điều mấy")
    assert "Điều 6" in to_plain(found.text()), to_plain(found.text())


def test_an_administrative_unit_in_shorthand(matcher: FaqMatcher):
    """ "đvhc" is "đơn vị hành chính", not a slip of "dvc" (dịch vụ công)."""
    found = matcher.ask("Q10 giờ còn là đvhc hông")
    assert "Quận 10 không còn" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("số 6782/BGDĐT-GDTX ký ngày nào", "29/12/2015"),
        # the story names the letter by its number alone; the question points back at it
        (
            "Tui còn giữ công văn của thành phố số 1092/UBND-VX mà bị ướt mất trang đầu. Cho hỏi công văn"
            " đó ra ngày nào vậy?",
            "15/3/2016",
        ),
    ],
)
def test_an_official_letter_is_known_by_its_number_and_issuer(matcher: FaqMatcher, question, said):
    """A letter's number is written with its issuer and unit after it ("1092/UBND-VX"), no kind before it."""
    found = matcher.ask(question)
    assert said in to_plain(found.text()), to_plain(found.text())


def test_the_first_page_is_no_question_of_where():
    """ "mất trang đầu" folds like "đâu" (where): as written, it tells; "gửi về đâu" asks."""
    told, asked = focus.clauses("Tui giữ bản Chỉ thị 04-CT/TU mà rách mất trang đầu. Chỉ thị đó ra ngày nào")
    assert not told.asks and asked.asks
    assert focus.clauses("hồ sơ gửi về đâu")[0].asks


def test_a_directive_the_story_names_is_the_one_pointed_back_at(matcher: FaqMatcher):
    found = matcher.ask(
        "Tui còn giữ bản photo Chỉ thị 04-CT/TU mà bị rách mất trang đầu. Chỉ thị đó ban hành ngày nào và nói"
        " về chuyện gì vậy?"
    )
    text = to_plain(found.text())
    assert "08/4/2016" in text and "khuyến học" in text, text


def test_what_the_person_will_do_with_the_answer_asks_nothing_even_without_a_comma(matcher: FaqMatcher):
    found = matcher.ask("QĐ 448 ban hành ngày nào và nói về chuyện gì để em ghi vô sổ")
    text = to_plain(found.text())
    assert "01/12/2015" in text and "Gia đình học tập" in text, text


@pytest.mark.parametrize(
    ("said", "written"),
    [
        ("thông tư bốn mươi bốn còn xài không", "thông tư 44 còn xài không"),
        ("mục tiêu tới năm hai không hai lăm", "mục tiêu tới năm 2025"),
        ("năm hai nghìn không trăm mười bốn", "năm 2014"),
        ("năm hai ngàn không trăm mười bốn", "năm 2014"),
        ("thong tu hai muoi lam", "thong tu 25"),
        ("mười lăm tiêu chí", "15 tiêu chí"),
        # words that only look like numbers stay words
        ("ba năm", "ba năm"),
        ("hai mươi sau đó", "20 sau đó"),
        ("ba làm ở phường", "ba làm ở phường"),
        ("tiêu chí hai, không một ai biết", "tiêu chí hai, không một ai biết"),
    ],
)
def test_numbers_said_to_voice_typing_are_read_as_digits(said, written):
    assert spoken.in_digits(said) == written


def test_a_circular_named_by_voice_is_that_circular(matcher: FaqMatcher):
    found = matcher.ask("thông tư hai mươi lăm ký ngày nào")
    assert "27/12/2023" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # "v" is "vậy": the second question asks TT25's signer, not the signer of a recognition decision
        ("TT25 bh ngày nào, ai ký v?", "do Bộ trưởng Bộ Giáo dục và Đào tạo ký"),
        ("TT 11/2025 thuộc lĩnh vực nào", "Thông tư 11/2025/TT-BGDĐT (Bộ Giáo dục và Đào tạo"),
        ("TT-25 còn hiệu lực không", "đang có hiệu lực"),
    ],
)
def test_a_document_asked_about_in_shorthand(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert said in to_plain(found.text()), to_plain(found.text())


def test_a_deadline_asked_with_bn_is_not_the_circulars_date(matcher: FaqMatcher):
    found = matcher.ask("hs TT25 nộp trc ngày bn")
    assert "28/02" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("mục đích ban hành thông tư 44 là gì", "Mục đích"),
        ("Why was Circular 44 issued?", "Aim"),
        ("Thông tư 25 ra đời nhằm mục đích gì", "cơ hội học tập công bằng"),
    ],
)
def test_why_a_circular_was_issued_is_the_entry_on_its_aims(matcher: FaqMatcher, question, said):
    """Its aims, not its record's one-line subject nor the date "ban hành" asks elsewhere."""
    found = matcher.ask(question)
    assert said in to_plain(found.text()), to_plain(found.text())


def test_what_a_decision_is_for_when_no_entry_says_why_is_what_it_is_about(matcher: FaqMatcher):
    found = matcher.ask("QĐ 645 dùng để làm gì")
    assert "công bố thủ tục hành chính" in to_plain(found.text()), to_plain(found.text())


def test_a_question_someone_else_asked_is_the_question(matcher: FaqMatcher):
    """ "Tụi nó hỏi …", "người ta hỏi là …": what follows is the question passed on, not the story."""
    found = matcher.ask(
        "Tui mới nhận dạy lớp bồi dưỡng hội viên. Tụi nó hỏi hồi đó Bộ ra TT44 để làm gì, chấm điểm xếp loại"
        " xã phường thì được cái gì. Tui muốn nói cho gọn. Bot giúp với."
    )
    assert "học tập suốt đời" in to_plain(found.text()), to_plain(found.text())


def test_a_wish_for_the_afternoon_is_small_talk(matcher: FaqMatcher):
    assert matcher.ask("chúc chị buổi chiều vui vẻ nha").kind == "small_talk"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # "đang xài là …" describes the law in use; it does not ask whether it is
        ("luật khiếu nại đang xài là luật số bao nhiêu", "02/2011/QH13"),
        ("CT 04 là CT gì vậy", "khuyến học, khuyến tài"),
    ],
)
def test_a_document_asked_what_it_is_in_its_own_shorthand(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert said in to_plain(found.text()), to_plain(found.text())


def test_who_the_person_is_and_a_request_to_sum_up_are_not_the_question():
    """ "cô ơi con là …" introduces the person (as "em là …" does); "tóm tắt giúp con mấy ý chính" asks for
    nothing of its own."""
    question, told = focus.split(
        "cô ơi con là thư ký chi hội khu phố 2, con đang soạn bài nói cho buổi họp tổ dân phố tuần sau, con"
        " muốn nhắc là theo thông tư 25 tiêu chí 2 mức độ 1 gồm những gì, cô tóm tắt giúp con mấy ý chính với"
    )
    assert "tiêu chí 2" in question, (question, told)
    assert "thư ký" not in question and "tóm tắt" not in question, (question, told)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        # the law's own words: "giáo dục tiếp tục sau khi biết chữ"
        ("TTHTCĐ có lo giáo dục tiếp tục sau khi biết chữ không", "sau khi biết chữ"),
        # a yes-or-no question is answered with the power it asks about
        ("chủ tịch UBND phường có được quyết định sáp nhập TTHTCĐ không", "có thẩm quyền"),
    ],
)
def test_a_centres_duties_and_who_decides_on_it_in_the_laws_words(matcher: FaqMatcher, question, said):
    found = matcher.ask(question)
    assert said in to_plain(found.text()), to_plain(found.text())


def test_the_new_circular_the_story_moves_to_weighs_as_much_as_the_old_one():
    """ "giờ đổi qua thông tư mới": like a circular named by number, what the question is asked under – not
    the person's own story, which counts for little."""
    _, told = focus.split(
        "hồi trước làm theo TT44 thì hồ sơ nộp lên quận, giờ đổi qua thông tư mới em không biết hồ sơ gồm"
        " giấy tờ gì, số liệu tính từ đâu tới đâu, nộp trước ngày mấy"
    )
    assert all(weight == focus.PREMISE_WEIGHT for text, weight in told if "thông tư mới" in text), told


def test_the_ways_a_dossier_is_filed_asked_as_forms(matcher: FaqMatcher):
    """ "bằng những hình thức nào" asks how it is filed (in person, online, by post), not what it holds."""
    found = matcher.ask("hồ sơ đề nghị công nhận cộng đồng học tập gửi lên bằng những hình thức nào vậy")
    assert "trực tuyến" in to_plain(found.text()), to_plain(found.text())


def test_a_party_directive_has_its_number_in_its_own_form(matcher: FaqMatcher):
    """ "04-CT/TU": a number, the kind, then the issuer – the record's name carries it."""
    found = matcher.ask("Chỉ thị 04 của Thành ủy số hiệu đầy đủ là gì")
    assert "có số hiệu 04-CT/TU" in to_plain(found.text()), to_plain(found.text())


def test_xin_cho_toi_asks_for_what_follows(matcher: FaqMatcher):
    """ "Xin cho tôi số hiệu …" is a request to be told, like "cho tôi xin"; the story describes the
    directive it points back at."""
    found = matcher.ask(
        "Chào bot, tôi đang soạn bài cho bản tin phường. Năm 2016 Thành ủy có một chỉ thị về khuyến học,"
        " khuyến tài, xây dựng thành phố học tập. Xin cho tôi số hiệu và ngày ký của chỉ thị đó."
    )
    text = to_plain(found.text())
    assert "04-CT/TU" in text and "08/4/2016" in text, text


def test_recognition_levels_in_english_are_the_levels_not_the_tiers_of_government(matcher: FaqMatcher):
    """ "recognition levels" is "mức độ công nhận" (level 1, level 2), not "cấp" (commune, district)."""
    found = matcher.ask("What recognition levels are there for a ward learning community under Circular 25?")
    assert "level 1" in to_plain(found.text()), to_plain(found.text())


@pytest.mark.parametrize(
    "message",
    [
        "Chào bot nha, chú là tổ trưởng tổ dân phố 5, nghe tụi nhỏ nói có bot nên vô chào một tiếng, có gì"
        " chú hỏi sau",
        "Hello, just stopping by to say hello to the new bot, have a nice day",
        "nay rảnh ghé chào bot thôi, hổng có hỏi gì đâu nha",
    ],
)
def test_a_long_visit_only_to_say_hello_is_small_talk(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind == "small_talk"


@pytest.mark.parametrize(
    "message",
    [
        "vô chào một tiếng, cho hỏi thông tư 44 còn hiệu lực không",  # a question of ours after the hello
        "ghé chào một tiếng, cho hỏi giá vàng hôm nay bao nhiêu",  # a question, not ours: declined
    ],
)
def test_a_hello_that_goes_on_to_ask_is_a_question(matcher: FaqMatcher, message):
    assert matcher.ask(message).kind != "small_talk"
