"""What the FAQ core understands before and beyond similarity: documents named and the field asked, two
questions in one message, English, small talk, messages that are not questions; and what its answers look like
on a phone (length, source, no maintainer notes, abbreviations spelled out, a long version)."""

from __future__ import annotations

import re

import pytest

from bot.core.faq import KnowledgeBase, to_plain
from bot.core.faq.documents import DocumentIndex, detect_fields
from bot.core.faq.glossary import spell_out
from bot.core.faq.language import detect
from bot.core.faq.messages import is_question, split_questions
from bot.core.faq.render import render
from bot.core.faq.smalltalk import small_talk
from bot.core.text import fold
from bot.i18n import I18n


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def documents(kb) -> DocumentIndex:
    return DocumentIndex(kb.documents)


@pytest.fixture(scope="module")
def i18n() -> I18n:
    return I18n.load()


# --- documents named in a question ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "TT44",
        "tt 44",
        "Thông tư 44/2014",
        "thong tu so 44/2014/TT-BGDĐT",
        "44/2014/TT-BGDĐT",
        "Circular 44",
        "thông tư cũ",
    ],
)
def test_every_way_of_naming_circular_44_finds_its_record(documents, text):
    references = documents.references(fold(text))
    assert [r.record.id for r in references] == ["tt44"]


def test_a_number_with_another_year_is_not_that_document(documents):
    assert documents.references(fold("Thông tư 44/2020"))[0].record is None
    assert documents.references(fold("QĐ 387/QĐ-TTg"))[0].record.id == "qd387"
    assert documents.references(fold("448/QĐ-KHVN"))[0].record.id == "qd448"
    assert documents.references(fold("Luật Khiếu nại là luật số mấy"))[0].record.id == "luat-khieu-nai"


def test_a_document_that_frames_the_question_is_not_what_it_asks_about(documents):
    assert documents.references(fold("TT25 ký ngày nào"))[0].subject
    assert not documents.references(fold("theo TT25, ai ký quyết định công nhận"))[0].subject


@pytest.mark.parametrize(
    ("question", "fields"),
    [
        ("QĐ 387 ký ngày nào", ["signed"]),
        ("thông tư 44 ban hành ngày mấy", ["signed"]),
        ("TT44 do ai ký", ["signer"]),
        ("TT25 có hiệu lực từ ngày nào", ["in_force"]),
        ("TT44 còn hiệu lực không", ["status"]),
        ("TT44 bị thay thế bởi văn bản nào", ["repealed_by"]),
        ("tt44 ban hanh ngay nao va bi bai bo tu khi nao", ["signed", "repealed_by"]),
        ("Which ministry issued Circular 44?", ["issuer"]),
        ("When did Circular 25 take effect?", ["in_force"]),
        ("TT 22/2020 quy định về cái gì", ["about"]),
        ("tt44 co phai nam nao cung danh gia lai khong", []),
    ],
)
def test_the_field_asked_is_recognised(question, fields):
    assert detect_fields(fold(question)) == fields


def test_a_document_s_field_is_answered_from_its_own_record(matcher):
    result = matcher.ask("QĐ 387 ký ngày nào")
    assert result.kind == "answer" and result.document == "qd387" and result.fields == ("signed",)
    assert "25/3/2022" in result.text()
    for other_date in ("20/02/2014", "30/7/2021", "12/12/2014"):
        assert other_date not in result.text()


def test_a_field_the_record_does_not_hold_is_declined_not_taken_from_another_document(matcher):
    result = matcher.ask("tt 26/2025 có hiệu lực từ ngày nào")
    assert result.kind == "none" and result.entry is None and result.document == "tt26-2025"


def test_an_unverified_field_says_so(matcher):
    result = matcher.ask("TT44 có hiệu lực từ ngày nào?")
    assert result.kind == "unconfirmed"
    assert "Chưa có thông tin" in result.text()


def test_a_repealed_document_s_answer_says_since_when_and_what_applies_now(matcher):
    text = matcher.ask("thong tu 44 ban hanh ngay nao").text()
    assert "12/12/2014" in text
    assert "hết hiệu lực từ 12/02/2024" in text and "25/2023" in text


