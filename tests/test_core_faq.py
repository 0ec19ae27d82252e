"""FAQ knowledge base and matcher, specified from the cadre's and the organiser's side."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.core.faq import FaqMatcher, KnowledgeBase, KnowledgeBaseError, packaged_directory, to_html, to_plain

# Every section of the fact sheet (shared/knowledge/thong-tu-44-facts.md) must be covered by an entry.
FACT_SHEET_SECTIONS = [
    "abbrev",
    "overview-van-ban",
    "tt44-identity",
    "tt44-scope",
    "tt44-criteria-count",
    "tt44-criteria-list",
    "tt44-tc-lanh-dao",
    "tt44-tc-giao-duc",
    "tt44-tc-hoc-tap-thuong-xuyen",
    "tt44-tc-cong-dong",
    "tt44-scoring",
    "tt44-grading",
    "tt44-timeline",
    "tt44-procedure-xa",
    "tt44-procedure-huyen",
    "tt44-tthc",
    "tt44-dossier",
    "tt44-roles",
    "tt44-hkh-role",
    "tt44-validity",
    "tt44-complaints",
    "tt44-rollout",
    "tt44-status",
    "tt25-identity",
    "tt25-purpose-principles",
    "tt25-levels-validity",
    "tt25-authority",
    "tt25-criteria-xa",
    "tt25-procedure",
    "tt25-dossier",
    "tt25-responsibilities",
    "tt44-vs-tt25",
    "reform-2025-overview",
    "reform-2025-decentralization",
    "reform-2025-cdht-authority",
    "reform-2025-tthtcd",
    "reform-2025-hcm-q10",
    "tthtcd-legal-basis",
    "tthtcd-functions",
    "tthtcd-tasks",
    "tthtcd-management",
    "tthtcd-establish",
    "qd448-identity",
    "qd448-gia-dinh-hoc-tap",
    "qd448-other-models",
    "qd448-reporting",
    "models-targets",
    "dvht-tt22-2020",
    "hcm-van-ban",
    "faq-unconfirmed",
]
REQUIRED_TOPICS = {"criteria", "scoring", "procedure", "dossier", "centres", "models", "changes"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


# --- the knowledge base ---------------------------------------------------------------------------


def test_the_knowledge_base_has_at_least_60_entries_with_unique_ids(kb):
    ids = [e.id for e in kb.entries]
    assert len(ids) >= 60
    assert len(ids) == len(set(ids))


def test_every_entry_has_a_source_a_phone_sized_answer_in_both_languages_and_several_phrasings(kb):
    for entry in kb.entries:
        assert entry.source.strip(), entry.id
        assert len(to_plain(entry.answer)) <= 700, entry.id
        assert len(to_plain(entry.answer_en)) <= 700, entry.id
        assert len(entry.questions) >= 4, entry.id


def test_every_section_of_the_fact_sheet_is_covered_by_an_entry(kb):
    covered = {section for entry in kb.entries for section in entry.sections}
    assert set(FACT_SHEET_SECTIONS) - covered == set()


def test_every_browsable_topic_has_entries_and_a_title_in_both_languages(kb):
    assert {t.id for t in kb.topics} >= REQUIRED_TOPICS
    for topic in kb.topics:
        assert kb.by_topic(topic.id), topic.id
        assert topic.title_for("vi") and topic.title_for("en")


def test_an_entry_is_found_by_its_id(kb):
    assert kb.entry("tt44-status").topic == "changes"
    with pytest.raises(KeyError):
        kb.entry("no-such-entry")


def test_every_answer_about_tt44_says_it_was_repealed_on_12_02_2024_and_what_applies_now(kb):
    about_tt44 = [e for e in kb.entries if e.id.startswith("tt44-")]
    assert len(about_tt44) >= 20
    for entry in about_tt44:
        for text in (entry.answer, entry.answer_en):
            assert "12/02/2024" in text, entry.id
            assert any(name in text for name in ("TT25", "Thông tư 25", "Circular 25")), entry.id


def test_unconfirmed_entries_say_so_instead_of_guessing(kb):
    unconfirmed = [e for e in kb.entries if not e.confirmed]
    assert len(unconfirmed) >= 10
    for entry in unconfirmed:
        assert "Chưa có" in entry.answer, entry.id


def test_answers_render_as_telegram_html_and_plain_text():
    markup = "Theo <b>TT44</b>, Phòng GD&ĐT <i>và</i> 85 < 100"
    assert to_html(markup) == "Theo <b>TT44</b>, Phòng GD&amp;ĐT <i>và</i> 85 &lt; 100"
    assert to_plain(markup) == "Theo TT44, Phòng GD&ĐT và 85 < 100"


# --- malformed files are refused, naming file and entry -------------------------------------------


def _kb_copy(tmp_path: Path) -> Path:
    target = tmp_path / "faq"
    shutil.copytree(packaged_directory(), target)
    return target


def test_a_malformed_entry_is_refused_with_its_file_and_entry_named(tmp_path):
    directory = _kb_copy(tmp_path)
    (directory / "broken.yaml").write_text(
        textwrap.dedent(
            """
            entries:
              - id: missing-answer
                topic: criteria
                status: confirmed
                questions:
                  - Một câu hỏi?
                answer_en: An answer.
                source: TT25/2023
              - id: wrong-topic
                topic: weather
                status: maybe
                questions:
                  - Câu hỏi?
                answer: <b>Chưa đóng thẻ
                answer_en: Fine.
                source: Nowhere
            """
        ),
        encoding="utf-8",
    )
    with pytest.raises(KnowledgeBaseError) as error:
        KnowledgeBase.load(directory)
    message = str(error.value)
    assert "broken.yaml: entry #1 'missing-answer': missing answer" in message
    assert "broken.yaml: entry #2 'wrong-topic': unknown topic 'weather'" in message
    assert "'status' must be one of confirmed, unconfirmed" in message
    assert "unclosed <b>" in message


def test_a_file_that_is_not_yaml_is_refused_with_its_line(tmp_path):
    directory = _kb_copy(tmp_path)
    (directory / "typo.yaml").write_text("entries:\n  - id: x\n   topic: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match=r"typo\.yaml: not valid YAML \(line \d+\)"):
        KnowledgeBase.load(directory)


def test_a_duplicate_id_is_refused_naming_both_files(tmp_path):
    directory = _kb_copy(tmp_path)
    text = (directory / "changes.yaml").read_text(encoding="utf-8")
    (directory / "copy.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="id already used in changes.yaml"):
        KnowledgeBase.load(directory)


def test_an_organiser_edit_takes_effect_on_reload_without_code_changes(tmp_path):
    directory = _kb_copy(tmp_path)
    (directory / "local.yaml").write_text(
        textwrap.dedent(
            """
            entries:
              - id: ward-meeting-room
                topic: general
                status: confirmed
                questions:
                  - Phòng họp của Hội Khuyến học phường ở đâu?
                  - phong hop hoi khuyen hoc
                answer: Phòng họp ở tầng 2 trụ sở UBND phường.
                answer_en: The meeting room is on the 2nd floor of the ward office.
                source: Ban tổ chức
            """
        ),
        encoding="utf-8",
    )
    result = FaqMatcher(KnowledgeBase.load(directory)).ask("phong hop cua hoi khuyen hoc phuong o dau")
    assert result.kind == "answer"
    assert result.entry.id == "ward-meeting-room"


# --- answering ------------------------------------------------------------------------------------


def test_a_cadre_who_types_without_diacritics_gets_the_same_answer(matcher):
    with_marks = matcher.ask("Hồ sơ đề nghị công nhận CĐHT theo TT25 gồm những gì?")
    without = matcher.ask("ho so de nghi cong nhan cdht theo tt25 gom nhung gi")
    assert with_marks.entry == without.entry
    assert without.entry.id == "tt25-dossier"


def test_abbreviations_typos_and_run_together_words_are_understood(matcher):
    assert matcher.ask("tt44 co may tieu chi").entry.id == "tt44-criteria-count"
    assert matcher.ask("TTHTCĐ do ai thanh lap").entry.id == "tthtcd-establish"
    assert matcher.ask("thong tu 44 co bao nhiu tieu chi").entry.id == "tt44-criteria-count"
    assert matcher.ask("hoso tt44 gom nhung gi").entry.id == "tt44-dossier"


def test_misspelt_abbreviations_english_words_and_document_names_are_understood(matcher):
    assert matcher.ask("ai thanh lap tthtdc").entry.id == "tthtcd-establish"
    assert matcher.ask("is circular 44 still vlaid").entry.id == "tt44-status"
    # the misspelt kind still names the decree: answered from its record (or the entry on the 2025 decrees)
    decree = matcher.ask("nghhi dinh 142 noi gi ve giao duc")
    assert decree.document == "nd142-2025" or decree.entry.id == "reform-2025-decrees"
    assert matcher.ask("what is dcision 448").entry.id == "qd448-identity"


def test_word_order_does_not_matter(matcher):
    assert matcher.ask("thành lập TTHTCĐ thẩm quyền ai").entry.id == "tthtcd-establish"


def test_an_english_question_finds_the_same_entry(matcher):
    result = matcher.ask("Is Circular 44 still in force?")
    assert result.kind == "answer"
    assert result.entry.id == "tt44-status"
    assert "12/02/2024" in result.entry.answer_for("en")


def test_a_question_about_tt44_criteria_also_says_tt44_no_longer_applies(matcher):
    result = matcher.ask("tiêu chí đánh giá theo thông tư 44 có bao nhiêu")
    assert result.answered
    assert "15" in result.entry.answer
    assert "12/02/2024" in result.entry.answer and "25/2023" in result.entry.answer


def test_an_unconfirmed_fact_is_never_guessed(matcher):
    result = matcher.ask("tổng điểm tối đa theo TT44 là bao nhiêu điểm")
    assert result.kind == "unconfirmed"
    assert not result.answered
    assert "Chưa có thông tin" in result.entry.answer
    assert "100" not in result.entry.answer


def test_who_recognises_after_the_2025_reform_is_not_guessed(matcher):
    result = matcher.ask("sau 01/7/2025 ai công nhận cộng đồng học tập cấp xã")
    assert result.kind == "unconfirmed"
    assert "Sở Giáo dục và Đào tạo" in result.entry.answer


@pytest.mark.parametrize(
    "question",
    ["thời tiết Hà Nội hôm nay", "kết quả bóng đá tối qua", "giá xăng hôm nay", "", "???"],
)
def test_questions_outside_the_knowledge_base_are_declined(matcher, question):
    result = matcher.ask(question)
    assert result.kind == "none"
    assert not result.answered and result.entry is None and result.suggestions == ()


def test_a_weak_match_offers_at_most_three_suggestions_instead_of_an_answer(kb):
    cautious = FaqMatcher(kb, answer_threshold=0.99, suggest_threshold=0.3, subject_threshold=0.99)
    result = cautious.ask("hội khuyến học chủ trì đánh giá theo thông tư 44 không")
    assert result.kind == "suggest"
    assert result.entry is None and not result.answered
    assert 1 <= len(result.suggestions) <= 3
    assert "tt44-association-role" in [e.id for e in result.suggestions]


def test_one_common_word_is_not_enough_for_a_confident_answer(matcher):
    for question in ("tt44", "học tập", "phường"):
        assert matcher.ask(question).kind in ("suggest", "none"), question


def test_the_question_s_distinctive_word_decides_between_entries_sharing_common_words(matcher):
    # "quyết định công nhận CĐHT" is in many entries; "khiếu nại" is what the cadre asks about.
    assert matcher.ask("minh muon khieu nai quyet dinh cong nhan cdht").entry.id == "complaints"


def test_a_question_naming_tt44_is_not_answered_with_an_entry_about_tt25(matcher):
    assert matcher.ask("chấm điểm cdht theo tt44 thế nào").entry.id == "tt44-scoring-method"


def test_a_single_topic_word_inside_chat_is_not_answered(matcher):
    assert matcher.ask("làm sao để giảm cân").kind in ("suggest", "none")
    assert matcher.ask("bot ơi bạn tên gì").kind == "small_talk"


def test_a_long_message_that_tells_its_story_first_is_answered_on_its_question(matcher):
    story = "toi moi nhan viec o hoi khuyen hoc phuong, doc van ban thay nhieu qua, cho toi hoi "
    assert matcher.ask(story + "thong tu 44 co bao nhieu tieu chi").entry.id == "tt44-criteria-count"
    assert matcher.ask(story + "gia vang hom nay the nao").kind == "none"


def test_the_new_circular_is_tt25_and_the_old_one_tt44(matcher, normaliser):
    assert normaliser.tokens("theo thông tư mới") == ["tt25"]
    assert normaliser.tokens("thong tu cu") == ["tt44"]


def test_words_the_knowledge_base_never_uses_point_outside_it(matcher):
    assert matcher.ask("quy định về giờ giấc karaoke trong khu dân cư").kind in ("suggest", "none")


def test_scores_are_between_0_and_1(matcher):
    for question in ("tt44", "ho so", "thoi tiet", "TT44 còn hiệu lực không"):
        assert 0.0 <= matcher.ask(question).score <= 1.0


# --- organisers' answers become entries ----------------------------------------------------------


def test_an_organisers_answer_becomes_an_entry_the_bot_then_answers_with(tmp_path, kb):
    from bot.core.faq.additions import added_entry, write_entries

    added = tmp_path / "data" / "added.yaml"
    first = added_entry(
        "Phòng họp của Hội Khuyến học phường ở đâu?",
        'Ở tầng 2: "phòng họp A" – trụ sở UBND phường.',
        source="Trả lời của ban tổ chức, 27/11/2026",
        existing=[e.id for e in kb.entries],
    )
    second = added_entry(
        "Phòng họp của Hội Khuyến học phường ở đâu?",
        "Đã chuyển sang tầng 3.",
        source="Ban tổ chức",
        existing=[e.id for e in kb.entries] + [first.id],
    )
    added.parent.mkdir(parents=True)
    write_entries(added, [first, second])
    assert first.id == "added-phong-hop-cua-hoi-khuyen-hoc"
    assert second.id == "added-phong-hop-cua-hoi-khuyen-hoc-2"

    reloaded = KnowledgeBase.load(extra_files=[added])
    assert reloaded.entry(first.id).answer == 'Ở tầng 2: "phòng họp A" – trụ sở UBND phường.'
    assert len(reloaded.entries) == len(kb.entries) + 2
    result = FaqMatcher(reloaded).ask("phong hop hoi khuyen hoc phuong o dau")
    assert result.kind == "answer" and result.entry.id in {first.id, second.id}


# --- normalisation --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def normaliser(kb):
    from bot.core.faq.normalise import Normaliser

    return Normaliser(kb.abbreviations, kb.synonyms, kb.english)


def test_every_way_of_writing_a_circular_number_is_the_same_document(normaliser):
    for text in (
        "Thông tư số 44/2014/TT-BGDĐT",
        "TT 44",
        "tt44",
        "thong tu 44",
        "Circular No. 44",
        "44/2014/TT-BGDĐT",
    ):
        assert normaliser.tokens(text) == ["tt44"], text
    assert normaliser.tokens("448/QĐ-KHVN") == normaliser.tokens("Quyết định 448") == ["qd448"]


def test_dates_are_read_the_same_written_in_words_or_digits(normaliser):
    assert normaliser.tokens("ngày 28 tháng 2") == normaliser.tokens("ngày 28/02")


def test_abbreviations_and_english_question_words_are_expanded(normaliser):
    assert normaliser.tokens("CĐHT") == normaliser.tokens("cdht") == ["cong", "dong", "hoc", "tap"]
    assert normaliser.tokens("how many criteria") == normaliser.tokens("bao nhiêu tiêu chí")


def test_english_plurals_and_verb_forms_meet_the_same_synonyms(normaliser):
    assert normaliser.tokens("districts") == normaliser.tokens("district") == normaliser.tokens("huyện")
    assert normaliser.tokens("who leads") == normaliser.tokens("ai chủ trì")


def test_a_misspelt_document_kind_still_names_the_document(normaliser):
    assert normaliser.tokens("thng tu 44") == normaliser.tokens("Circlar 44") == ["tt44"]
    assert normaliser.tokens("tieu chi so 8") == ["tieu", "chi", "8"]


def test_a_document_kind_word_after_its_number_adds_nothing(normaliser):
    assert normaliser.tokens("QĐ 448 là quyết định gì") == ["qd448"]
    assert "quyet" in normaliser.tokens("quyết định công nhận theo TT25")


def test_mấy_means_how_many_but_máy_bay_stays_an_aeroplane(normaliser):
    assert normaliser.tokens("mấy tiêu chí") == normaliser.tokens("bao nhiêu tiêu chí")
    assert normaliser.tokens("máy bay") == ["may", "bay"]


def test_chat_words_typed_with_diacritics_are_dropped_but_not_their_unaccented_homographs(normaliser):
    assert normaliser.tokens("cho em hỏi Hội Khuyến học") == ["hoi", "khuyen", "hoc"]
    assert "minh" in normaliser.tokens("minh chứng của mình")


def test_điều_mấy_asks_which_article_not_how_many(normaliser):
    assert normaliser.tokens("hồ sơ ở điều mấy") == normaliser.tokens("hồ sơ ở điều nào")
    assert "bao" not in normaliser.tokens("nộp trước ngày mấy")


def test_an_unaccented_chat_opener_with_a_person_is_dropped_but_cho_hoi_khuyen_hoc_is_not(normaliser):
    assert normaliser.tokens("cho e hoi tt44 con hieu luc ko") == normaliser.tokens("tt44 con hieu luc ko")
    assert normaliser.tokens("gui ho so cho hoi khuyen hoc")[-3:] == ["hoi", "khuyen", "hoc"]


def test_the_question_after_a_story_is_found_after_its_last_opener():
    from bot.core.faq import focus

    question, context = focus.split("em mới nhận việc ở hội phường được hai tuần, cho em hỏi hồ sơ gồm gì")
    assert question == "hồ sơ gồm gì"
    assert context == (("em mới nhận việc ở hội phường được hai tuần", focus.STORY_WEIGHT),)
    assert focus.split("hồ sơ cđht gồm gì") is None  # short: the whole message is the question
    assert (
        focus.split("Theo Thông tư 44, việc đánh giá, xếp loại cộng đồng học tập tổ chức bao lâu một lần?")
        is None
    )
