"""What the chair reads: a concise message that fits Telegram, a chart and a workbook with the same
numbers."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from bot.channels.telegram.render import TEXT_LIMIT as MAX_MESSAGE
from bot.conversation.markup import split
from bot.conversation.replies import Attachment
from bot.core.models import Chapter, Ward
from bot.core.summary import (
    PeriodInfo,
    ReportFact,
    SummaryInputs,
    compute_summary,
    parse_week_key,
)
from bot.i18n import I18n
from bot.views.summary.chart import chart_rows, others_note, render_chart
from bot.views.summary.text import chart_caption, render_summary, signed, week_label, workbook_caption
from bot.views.summary.workbook import render_workbook

VN = ZoneInfo("Asia/Ho_Chi_Minh")
W48 = parse_week_key("2026-W48", VN)
I18N = I18n.load()


def city(wards: int = 300, chapters: int = 2000) -> SummaryInputs:
    """A city where a third of the chapters reported (some this week) and the deadline has passed."""
    reports = tuple(
        ReportFact(c, "2026-11", c % 4, datetime(2026, 11, 20 + c % 9, 9, tzinfo=VN))
        for c in range(1, chapters + 1)
        if c % 3 == 0
    )
    return SummaryInputs(
        week=W48,
        as_of=W48.end,
        period=PeriodInfo("2026-11", datetime(2026, 11, 25, 20, tzinfo=VN)),
        wards=tuple(Ward(w, f"Phường {w}") for w in range(1, wards + 1)),
        chapters=tuple(Chapter(c, 1 + c % wards, f"Chi hội Khu phố {c}") for c in range(1, chapters + 1)),
        reports=reports,
        trainings=(),
        seminars=(),
        broadcasts=(),
        faq=(),
    )


def test_a_city_sized_summary_stays_concise_and_fits_telegram() -> None:
    t = I18N.translator("vi")
    text = render_summary(t, compute_summary(city()))
    parts = split(text, MAX_MESSAGE)
    assert all(len(part) <= MAX_MESSAGE for part in parts)
    assert len(parts) <= 2
    # Every chapter of a ward has the same number mod 3, so 100 wards reported fully and 200 miss some:
    # 25 wards are named, the other 175 are in the workbook.
    assert "Còn thiếu (1.334):" in text
    assert "• … và 175 phường khác (xem tệp Excel)" in text


def test_the_workbook_holds_every_missing_chapter_and_the_same_totals() -> None:
    t = I18N.translator("vi")
    summary = compute_summary(city())
    book = load_workbook(io.BytesIO(render_workbook(t, summary)))
    missing = list(book["Chưa báo cáo"].iter_rows(min_row=2, values_only=True))
    assert len(missing) == summary.reporting.missing == 2000 - 666
    wards = list(book["Phường"].iter_rows(min_row=2, values_only=True))
    assert sum(row[1] for row in wards) == summary.new_members.this_week
    assert len(list(book["Chi hội"].iter_rows(min_row=2))) == 2000
    overview = {row[0]: row[1] for row in book["Tổng quan"].iter_rows(min_row=2, values_only=True)}
    assert overview["Tỷ lệ báo cáo"] == summary.reporting.rate
    [rate_cell] = [
        row[1] for row in book["Tổng quan"].iter_rows(min_row=2) if row[0].value == "Tỷ lệ báo cáo"
    ]
    assert rate_cell.number_format == "0%"


def test_the_chart_shows_at_most_twelve_bars_with_the_rest_folded() -> None:
    summary = compute_summary(city())
    rows = chart_rows(summary)
    assert len(rows) == 12 and rows[-1][0] == "…"
    assert sum(r[1] for r in rows) == summary.new_members.this_week
    png = render_chart(I18N.translator("vi"), summary)
    assert png is not None and png.startswith(b"\x89PNG")


def test_no_chart_without_new_members() -> None:
    summary = compute_summary(
        SummaryInputs(week=W48, as_of=W48.end, period=PeriodInfo("2026-11"), wards=(Ward(1, "Phường 1"),))
    )
    assert chart_rows(summary) == []
    assert render_chart(I18N.translator("vi"), summary) is None


def test_english_and_changes() -> None:
    t = I18N.translator("en")
    text = render_summary(t, compute_summary(city(wards=5, chapters=20)))
    assert "Summary of the week 23/11–29/11" in text and "Still missing" in text
    assert "2026-W" not in text
    assert (signed(t, 3), signed(t, -2), signed(t, 0)) == ("+3", "−2", "±0")


def test_delivery_messages_text_then_chart_then_workbook_with_stable_dedupe_keys() -> None:
    from bot.core.models import Member, MemberStatus, Recipient, Role
    from bot.core.summary import Addressee
    from handlers.summary.weekly import summary_messages

    t = I18N.translator("vi")
    chair = Addressee(Member(7, "Hoa", MemberStatus.ACTIVE, Role.ADMIN), None)
    recipient = Recipient(7, "1007", "vi", "Hoa")
    chart = Attachment("tom-tat-2026-W48.png", "image/png", image=True, blob_id=11)
    workbook = Attachment("tom-tat-2026-W48.xlsx", "application/octet-stream", blob_id=12)
    # On a channel with short messages the text comes in two parts; the ward choices go under the last.
    files = (chart, workbook)
    messages = summary_messages(t, compute_summary(city()), chair, recipient, files, limit=1000)
    assert [(m.kind, m.dedupe_key) for m in messages] == [
        ("text", "summary:2026-W48:to:7:text:0"),
        ("text", "summary:2026-W48:to:7:text:1"),
        ("photo", "summary:2026-W48:to:7:chart"),
        ("document", "summary:2026-W48:to:7:workbook"),
    ]
    assert not messages[0].reply.choices and messages[1].reply.choices
    assert [m.reply.attachment.blob_id for m in messages[2:]] == [11, 12]
    assert {(m.channel, m.chat_id) for m in messages} == {("telegram", "1007")}
    empty = compute_summary(SummaryInputs(week=W48, as_of=W48.end, period=PeriodInfo("2026-11")))
    assert [m.kind for m in summary_messages(t, empty, chair, recipient, (None, workbook))] == ["text"]


def test_weeks_are_named_by_their_dates_in_the_chart_and_file_captions_never_as_iso_weeks() -> None:
    t = I18N.translator("vi")
    summary = compute_summary(city(wards=3, chapters=6))
    monday, sunday = summary.week.monday.strftime("%d/%m"), summary.week.sunday.strftime("%d/%m")
    assert week_label(t, summary.week) == f"tuần {monday}–{sunday}"
    for caption in (chart_caption(t, summary), workbook_caption(t, summary)):
        assert f"tuần {monday}–{sunday}" in caption and "-W" not in caption


def test_a_city_of_168_wards_names_the_wards_missing_most_and_fits_one_message() -> None:
    """Hồ Chí Minh City's 168 wards: no chapter names ward by ward, but the wards missing the most reports,
    worst first, with how many; the other wards counted; every missing chapter in the workbook."""
    t = I18N.translator("vi")
    summary = compute_summary(city(wards=168))
    text = render_summary(t, summary)
    assert len(split(text, MAX_MESSAGE)) == 1
    missing = summary.reporting.missing_by_ward
    section = text.split("Còn thiếu")[1].split("\n\n")[0]
    named = [line for line in section.splitlines() if line.endswith(" chi hội")]
    counts = [int(line.rsplit(": ", 1)[1].split()[0]) for line in named]
    assert len(named) == 25 and counts == sorted(counts, reverse=True)
    assert counts[0] == max(len(names) for _, names in missing)
    assert f"• … và {len(missing) - 25} phường khác (xem tệp Excel)" in section
    assert "Khu phố" not in section
    book = load_workbook(io.BytesIO(render_workbook(t, summary)))
    assert len(list(book["Chưa báo cáo"].iter_rows(min_row=2))) == summary.reporting.missing
    assert len(list(book["Phường"].iter_rows(min_row=2))) == 168


def test_a_district_still_names_its_missing_chapters_ward_by_ward() -> None:
    text = render_summary(I18N.translator("vi"), compute_summary(city(wards=15, chapters=79)))
    section = text.split("Còn thiếu")[1].split("\n\n")[0]
    assert "• Phường 2: Chi hội Khu phố 1, Chi hội Khu phố 16" in section
    assert "phường khác" not in section


def test_the_chart_draws_the_wards_with_most_new_members_and_sums_the_others_in_a_note() -> None:
    """At city scale the other wards' sum would dwarf a dozen bars: it is a line under the chart instead."""
    t = I18N.translator("vi")
    summary = compute_summary(city(wards=168))
    *bars, (label, this_week, before) = chart_rows(summary)
    active = [w for w in summary.wards if w.new_this_week or w.new_previous_week]
    assert len(bars) == 11 and label == "…"
    assert others_note(t, summary) == (
        f"{len(active) - 11} phường khác cộng lại: {t.number(this_week)} (tuần trước đó: {t.number(before)})"
        "\nSố liệu từng phường có trong tệp Excel."
    )
    assert this_week + sum(row[1] for row in bars) == summary.new_members.this_week
    assert others_note(t, compute_summary(city(wards=5, chapters=20))) is None