def test_a_question_about_recognition_under_tt44_is_not_a_question_about_tt44_s_signer(matcher):
    result = matcher.ask("ai ký quyết định công nhận CĐHT theo TT44")
    assert result.document is None


def test_a_document_the_knowledge_base_never_mentions_is_declined(matcher):
    assert matcher.ask("thông tư 32/2018 có bao nhiêu tiêu chí").kind == "none"


# --- two questions in one message ---------------------------------------------------------------


def test_a_message_with_two_questions_is_split_in_two():
    assert split_questions("hồ sơ gồm những gì, và nộp trước ngày nào") == [
        "hồ sơ gồm những gì?",
        "nộp trước ngày nào",
    ]
    assert len(split_questions("TT44 và TT25 khác nhau thế nào")) == 1
    assert len(split_questions("hồ sơ gồm những gì")) == 1


def test_both_questions_are_answered_each_with_its_source(matcher):
    result = matcher.ask("cdht duoc cong nhan may muc, va duoc bao luu bao lau")
    assert len(result.parts) == 2
    assert {p.entry.id for p in result.parts} == {"tt25-levels", "tt25-validity"}
    text = result.text()
    assert "mức độ 1" in text and "3 năm" in text
    assert result.parts[0].entry.source in result.entry.source


def test_two_fields_of_one_document_make_one_answer_from_its_record(matcher):
    result = matcher.ask("Thông tư 25/2023 ký ngày nào, có hiệu lực từ ngày nào?")
    assert result.document == "tt25" and set(result.fields) == {"signed", "in_force"}
    assert "27/12/2023" in result.text() and "12/02/2024" in result.text()


# --- English --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How many criteria does Circular 44 have?", "en"),
        ("Is TT44 still in force?", "en"),
        ("tt44 co bao nhieu tieu chi", "vi"),
        ("Thông tư 44 còn hiệu lực không", "vi"),
        ("cdht tt25", None),
    ],
)
def test_the_question_s_language_is_recognised(kb, text, expected):
    assert detect(text, frozenset(fold(k) for k in kb.abbreviations)) == expected


def test_a_clearly_english_question_is_answered_in_english_whatever_the_setting(matcher):
    result = matcher.ask("Is Circular 44 still in force?", "vi")
    assert result.language == "en"
    assert "repealed" in result.text()


def test_a_vietnamese_question_follows_the_person_s_setting(matcher):
    assert matcher.ask("TT44 còn hiệu lực không", "vi").language == "vi"
    assert matcher.ask("TT44 còn hiệu lực không", "en").language == "en"


# --- small talk and what is not a question --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("xin chào", "greeting"),
        ("chao ad", "greeting"),
        ("Hello!", "greeting"),
        ("cảm ơn nhiều nhé", "thanks"),
        ("thank you so much", "thanks"),
        ("bạn là ai", "who"),
        ("who are you?", "who"),
        ("giúp tôi với", "help"),
        ("bot làm được gì", "help"),
        ("tạm biệt", "goodbye"),
        ("TT44 còn hiệu lực không", None),
        ("chào ad, cho hỏi hồ sơ cđht gồm gì", None),
    ],
)
def test_small_talk_is_recognised_only_when_it_is_all_the_message_says(text, kind):
    assert small_talk(text) == kind


def test_small_talk_is_a_result_kind_with_a_friendly_reply_not_a_decline(matcher, i18n):
    result = matcher.ask("xin chào")
    assert result.kind == "small_talk" and result.small_talk == "greeting" and result.entry is None
    reply = render(result, i18n.translator("vi").gettext)
    assert "anh/chị" in reply and "Xin lỗi" not in reply


def test_a_greeting_before_a_question_does_not_hide_the_question(matcher):
    assert matcher.ask("chào ad, TT44 còn hiệu lực không").entry.id == "tt44-status"


@pytest.mark.parametrize(
    "text", ["KTW4KD", "ktw4kd", "A3F9QX", "12", "0912 345 678", "  ", "https://example.org/x"]
)
def test_numbers_codes_and_links_are_not_questions(matcher, text):
    assert not is_question(text)
    assert matcher.ask(text).kind == "none"


@pytest.mark.parametrize("text", ["tt44 là gì", "xin chào", "thanks", "Hồ sơ?"])
def test_questions_and_small_talk_are_questions(text):
    assert is_question(text)


# --- answers on a phone ---------------------------------------------------------------------------

_NOTES = re.compile(
    r"chưa đối chiếu|người dùng cung cấp|Sổ tay|nguồn bị cắt|\bbot\b|\bBot\b|TODO|maintainer|người soạn|"
    r"not checked against|the source is cut|\bbạn\b",
)


def test_every_answer_fits_a_phone_and_cites_its_source_on_one_line(kb, matcher, i18n):
    for entry in kb.entries:
        for locale in ("vi", "en"):
            assert len(to_plain(entry.answer_for(locale))) <= 700, entry.id
        assert entry.source.strip() and "\n" not in entry.source, entry.id
    t = i18n.translator("vi")
    for question in (
        "QĐ 387 ký ngày nào",
        "TT44 có bao nhiêu tiêu chí",
        "cdht duoc cong nhan may muc, va duoc bao luu bao lau",
    ):
        reply = to_plain(render(matcher.ask(question), t.gettext))
        assert reply.splitlines()[-1].startswith("Nguồn: "), question


def test_no_maintainer_note_reaches_a_reader(kb, matcher):
    for entry in kb.entries:
        for text in (entry.answer, entry.answer_en, entry.more, entry.more_en, entry.source):
            assert not _NOTES.search(text), (entry.id, _NOTES.search(text).group(0))
    assert not hasattr(kb.entries[0], "note")
    for record in kb.documents:
        for question in (f"{record.name} là gì", f"{record.name} ban hành ngày nào"):
            result = matcher.ask(question)
            if result.entry is not None:
                assert not _NOTES.search(result.text() + result.long_text()), question


def test_a_note_in_the_yaml_is_read_but_never_kept(tmp_path, kb):
    import shutil

    from bot.core.faq import packaged_directory

    directory = tmp_path / "faq"
    shutil.copytree(packaged_directory(), directory)
    (directory / "local.yaml").write_text(
        "entries:\n  - id: local-x\n    topic: general\n    status: confirmed\n"
        "    questions: [Câu hỏi thử?]\n"
        "    answer: Trả lời.\n    answer_en: Answer.\n    source: Ban tổ chức\n"
        "    note: Bí mật của người soạn.\n",
        encoding="utf-8",
    )
    entry = KnowledgeBase.load(directory).entry("local-x")
    assert "Bí mật" not in repr(entry)


def test_abbreviations_are_spelled_out_at_their_first_use(kb):
    table = kb.spelled["vi"]
    assert spell_out("Hồ sơ CĐHT gửi UBND xã; UBND huyện duyệt.", table, "vi") == (
        "Hồ sơ Cộng đồng học tập gửi Ủy ban nhân dân xã; UBND huyện duyệt."
    )
    assert spell_out("Theo TT44/2014, nay áp dụng TT25/2023.", table, "vi") == (
        "Theo Thông tư 44/2014, nay áp dụng TT25/2023."
    )
    # an answer that explains the abbreviation is left as it is
    assert spell_out("CĐHT là Cộng đồng học tập.", table, "vi") == "CĐHT là Cộng đồng học tập."
    for entry in kb.entries:
        first = re.search(r"(?<![\w&/.-])(CĐHT|TTHTCĐ|UBND)(?![\w&-])", entry.answer)
        if first:
            full = table[first.group(1)].lower()
            assert full in entry.answer.lower(), entry.id


def test_a_long_version_is_offered_where_there_is_one(matcher):
    result = matcher.ask("QĐ 387 ký ngày nào")
    assert result.more
    assert "25/3/2022" in result.long_text() and len(result.long_text()) > len(result.text())
